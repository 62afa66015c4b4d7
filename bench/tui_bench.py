"""How fast the TUI is on the demo town: launch, quarter step, sort, dashboard, records list.

Runs the real app headless (`App.run_test` + `Pilot`, 120×40) on a fresh copy of the demo
store (`pingan demo`), or of the store given with `--store`; prints figures, asserts nothing.
Every timer starts at a key press, or for the launch before the store is opened (so reading
the store from disk is included), and ends when the state a person waits for is on screen;
every wait is on the workers of what is timed and on the app's refreshes, never a sleep nor an
idle CPU (bench/README.md says why). Each of these should stay under 0.5 s on the demo store.

    python bench/tui_bench.py [--store PATH] [--runs N]
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from textual.widgets import DataTable, Static, TabbedContent  # noqa: E402

from bench.county_tui import (  # noqa: E402
    SIZE,
    grid_shown,
    key_handled_and_painted,
    open_app,
    settle,
    until_painted,
)
from plugins import actions  # noqa: E402
from plugins.manager import PluginHost  # noqa: E402
from store import Store  # noqa: E402
from tui.app import PinganApp  # noqa: E402
from tui.screens.records import RecordsScreen  # noqa: E402
from tui.widgets.dashboard import Dashboard  # noqa: E402
from tui.widgets.grid import ComplianceGrid  # noqa: E402

BUDGET_S = 0.5


def demo_store(folder: Path, host: PluginHost) -> Path:
    """A new demo store in folder, as `pingan demo` builds it."""
    path = folder / "demo" / "town.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    store = actions.create_store(Store(path), "示范镇")
    actions.fill_demo(store.open(), host)
    return path


def sorted_as_shown(grid: ComplianceGrid) -> bool:
    """Whether the table's rows are in the grid's order (a sort that keeps it rebuilds nothing)."""
    rows = [str(key.value) for key in grid.table.rows]
    return rows == [v.code for v in grid.shown_villages()]


def records_shown(app: PinganApp) -> bool:
    screen = app.screen
    if not isinstance(screen, RecordsScreen):
        return False
    return screen.query_one("#records-table", DataTable).row_count > 0


def dashboard_shown(app: PinganApp) -> bool:
    """Whether the dashboard tab is in front and its headline is that of the app's quarter."""
    dashboards = list(app.screen.query(Dashboard))
    if not dashboards or dashboards[0].data is None or dashboards[0].data.quarter != app.quarter:
        return False
    tabs = app.screen.query_one("#tabs", TabbedContent)
    headline = dashboards[0].query_one("#dash-summary", Static)
    return tabs.active == "dashboard" and str(headline.content) == dashboards[0].summary_text()


async def timed(app: PinganApp, key: str, done: Any, group: str | None) -> float:
    """Seconds from the key posted, as a terminal would, to done() holding on screen.

    The wait is on the workers of group and the app's refreshes, not on an idle CPU, so
    work the app does in the background meanwhile (a prefetch) is not counted.
    """
    started = time.perf_counter()
    await key_handled_and_painted(app, key, done, group)
    return time.perf_counter() - started


async def one_run(store_path: Path, host: PluginHost) -> dict[str, float]:
    figures: dict[str, float] = {}
    app, started = await open_app(store_path, host)
    async with app.run_test(size=SIZE) as pilot:
        await until_painted(app, lambda: grid_shown(app))
        figures["launch to a usable grid"] = time.perf_counter() - started
        figures["dashboard, pressed at once"] = await timed(
            app, "d", lambda: dashboard_shown(app), "dashboard"
        )
        await pilot.press("g")
        await settle(app, pilot)
        target = app.quarter.previous()
        figures["quarter step ([)"] = await timed(
            app,
            "left_square_bracket",
            lambda: app.quarter == target and grid_shown(app),
            "grid",
        )
        await settle(app, pilot)
        grid = app.screen.query_one(ComplianceGrid)
        order = grid.sort
        figures["sort (s)"] = await timed(
            app, "s", lambda: grid.sort != order and sorted_as_shown(grid), "grid"
        )
        await settle(app, pilot)
        figures["dashboard (d)"] = await timed(app, "d", lambda: dashboard_shown(app), "dashboard")
        await pilot.press("g")
        await settle(app, pilot)
        figures["records list (r)"] = await timed(
            app, "r", lambda: records_shown(app), "records-load"
        )
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--store", type=Path, help="a store to copy instead of a new demo")
    parser.add_argument("--runs", type=int, default=3, help="runs; the median is printed")
    args = parser.parse_args()
    host = PluginHost.load(entry_points=False)
    runs: list[dict[str, float]] = []
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        source = args.store or demo_store(base / "source", host)
        for n in range(args.runs):
            copy = base / f"run{n}"
            shutil.copytree(source.parent, copy)
            runs.append(asyncio.run(one_run(copy / source.name, host)))
    print(f"pingan TUI benchmark, Python {sys.version.split()[0]}, {date.today()}")
    print(f"  store: {args.store or 'the demo town'}; median of {args.runs} runs, 120x40 headless")
    for label in runs[0]:
        seconds = statistics.median(run[label] for run in runs)
        mark = "ok" if seconds < BUDGET_S else f"over {BUDGET_S} s"
        print(f"  {label:<30} {seconds:6.2f} s  {mark}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
