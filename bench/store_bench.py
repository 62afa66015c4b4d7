"""How fast the store and the engine are at town scale; prints figures, asserts nothing.

Run `python bench/store_bench.py` (about a minute and a half on 2 cores) or add `--quick`
for a smaller run of a few seconds. bench/README.md explains each figure.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from statistics import median
from typing import Any

from store import NewRecord, Quarter, Store, Village, quarter_range

ACTOR = "bench"
FIRST = Quarter(2021, 3)


@dataclass(frozen=True, slots=True)
class Sizes:
    """How big each part of the run is."""

    villages: int
    one_transaction: int
    preloaded: int
    preloaded_quarters: int
    single_transactions: int
    reload_records: int
    reload_quarters: int
    grid_villages: int
    grid_records_per_village: int


FULL = Sizes(200, 10_000, 50_000, 10, 1_000, 100_000, 10, 2_000, 10)
QUICK = Sizes(100, 2_000, 10_000, 10, 100, 20_000, 10, 500, 10)


@contextmanager
def timed(results: dict[str, float], name: str) -> Iterator[None]:
    started = time.perf_counter()
    yield
    results[name] = time.perf_counter() - started


def report(label: str, value: str, note: str = "") -> None:
    print(f"  {label:<44} {value:>12}  {note}")


def settle() -> None:
    """Flush what building the store left dirty, so its writeback does not land in a timing."""
    if hasattr(os, "sync"):
        os.sync()


def size_mb(paths: list[Path]) -> float:
    return sum(p.stat().st_size for p in paths if p.exists()) / 1_000_000


def villages(count: int) -> list[Village]:
    return [Village(f"V{i:04d}", f"村{i:04d}", f"办事处{i % 4 + 1}") for i in range(count)]


def note(rng: random.Random, village: str, day: date) -> NewRecord:
    """A record about the size of a real police case."""
    fields = {
        "kind": rng.choice(["criminal", "security"]),
        "tags": rng.sample(["gambling", "drugs", "fraud"], k=rng.randint(0, 2)),
        "case_no": f"{day.year}-{rng.randint(1, 99999):05d}",
        "summary": "村民因宅基地边界发生口角，已调解",
    }
    return NewRecord("bench.note", village, day, fields, "bench")


def spread(
    rng: random.Random, codes: list[str], count: int, quarters: list[Quarter]
) -> list[NewRecord]:
    """count records over the villages and quarters, evenly."""
    out: list[NewRecord] = []
    for i in range(count):
        quarter = quarters[i % len(quarters)]
        day = quarter.start + timedelta(days=rng.randint(0, (quarter.end - quarter.start).days))
        out.append(note(rng, codes[i % len(codes)], day))
    return out


def new_store(folder: Path, name: str, village_count: int) -> Store:
    store = Store(folder / f"{name}.json")
    store.init("基准镇", ACTOR)
    with store.transaction(ACTOR) as tx:
        for village in villages(village_count):
            tx.add_village(village)
    return store.open()


def preload(
    store: Store, codes: list[str], rng: random.Random, total: int, quarter_count: int
) -> list[Quarter]:
    """Add total records over the first quarter_count quarters, a transaction per quarter."""
    quarters = quarter_range(FIRST, Quarter(FIRST.year + 3, 4))[:quarter_count]
    per_quarter = total // len(quarters)
    for quarter in quarters:
        with store.transaction(ACTOR) as tx:
            tx.add_records(spread(rng, codes, per_quarter, [quarter]))
    return quarters


def store_files(store: Store) -> list[Path]:
    return [store.path, *store.layout.folder.rglob("*.json")]


def bench_one_transaction(folder: Path, sizes: Sizes, rng: random.Random) -> None:
    store = new_store(folder, "one", sizes.villages)
    codes = [v.code for v in store.villages()]
    batch = spread(rng, codes, sizes.one_transaction, quarter_range(FIRST, FIRST.next()))
    settle()
    started = time.perf_counter()
    with store.transaction(ACTOR) as tx:
        tx.add_records(batch)
    elapsed = time.perf_counter() - started
    report(
        f"add {sizes.one_transaction:,} records, one transaction",
        f"{elapsed:.2f} s",
        f"{sizes.one_transaction / elapsed:,.0f} records/s",
    )


def bench_single_transactions(folder: Path, sizes: Sizes, rng: random.Random) -> None:
    store = new_store(folder, "single", sizes.villages)
    codes = [v.code for v in store.villages()]
    quarters = preload(store, codes, rng, sizes.preloaded, sizes.preloaded_quarters)
    target = quarters[-1]
    all_mb = size_mb(store_files(store))
    settle()
    times: list[float] = []
    last_id = 0
    for i in range(sizes.single_transactions):
        record = spread(rng, [codes[i % len(codes)]], 1, [target])
        started = time.perf_counter()
        with store.transaction(ACTOR) as tx:
            [last_id] = tx.add_records(record)
        times.append(time.perf_counter() - started)
    block = store.layout.block(target, last_id)
    tenth = max(1, len(times) // 10)
    first, last = median(times[:tenth]), median(times[-tenth:])
    report(
        f"{sizes.single_transactions:,} single-record transactions",
        f"{sum(times):.2f} s",
        f"into {sizes.preloaded:,} records ({all_mb:.0f} MB) over {len(quarters)} quarters",
    )
    report(
        "  per transaction: median / 95th percentile",
        f"{median(times) * 1000:.1f} ms",
        f"/ {sorted(times)[int(len(times) * 0.95)] * 1000:.1f} ms",
    )
    report(
        "  median of the first / last tenth",
        f"{first * 1000:.1f} ms",
        f"/ {last * 1000:.1f} ms",
    )
    report(
        "  one save rewrites: record block + main",
        f"{size_mb([block, store.path]):.2f} MB",
        f"= {size_mb([block]):.2f} + {size_mb([store.path]):.2f} MB "
        f"(and appends an audit line), of {size_mb(store_files(store)):.1f} MB in all",
    )


def bench_reload(folder: Path, sizes: Sizes, rng: random.Random) -> None:
    store = new_store(folder, "reload", sizes.villages)
    codes = [v.code for v in store.villages()]
    quarters = preload(store, codes, rng, sizes.reload_records, sizes.reload_quarters)
    total_mb = size_mb(store_files(store))

    def read_everything(reader: Store) -> int:
        return sum(len(reader.records(q)) for q in reader.record_quarters())

    reader = Store(store.path).open()
    settle()
    started = time.perf_counter()
    count = read_everything(reader)
    cold = time.perf_counter() - started
    started = time.perf_counter()
    read_everything(reader)
    warm = time.perf_counter() - started
    with store.transaction(ACTOR) as tx:
        tx.add_records(spread(rng, codes, 1, [quarters[-1]]))
    started = time.perf_counter()
    read_everything(reader)
    one_changed = time.perf_counter() - started
    report(
        f"read a {count:,}-record store ({total_mb:.0f} MB), cold",
        f"{cold:.2f} s",
        f"{len(quarters)} partitions parsed and indexed",
    )
    report("  read again, nothing changed (no re-parse)", f"{warm * 1000:.1f} ms")
    report(
        "  read again after one save elsewhere", f"{one_changed:.2f} s", "one partition reloaded"
    )


def schema_value(field: Any, quarter: Quarter, village: str, rng: random.Random) -> Any:
    """A valid raw value for a field of a record type, whatever its kind."""
    from plugins.schema import Kind

    if field.kind is Kind.DATE:
        return (quarter.start + timedelta(days=rng.randint(0, 80))).isoformat()
    if field.kind is Kind.VILLAGE:
        return village
    if field.kind is Kind.INT:
        low = field.minimum if field.minimum is not None else 0
        return rng.randint(low, low + 3)
    if field.kind is Kind.BOOL:
        return rng.random() < 0.1
    if field.kind is Kind.ENUM:
        return rng.choice(field.choice_values())
    if field.kind is Kind.MULTI_ENUM:
        return [] if rng.random() < 0.9 else [rng.choice(field.choice_values())]
    return "基准数据"


def bench_grid(folder: Path, sizes: Sizes, rng: random.Random) -> None:
    from plugins.engine import Engine
    from plugins.importing import new_record
    from plugins.manager import PluginHost, Status

    host = PluginHost.load(entry_points=False)
    loaded = [i.name for i in host.infos if i.status is Status.LOADED]
    if not host.registry.checks:
        print("  grid: skipped, no built-in plugin with checks loaded", loaded)
        return
    store = new_store(folder, "grid", sizes.grid_villages)
    codes = [v.code for v in store.villages()]
    quarter = Quarter(2022, 3)
    types = list(host.registry.record_types.values())
    batch: list[NewRecord] = []
    for code in codes:
        for _ in range(sizes.grid_records_per_village):
            rtype = rng.choice(types)
            raw = {f.name: schema_value(f, quarter, code, rng) for f in rtype.all_fields()}
            raw["date"] = (quarter.start + timedelta(days=rng.randint(0, 89))).isoformat()
            clean, errors = rtype.validate(raw, set(codes))
            if not errors:
                batch.append(new_record(rtype, clean))
    with store.transaction(ACTOR) as tx:
        tx.add_records(batch)
        for unit in host.registry.units.values():
            if unit.files_returns:
                tx.file_return(unit.code, quarter)
    engine = Engine(store, host)
    engine.grid(quarter)
    started = time.perf_counter()
    grid = engine.grid(quarter)
    elapsed = time.perf_counter() - started
    report(
        f"grid of {len(codes):,} villages x 15 criteria, {quarter}",
        f"{elapsed:.2f} s",
        f"{len(batch):,} records, {len(host.registry.checks)} checks, "
        f"{grid.compliant} compliant, {len(grid.errors)} errors",
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a smaller run of a few seconds")
    parser.add_argument("--dir", type=Path, help="where to build the stores (default: a temp dir)")
    args = parser.parse_args(argv)
    sizes = QUICK if args.quick else FULL
    rng = random.Random(20210702)
    benches: list[Callable[[Path, Sizes, random.Random], None]] = [
        bench_one_transaction,
        bench_single_transactions,
        bench_reload,
        bench_grid,
    ]
    print(
        f"pingan store benchmark ({'quick' if args.quick else 'full'}), Python "
        f"{sys.version.split()[0]}, {os.cpu_count()} CPUs"
    )
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(dir=args.dir, prefix="pingan-bench-") as tmp:
        for bench in benches:
            bench(Path(tmp), sizes, rng)
    print(f"  {'total':<44} {time.perf_counter() - started:>10.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
