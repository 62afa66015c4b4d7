"""Snapshot tests of the demo town: the grid, the evidence and the dashboard at 120×40; the
grid, dashboard, records, help, meeting and evidence at 80×24 in Chinese and in English; the
grid, dashboard and a form without colour (NO_COLOR and the monochrome theme).

Each test compares an SVG screenshot with the one stored in tests/__snapshots__/ and fails
on any difference; pytest then writes snapshot_report.html showing both side by side.
After a deliberate visual change, regenerate every stored SVG with one command and review
the SVGs' diff before committing:

    .venv/bin/pytest tests/test_tui_snapshot.py -n 0 --snapshot-update    (or: make snapshots)

The screens are made deterministic: the seeded demo town, every time the store stamps
(returns filed, the store's creation) fixed, the header's "today" fixed, the test theme and
no animations (tests.tui_support.make_app).
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

import store.transaction
import tui.widgets.header
from plugins.criteria import CRITERION_CODES
from plugins.demo import LAST_QUARTER, build_demo
from plugins.manager import PluginHost
from store import Store
from tests.tui_support import (
    VILLAGES,
    build_town,
    make_app,
    screen_text,
    settle,
    wait_until,
)
from tui.app import PinganApp
from tui.mono_theme import MONO
from tui.screens.evidence import EvidenceScreen
from tui.screens.main import MainScreen
from tui.widgets.dashboard import Dashboard
from tui.widgets.grid import GridTable

SIZE = (120, 40)
STAMP = "2024-01-03T09:00:00+08:00"
"""What the store writes for "now" while the demo is built (the time each return is filed)."""
TODAY = date(2024, 1, 2)
"""The header's today: four days before the district report on the demo's last quarter."""
EVIDENCE_VILLAGE = "sc017"
EVIDENCE_VILLAGE_NAME = "杨柳湾"
EVIDENCE_CRITERION = "G3"
"""杨柳湾 fails G3 in the demo's last quarter, so its evidence lists the disputes behind it."""

SnapCompare = Callable[..., bool]


class FrozenDate(date):
    """A date whose today() is TODAY, for the header's "days until the report" text."""

    @classmethod
    def today(cls) -> FrozenDate:
        return cls(TODAY.year, TODAY.month, TODAY.day)


@pytest.fixture(scope="module")
def demo_town(tmp_path_factory: pytest.TempPathFactory, host: PluginHost) -> Store:
    """The demo town, built once with the store's clock fixed; the tests only read it."""
    built = Store(tmp_path_factory.mktemp("snapshot") / "town.json")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(store.transaction, "now_text", lambda: STAMP)
        built.init("")
        built.open()
        build_demo(built, host)
    return built


@pytest.fixture(autouse=True)
def frozen_today(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Fix the date the header counts the report deadline from."""
    monkeypatch.setattr(tui.widgets.header, "date", FrozenDate)
    yield


@pytest.fixture(autouse=True)
def town_time_zone(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Read times in the town's zone, so local_time shows the same wall clock on any machine."""
    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def app(demo_town: Store, host: PluginHost) -> PinganApp:
    return make_app(demo_town, host)


def opened(app: PinganApp, *keys: str) -> Callable[[Pilot[Any]], Awaitable[None]]:
    """A run_before that waits for the grid, presses keys, then waits until all work is done."""

    async def run_before(pilot: Pilot[Any]) -> None:
        await wait_until(pilot, lambda: app.grid is not None, "the first grid")
        await pilot.press(*keys)
        await settle(pilot)

    return run_before


def test_the_grid(app: PinganApp, snap_compare: SnapCompare) -> None:
    assert snap_compare(app, terminal_size=SIZE, run_before=opened(app))
    assert app.grid is not None and app.grid.quarter == LAST_QUARTER


def test_the_evidence_of_a_failing_cell(app: PinganApp, snap_compare: SnapCompare) -> None:
    shown: list[tuple[type[object], str]] = []
    to_criterion = ["right"] * CRITERION_CODES.index(EVIDENCE_CRITERION)
    before = opened(app, "j", *EVIDENCE_VILLAGE, "enter", *to_criterion, "enter")

    async def run_before(pilot: Pilot[Any]) -> None:
        await before(pilot)
        shown.append((type(app.screen), screen_text(app)))

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
    [(screen, text)] = shown
    assert screen is EvidenceScreen
    assert f"{EVIDENCE_VILLAGE_NAME} {LAST_QUARTER} {EVIDENCE_CRITERION}" in text


def test_the_dashboard(app: PinganApp, snap_compare: SnapCompare) -> None:
    dashboards: list[int] = []
    before = opened(app, "d")

    async def run_before(pilot: Pilot[Any]) -> None:
        await before(pilot)
        dashboards.append(len(app.screen.query(Dashboard)))

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
    assert dashboards == [1]


async def test_the_grid_fits_80_by_24_without_scrolling_sideways(
    tmp_path: Path, host: PluginHost
) -> None:
    app = make_app(build_town(tmp_path / "town.json", host), host, lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        table = app.screen.query_one(GridTable)
        assert table.virtual_size.width <= table.scrollable_content_region.width
        text = screen_text(app)
    for code in CRITERION_CODES:
        assert code in text
    assert VILLAGES[0].name in text and "Village" in text and "? Help" in text
    assert "l 中文" in text, "the way back to Chinese stays in the English footer"


SMALL = (80, 24)
"""The smallest terminal every screen must work in, in Chinese and in English."""
SMALL_SCREENS: dict[str, tuple[str, ...]] = {
    "grid": (),
    "dashboard": ("d",),
    "records": ("r",),
    "help": ("question_mark",),
    "meeting": ("m", *"wang,li", "enter"),
    "evidence": (
        "j",
        *EVIDENCE_VILLAGE,
        "enter",
        *["right"] * CRITERION_CODES.index(EVIDENCE_CRITERION),
        "enter",
    ),
}
"""The keys that open each screen from the grid (the meeting: its attendees typed in)."""


@pytest.mark.parametrize("screen", list(SMALL_SCREENS))
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_at_80_by_24(
    demo_town: Store, host: PluginHost, snap_compare: SnapCompare, lang: str, screen: str
) -> None:
    app = make_app(demo_town, host, lang=lang)
    assert snap_compare(app, terminal_size=SMALL, run_before=opened(app, *SMALL_SCREENS[screen]))


NO_COLOUR_SCREENS: dict[str, tuple[str, ...]] = {
    "grid": (),
    "dashboard": ("d",),
    "form": ("n", "enter"),
}


@pytest.mark.parametrize("screen", list(NO_COLOUR_SCREENS))
def test_without_colour(
    demo_town: Store,
    host: PluginHost,
    snap_compare: SnapCompare,
    monkeypatch: pytest.MonkeyPatch,
    screen: str,
) -> None:
    """NO_COLOR set: Textual greys every colour and the app takes its monochrome theme."""
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app(demo_town, host)
    app.theme = MONO.name
    assert app.no_color
    assert snap_compare(
        app, terminal_size=SMALL, run_before=opened(app, *NO_COLOUR_SCREENS[screen])
    )


def test_the_snapshots_live_where_the_docstring_says() -> None:
    folder = Path(__file__).parent / "__snapshots__" / Path(__file__).stem
    names = {path.stem for path in folder.glob("*.svg")}
    assert {"test_the_grid", "test_the_evidence_of_a_failing_cell", "test_the_dashboard"} <= names
