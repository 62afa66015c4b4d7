"""How fast the TUI is on a county store, run headless through `App.run_test` and `Pilot`.

`tui_figures(store_path, quick)` returns:

- tui_first_paint_s: from opening the store (its files read from disk) to the end of the
  first refresh that began with the grid of every village in the table;
- cursor_ms: one cursor move in the grid (down and right in turn, the median of 20): from
  posting the key to the app, as a terminal's key arrives, to the end of the first refresh
  that began once the key's handlers had run and the cursor line named the new cell;
- quarter_step_ms: `[` posted the same way, to the end of the first refresh that began with
  the previous quarter's grid in the table (the median of 3 steps, each after the app has
  settled, the background prefetch of the quarter before included).

A refresh is awaited through `App.call_after_refresh`, never Pilot's wait for an idle CPU,
which would count the app's background work (the prefetch) and the other processes of a
shared machine. Every wait is on the app's state, its workers or its refreshes, never a
sleep. Each figure is also given as the CPU time of every thread of the process (`*_cpu_*`),
which the other processes of a shared machine disturb less than the wall time.

    python bench/county_tui.py [--quick] [--store PATH]
"""

from __future__ import annotations

import asyncio
import contextlib
import statistics
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from textual.pilot import Pilot  # noqa: E402
from textual.widgets import Static  # noqa: E402
from textual.worker import WorkerCancelled, WorkerFailed  # noqa: E402

from plugins.manager import PluginHost  # noqa: E402
from store import Quarter, Store  # noqa: E402
from tui.app import PinganApp  # noqa: E402
from tui.widgets.grid import ComplianceGrid  # noqa: E402

SIZE = (120, 40)
MOVES = 20
STEPS = 3
CPU_AT_OPEN: list[float] = []
"""The process's CPU time when each app began opening (every thread's, the workers' too)."""
PATIENCE = 100_000
"""How many rounds of waiting on workers and messages before a wait gives up."""


async def until(
    app: PinganApp, pilot: Pilot[Any], done: Callable[[], bool], group: str | None = "grid"
) -> None:
    """Wait on the app's workers (of group, or all) and its messages until done() holds."""
    for _ in range(PATIENCE):
        if done():
            return
        running = [w for w in app.workers if w.is_running and group in (None, w.group)]
        for worker in running:
            with contextlib.suppress(WorkerCancelled, WorkerFailed):
                await worker.wait()
        await pilot.pause()
    raise TimeoutError("the app never reached the state waited for")


async def settle(app: PinganApp, pilot: Pilot[Any]) -> None:
    """Wait until no worker runs and the message queues are empty."""
    await until(app, pilot, lambda: not any(w.is_running for w in app.workers), None)
    await pilot.pause()


def stepped_to(app: PinganApp, quarter: Quarter) -> bool:
    """Whether the app shows quarter's grid."""
    return app.quarter == quarter and grid_shown(app)


def grid_shown(app: PinganApp) -> bool:
    """Whether the grid tab shows the app's grid of its quarter, every village in the table."""
    if app.grid is None or app.grid.quarter != app.quarter:
        return False
    grids = list(app.screen.query(ComplianceGrid))
    return (
        bool(grids)
        and grids[0].grid is app.grid
        and grids[0].table.row_count == len(app.grid.villages)
    )


async def open_app(store_path: Path, host: PluginHost | None = None) -> tuple[PinganApp, float]:
    """The app on store_path, and the clock reading when opening began (store read included)."""
    started = time.perf_counter()
    CPU_AT_OPEN.append(time.process_time())
    store = Store(store_path).open()
    app = PinganApp(store, host or PluginHost.load(entry_points=False), actor="county-bench")
    return app, started


async def next_refresh(app: PinganApp) -> None:
    """Return after the app has handled every message posted to it so far and refreshed."""
    painted: asyncio.Future[None] = asyncio.get_running_loop().create_future()
    app.call_after_refresh(painted.set_result, None)
    await painted


async def until_painted(
    app: PinganApp, done: Callable[[], bool], group: str | None = "grid"
) -> None:
    """Wait until a refresh that began with done() holding is over: the state is on screen.

    Between refreshes it waits on the workers of group (None: every worker), not on an idle
    CPU: work the app does in the background (a prefetch) is not waited for.
    """
    for _ in range(PATIENCE):
        was_done = done()
        await next_refresh(app)
        if was_done:
            return
        for worker in [w for w in app.workers if w.is_running and group in (None, w.group)]:
            with contextlib.suppress(WorkerCancelled, WorkerFailed):
                await worker.wait()
    raise TimeoutError("the app never reached the state waited for")


