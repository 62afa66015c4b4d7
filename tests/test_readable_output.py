"""What people read of times and units: `2024-01-03 09:30` in local time, a unit by its name.

The demo town (with one import added) is shown through every command's plain output and
every TUI screen that names a time or a unit; none may show an ISO 8601 stamp such as
2024-01-02T16:00, nor a unit's code (police, civil...) where its name belongs.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from plugins.demo import LAST_QUARTER, build_demo
from plugins.i18n import local_time
from plugins.manager import PluginHost
from store import Quarter, Store
from tests.cli_support import call_pingan, write_csv
from tests.tui_support import make_app, screen_text, settle, wait_until
from tui.screens.evidence import EvidenceScreen
from tui.screens.history import HistoryScreen
from tui.screens.import_batches import ImportBatchesScreen
from tui.screens.meeting import MeetingScreen
from tui.screens.rectification import RectificationScreen

ISO_STAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d")
MEETING_QUARTER = Quarter(2023, 3)
"""A quarter of the demo whose meeting decided G1 and G2, so its evidence names a time."""


@pytest.fixture(scope="module")
def demo_path(tmp_path_factory: pytest.TempPathFactory, host: PluginHost) -> Path:
    folder = tmp_path_factory.mktemp("times")
    store = Store(folder / "town.json")
    store.init("")
    store.open()
    build_demo(store, host)
    return folder / "town.json"


@pytest.fixture(scope="module")
def imported(demo_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo with one patrol imported, so there is an import batch to list."""
    day = LAST_QUARTER.start.isoformat()
    csv_file = write_csv(
        tmp_path_factory.mktemp("csv") / "patrols.csv", [["date", "village"], [day, "SC001"]]
    )
    from tui.cli.main import main

    assert (
        main(
            ["--db", str(demo_path), "records", "import", str(csv_file), "--type", "police.patrol"]
        )
        == 0
    )
    return demo_path


def test_local_time_reads_a_stamp_as_people_do() -> None:
    assert local_time("2024-01-03T09:30:00") == "2024-01-03 09:30"
    assert not ISO_STAMP.search(local_time("2024-01-03T09:30:00+08:00"))
    assert local_time("not a time") == "not a time"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_command_prints_an_iso_stamp(
    imported: Path, lang: str, capsys: pytest.CaptureFixture[str]
) -> None:
    commands = [
        ["returns", "list", "--quarter", str(LAST_QUARTER)],
        ["imports", "list"],
        ["minutes", "--quarter", str(MEETING_QUARTER)],
        ["audit"],
        ["rectification"],
        ["warnings"],
        ["lists", "--quarter", str(MEETING_QUARTER)],
    ]
    for args in commands:
        code, out, err = call_pingan(["--db", str(imported), "--lang", lang, *args], capsys)
        assert code == 0, (args, err)
        assert out.strip(), args
        found = ISO_STAMP.findall(out)
        assert not found, (args, found)


UNIT_CODE = re.compile(r"\b(police|judicial|emergency|civil|office)\b")


def test_lists_rectification_and_warnings_name_units_in_the_language(
    imported: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for args in (["lists", "--quarter", str(MEETING_QUARTER)], ["rectification"], ["warnings"]):
        code, zh, err = call_pingan(["--db", str(imported), *args], capsys)
        assert code == 0, err
        assert not UNIT_CODE.findall(zh), (args, zh)
        assert any(name in zh for name in ("派出所", "司法所", "应急办", "民政办")), (args, zh)
        code, en, err = call_pingan(["--db", str(imported), "--lang", "en", *args], capsys)
        assert code == 0, err
        assert "Judicial office" in en or "Police station" in en, (args, en)


async def visit(pilot: Pilot[Any], *keys: str) -> str:
    await pilot.press(*keys)
    await settle(pilot)
    return screen_text(pilot.app)  # type: ignore[arg-type]


@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_no_screen_shows_an_iso_stamp(imported: Path, host: PluginHost, lang: str) -> None:
    app = make_app(Store(imported).open(), host, lang=lang, quarter=MEETING_QUARTER)
    seen: dict[str, str] = {}
    async with app.run_test(size=(160, 50)) as pilot:
        await wait_until(pilot, lambda: app.grid is not None, "the first grid")
        seen["evidence"] = await visit(pilot, "enter")
        assert isinstance(app.screen, EvidenceScreen)
        seen["history"] = await visit(pilot, "h")
        assert isinstance(app.screen, HistoryScreen)
        await visit(pilot, "escape", "escape")
        seen["dashboard"] = await visit(pilot, "d")
        await visit(pilot, "g")
        await visit(pilot, "i")
        seen["batches"] = await visit(pilot, "f2")
        assert isinstance(app.screen, ImportBatchesScreen)
        await visit(pilot, "escape", "escape")
        seen["rectification"] = await visit(pilot, "z")
        assert isinstance(app.screen, RectificationScreen)
        await visit(pilot, "escape")
        await visit(pilot, "right_square_bracket")
        await wait_until(pilot, lambda: app.quarter == LAST_QUARTER, "the open quarter")
        seen["meeting"] = await visit(pilot, "m")
        assert isinstance(app.screen, MeetingScreen)
    stamped = {name: ISO_STAMP.findall(text) for name, text in seen.items()}
    if lang == "zh":
        for name in ("rectification", "dashboard"):
            assert not UNIT_CODE.findall(seen[name]), (name, seen[name])
    assert not any(stamped.values()), stamped
    assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d", seen["evidence"]), seen["evidence"]
    assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d", seen["history"]), seen["history"]
