"""How fast the TUI is on a county-sized town: first grid, quarter step, save to updated cell.

Runs the real app headless (`App.run_test`) on a throw-away store; prints figures, asserts
nothing. `python bench/tui_bench.py [--villages N]` (default 2,000, the county scale).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import random
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from textual.worker import WorkerCancelled

from plugins.api import State
from plugins.manager import PluginHost
from store import NewRecord, Quarter, Store, Village
from tui.app import PinganApp
from tui.widgets.grid import GridTable

QUARTERS = (Quarter(2023, 3), Quarter(2023, 4))
UNITS = ("police", "judicial", "emergency", "civil")


def build(path: Path, villages: int) -> Store:
    """A town of `villages` villages with patrols, disputes and a few cases in two quarters."""
    rng = random.Random(20210702)
    store = Store(path)
    store.init("基准县")
    records: list[NewRecord] = []
    codes = [f"V{n:05d}" for n in range(villages)]
    for quarter in QUARTERS:
        for code in codes:
            for day in range(6):
                records.append(
                    NewRecord(
                        "police.patrol",
                        code,
                        quarter.start + timedelta(days=day * 10),
                        {},
                        "police",
                    )
                )
            if rng.random() < 0.1:
                day = quarter.start + timedelta(days=rng.randrange(80))
                fields = {"kind": "security", "tags": []}
                records.append(NewRecord("police.case", code, day, fields, "police"))
    with store.transaction("bench") as tx:
        for n, code in enumerate(codes):
            tx.add_village(Village(code, f"村{n}", f"办事处{n % 20}"))
        tx.add_records(records)
        for quarter in QUARTERS:
            for unit in UNITS:
                tx.file_return(unit, quarter)
    return store


async def settle(app: PinganApp, pilot: object) -> None:
    """Wait for every worker and message queue, as the tests do."""
    for _ in range(50):
        with contextlib.suppress(WorkerCancelled):
            await app.workers.wait_for_complete()
        await pilot.pause()  # type: ignore[attr-defined]
        if not any(w.is_running for w in app.workers):
            return


async def measure(store: Store, host: PluginHost) -> dict[str, float]:
    figures: dict[str, float] = {}
    app = PinganApp(store, host, quarter=QUARTERS[1], actor="bench")
    started = time.perf_counter()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        table = app.screen.query_one(GridTable)
        figures["open: first grid on screen"] = time.perf_counter() - started
        figures["rows"] = table.row_count

        started = time.perf_counter()
        await pilot.press("left_square_bracket")
        await settle(app, pilot)
        figures["step to the previous quarter"] = time.perf_counter() - started

        code = store.villages()[0].code
        started = time.perf_counter()
        accident = NewRecord(
            "emergency.accident", code, QUARTERS[0].start + timedelta(days=3), {}, "emergency"
        )
        with store.transaction("bench") as tx:
            tx.add_records([accident])
        app.notify_data_changed(QUARTERS[0])
        await settle(app, pilot)
        assert app.grid is not None and app.grid.cell(code, "N7").state is State.FAIL
        figures["save a record, cell updated"] = time.perf_counter() - started
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--villages", type=int, default=2_000)
    args = parser.parse_args()
    host = PluginHost.load(entry_points=False)
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        store = build(Path(folder) / "town.json", args.villages)
        built = time.perf_counter() - started
        records = sum(len(store.records(q)) for q in QUARTERS)
        print(f"pingan TUI benchmark, Python {sys.version.split()[0]}, {date.today()}")
        print(f"  town of {args.villages:,} villages, {records:,} records: built in {built:.2f} s")
        figures = asyncio.run(measure(store, host))
        rows = int(figures.pop("rows"))
        for label, seconds in figures.items():
            print(f"  {label:<36} {seconds:6.2f} s")
        print(f"  ({rows:,} grid rows at 120x40, headless)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