async def key_handled_and_painted(
    app: PinganApp, key: str, done: Callable[[], bool], group: str | None = "grid"
) -> None:
    """Post key as a terminal would and return once the app has handled it and painted the
    state done() waits for (the key's handlers, the messages they post, the workers of
    group and the repaint)."""
    app.simulate_key(key)
    await until_painted(app, done, group)


def cursor_shown(app: PinganApp, cell: tuple[str | None, str | None]) -> bool:
    """Whether the grid's cursor is on cell and the cursor line under it names that cell."""
    grid = app.screen.query_one(ComplianceGrid)
    if (grid.cursor_village(), grid.cursor_column()) != cell:
        return False
    return grid.query_one("#grid-cell", Static).content == grid.cursor_line()


async def move_cursor(app: PinganApp, pilot: Pilot[Any], moves: int = MOVES) -> tuple[float, float]:
    """The median wall and CPU milliseconds of one cursor move, down and right in turn: from
    posting the key to the repaint after it, the cursor line included."""
    walls: list[float] = []
    cpus: list[float] = []
    grid = app.screen.query_one(ComplianceGrid)
    columns = list(grid.columns_shown.columns())
    for n in range(moves):
        await settle(app, pilot)
        village, column = grid.cursor_village(), grid.cursor_column()
        target: tuple[str | None, str | None]
        if n % 2 == 0:
            key, row = "down", grid.table.cursor_row + 1
            target = (str(list(grid.table.rows)[row].value), column)
        else:
            key = "right"
            target = (village, columns[columns.index(str(column)) + 1])
        wall, cpu = time.perf_counter(), time.process_time()
        await key_handled_and_painted(app, key, partial(cursor_shown, app, target))
        walls.append((time.perf_counter() - wall) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
    return statistics.median(walls), statistics.median(cpus)


async def step_quarter(
    app: PinganApp, pilot: Pilot[Any], steps: int = STEPS
) -> tuple[float, float]:
    """The median wall and CPU milliseconds from `[` to the previous quarter's grid on screen.

    Each step starts once the app has settled (its workers done, the previous quarter's grid
    prefetched among them) and ends at the first repaint showing the grid; work the step
    starts in the background (the prefetch of the quarter before) is not waited for.
    """
    walls: list[float] = []
    cpus: list[float] = []
    for _ in range(steps):
        await settle(app, pilot)
        target = app.quarter.previous()
        started, cpu = time.perf_counter(), time.process_time()
        await key_handled_and_painted(app, "left_square_bracket", partial(stepped_to, app, target))
        walls.append((time.perf_counter() - started) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
    return statistics.median(walls), statistics.median(cpus)


async def measure(store_path: Path, quick: bool) -> dict[str, Any]:
    host = PluginHost.load(entry_points=False)
    app, started = await open_app(store_path, host)
    figures: dict[str, Any] = {}
    async with app.run_test(size=SIZE) as pilot:
        await until_painted(app, lambda: grid_shown(app))
        figures["tui_first_paint_s"] = round(time.perf_counter() - started, 2)
        figures["tui_first_paint_cpu_s"] = round(time.process_time() - CPU_AT_OPEN[-1], 2)
        figures["tui_villages"] = len(app.grid.villages) if app.grid else 0
        await settle(app, pilot)
        figures["tui_settled_s"] = round(time.perf_counter() - started, 2)
        wall, cpu = await move_cursor(app, pilot, MOVES // 2 if quick else MOVES)
        figures["cursor_ms"], figures["cursor_cpu_ms"] = round(wall, 1), round(cpu, 1)
        wall, cpu = await step_quarter(app, pilot)
        figures["quarter_step_ms"], figures["quarter_step_cpu_ms"] = round(wall), round(cpu)
    return figures


def tui_figures(store_path: Path, quick: bool) -> dict[str, Any]:
    """The TUI figures on the store at store_path (read only)."""
    return asyncio.run(measure(store_path, quick))


def main() -> int:
    from bench.county_build import figures_main

    return figures_main(__doc__, tui_figures)


if __name__ == "__main__":
    raise SystemExit(main())
