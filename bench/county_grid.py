"""How long the compliance grid takes on a county store: one quarter's, and after one save.

`grid_figures(store_path, quick)` returns grid_full_ms (one quarter's grid computed from data
already read; the store is read from disk first, outside the timer), grid_after_save_ms (from a
record saved through the actions layer to the quarter's grid being current: the store reads the
changed file again and only the saved village's row is computed) with its part spent on the
row alone (grid_after_save_rows_ms), and grid_frozen_ms (a finalized quarter's grid read from
its snapshot, the snapshot file read inside the timer). Each figure is the median of a few
runs; the process's CPU time is given beside the wall time (`*_cpu_ms`), since on a shared
machine the wall time mostly measures the other processes.

    python bench/county_grid.py [--quick] [--store PATH]
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from plugins import actions  # noqa: E402
from plugins.actions import ActionContext, Actor  # noqa: E402
from plugins.engine import Engine, Grid  # noqa: E402
from plugins.manager import PluginHost  # noqa: E402
from store import Quarter, Store  # noqa: E402

T = TypeVar("T")
RUNS = 5
ACTOR = "county-bench"


def timed(run: Callable[[], T]) -> tuple[T, float, float]:
    """run's result, its wall time and its CPU time, in milliseconds."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = run()
    return result, (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000


def median_of(runs: list[tuple[float, float]]) -> tuple[float, float]:
    return statistics.median(w for w, _ in runs), statistics.median(c for _, c in runs)


def same_grid(a: Grid, b: Grid) -> bool:
    """Whether two grids hold the same villages, cells and errors."""
    return a.villages == b.villages and a.cells == b.cells and a.errors == b.errors


def open_quarter(store: Store) -> Quarter:
    """The latest quarter with records that is not finalized (a save must be allowed there)."""
    quarters = [q for q in store.record_quarters() if not store.is_locked(q)]
    if not quarters:
        raise SystemExit("the store has no open quarter with records")
    return quarters[-1]


def grid_figures(store_path: Path, quick: bool) -> dict[str, Any]:
    """The grid figures on the store at store_path, which a save may change (pass a copy)."""
    runs = 3 if quick else RUNS
    host = PluginHost.load(entry_points=False)
    store = Store(store_path).open()
    engine = Engine(store, host)
    quarter = open_quarter(store)
    village = store.villages()[0].code
    figures: dict[str, Any] = {"grid_quarter": str(quarter), "grid_villages": len(store.villages())}

    grid, read_ms, read_cpu = timed(lambda: engine.grid(quarter))
    figures["grid_first_with_read_ms"] = round(read_ms)
    full = [timed(lambda: engine.grid(quarter))[1:] for _ in range(runs)]
    wall, cpu = median_of(full)
    figures["grid_full_ms"], figures["grid_full_cpu_ms"] = round(wall), round(cpu)

    ctx = ActionContext(store, host, Actor(ACTOR))
    after: list[tuple[float, float]] = []
    rows: list[tuple[float, float]] = []
    for n in range(runs):
        day = quarter.start + timedelta(days=n)
        actions.add_record(
            ctx, "emergency.accident", {"village": village, "date": day, "category": "fire"}
        )
        grid, wall, cpu = timed(partial(engine.update_rows, grid, (village,)))
        after.append((wall, cpu))
        rows.append(timed(partial(engine.update_rows, grid, (village,)))[1:])
    if not same_grid(grid, engine.grid(quarter)):
        raise AssertionError("the grid updated row by row differs from a full recompute")
    wall, cpu = median_of(after)
    figures["grid_after_save_ms"], figures["grid_after_save_cpu_ms"] = round(wall, 1), round(cpu, 1)
    wall, cpu = median_of(rows)
    figures["grid_after_save_rows_ms"] = round(wall, 1)
    figures["grid_after_save_rows_cpu_ms"] = round(cpu, 1)

    figures.update(frozen_figures(store, host, engine, runs))
    return figures


def frozen_figures(store: Store, host: PluginHost, engine: Engine, runs: int) -> dict[str, Any]:
    """grid_frozen_ms: a finalized quarter's grid from its snapshot (the earliest is finalized
    here if none is), each run reading the snapshot file afresh, against computing it.
    """
    locked = [q for q in store.record_quarters() if store.is_locked(q)]
    if locked:
        quarter = locked[-1]
    else:
        quarter = store.record_quarters()[0]
        ctx = ActionContext(store, host, Actor(ACTOR))
        actions.finalize(ctx, quarter, allow_pending=True, reason="county benchmark")
    frozen: list[tuple[float, float]] = []
    for _ in range(runs):
        reader = Engine(Store(store.path), host)
        grid, wall, cpu = timed(partial(reader.shown_grid, quarter))
        if not grid.frozen:
            raise AssertionError(f"{quarter} is finalized but its grid was computed")
        frozen.append((wall, cpu))
    computed = [timed(lambda: engine.grid(quarter))[1:] for _ in range(runs)]
    wall, cpu = median_of(frozen)
    live_wall, live_cpu = median_of(computed)
    return {
        "grid_frozen_quarter": str(quarter),
        "grid_frozen_ms": round(wall),
        "grid_frozen_cpu_ms": round(cpu),
        "grid_frozen_computed_ms": round(live_wall),
        "grid_frozen_computed_cpu_ms": round(live_cpu),
    }


def main() -> int:
    from bench.county_build import figures_main

    return figures_main(__doc__, grid_figures)


if __name__ == "__main__":
    raise SystemExit(main())
