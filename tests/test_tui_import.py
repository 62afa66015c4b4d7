"""The import screen: `i` opens it, the preview shows rows and problems, confirm imports it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.screen import Screen
from textual.widgets import Button, DataTable, Input, Label, ProgressBar, Select, Static

from plugins.api import State
from plugins.manager import PluginHost
from store import Store
from tests.cli_support import write_csv
from tests.store_support import data_revision
from tests.tui_support import Q3, build_town, make_app, settle
from tui.app import PinganApp
from tui.commands import palette_commands
from tui.screens.import_batches import ImportBatchesScreen
from tui.screens.import_file import ImportScreen, PathSuggester
from tui.screens.main import MainScreen

CASES = [
    ["日期", "村名", "性质", "案号"],
    ["2022/7/5", "南河村", "刑事", "T-1"],
    ["2022年8月1日", "SC005", "治安", "T-2"],
]


@pytest.fixture
def town(tmp_path: Path, host: PluginHost) -> Store:
    return build_town(tmp_path / "town.json", host)


def top(app: PinganApp) -> Screen[Any]:
    return app.screen


async def preview(pilot: Any, app: PinganApp, path: Path) -> ImportScreen:
    """Press i, type the path and Enter; returns the import screen once the preview is shown."""
    await pilot.press("i")
    await settle(pilot)
    screen = top(app)
    assert isinstance(screen, ImportScreen)
    screen.query_one("#import-path", Input).value = str(path)
    await pilot.press("enter")
    await settle(pilot)
    return screen


def text_of(screen: Screen[Any], selector: str) -> str:
    return str(screen.query_one(selector, Label | Static).render())


async def test_a_previewed_file_is_imported_on_confirm_and_the_grid_follows(
    town: Store, host: PluginHost, tmp_path: Path
) -> None:
    path = tmp_path / "cases.csv"
    path.write_bytes("\r\n".join(",".join(r) for r in CASES).encode("gbk"))
    app = make_app(town, host)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        assert app.grid is not None and app.grid.cell("SC003", "N9").state is State.PASS
        revision = data_revision(town)
        screen = await preview(pilot, app, path)
        assert screen.query_one("#import-type", Select).value == "police.case"
        table = screen.query_one("#import-preview", DataTable)
        assert table.row_count == 2
        assert "2 行无误" in text_of(screen, "#import-summary")
        assert "GB18030" in text_of(screen, "#import-summary") or "gb18030" in text_of(
            screen, "#import-summary"
        )
        assert text_of(screen, "#import-problems") == ""
        assert not screen.query_one("#import-go", Button).disabled
        assert data_revision(town) == revision

        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(top(app), MainScreen)
        assert {r.text("case_no") for r in town.records(Q3, "police.case")} >= {"T-1", "T-2"}
        assert app.grid is not None and app.grid.cell("SC003", "N9").state is State.FAIL
        (batch,) = town.import_batches()
        assert batch.file == "cases.csv" and batch.rows == 2


async def test_every_problem_is_shown_before_anything_is_stored(
    town: Store, host: PluginHost, tmp_path: Path
) -> None:
    rows = [CASES[0], ["2022/2/30", "南河村", "刑事", ""], ["2022/7/6", "无此村", "盗窃", ""]]
    path = write_csv(tmp_path / "bad.csv", rows)
    app = make_app(town, host, lang="en")
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        revision = data_revision(town)
        screen = await preview(pilot, app, path)
        problems = text_of(screen, "#import-problems").splitlines()
        assert [line.split(": ")[0:2] for line in problems] == [
            [f"{path}:2", "date"],
            [f"{path}:3", "village"],
            [f"{path}:3", "kind"],
        ]
        assert "3 problems" in text_of(screen, "#import-summary")
        assert screen.query_one("#import-go", Button).disabled
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert top(app) is screen and data_revision(town) == revision
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(top(app), MainScreen) and data_revision(town) == revision


async def test_an_ambiguous_file_asks_for_the_type_and_a_repeat_is_refused(
    town: Store, host: PluginHost, tmp_path: Path
) -> None:
    patrols = [["日期", "村", "人数"], ["2022/9/1", "SC001", "3"]]
    path = write_csv(tmp_path / "patrols.csv", patrols)
    app = make_app(town, host)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        screen = await preview(pilot, app, path)
        assert screen.chosen_type is None
        assert "请选择记录类型" in text_of(screen, "#import-summary")
        screen.query_one("#import-type", Select).value = "police.patrol"
        await settle(pilot)
        assert "1 行无误" in text_of(screen, "#import-summary")
        await pilot.press("ctrl+s")
        await settle(pilot)
        screen = await preview(pilot, app, path)
        screen.query_one("#import-type", Select).value = "police.patrol"
        await settle(pilot)
        assert "批次 1" in text_of(screen, "#import-problems")
        assert screen.query_one("#import-go", Button).disabled


async def test_the_path_is_completed_from_its_folder(tmp_path: Path) -> None:
    (tmp_path / "cases-2023.csv").write_text("x", encoding="utf-8")
    (tmp_path / "data").mkdir()
    suggester = PathSuggester()
    assert await suggester.get_suggestion(str(tmp_path / "cas")) == str(tmp_path / "cases-2023.csv")
    assert await suggester.get_suggestion(str(tmp_path / "da")) == str(tmp_path / "data") + "/"
    assert await suggester.get_suggestion(str(tmp_path / "zz")) is None


async def test_a_big_file_moves_the_progress_bar_to_its_end(
    town: Store, host: PluginHost, tmp_path: Path
) -> None:
    rows = [["日期", "村", "人数"], *[["2022/9/1", "SC001", str(n % 9)] for n in range(450)]]
    path = write_csv(tmp_path / "patrols.csv", rows)
    app = make_app(town, host)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        screen = await preview(pilot, app, path)
        screen.query_one("#import-type", Select).value = "police.patrol"
        await settle(pilot)
        bar = screen.query_one("#import-progress", ProgressBar)
        assert (bar.total, bar.progress) == (450, 450)
        assert "450 行无误" in text_of(screen, "#import-summary")


async def test_the_palette_offers_the_import_on_the_main_screen(
    town: Store, host: PluginHost
) -> None:
    app = make_app(town, host, lang="en")
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        (command,) = [
            c for c in palette_commands(app, top(app)) if c.title == "Records: Import a file"
        ]
        command.run()
        await settle(pilot)
        assert isinstance(top(app), ImportScreen)
        assert not [c for c in palette_commands(app, top(app)) if "Import" in c.title]


async def test_a_batch_is_undone_from_the_tui_with_a_reason_and_the_grid_follows(
    town: Store, host: PluginHost, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "cases.csv", CASES)
    app = make_app(town, host)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await preview(pilot, app, path)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.grid is not None and app.grid.cell("SC003", "N9").state is State.FAIL
        await pilot.press("i")
        await settle(pilot)
        await pilot.press("f2")
        await settle(pilot)
        batches = top(app)
        assert isinstance(batches, ImportBatchesScreen)
        assert batches.query_one("#batches", DataTable).row_count == 1
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "reason" in text_of(batches, "#batches-message") or "理由" in text_of(
            batches, "#batches-message"
        )
        batches.query_one("#batches-reason", Input).value = "导错了文件"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "已撤销批次 1" in text_of(batches, "#batches-message")
        (batch,) = town.import_batches()
        assert batch.undone is not None and batch.undone["reason"] == "导错了文件"
        assert app.grid is not None and app.grid.cell("SC003", "N9").state is State.PASS
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(top(app), ImportScreen)
