"""The county store the county benchmarks run on, built once and cached between runs.

2,000 villages in 20 offices, 2021Q1-2023Q4, about 300,000 records over all nine
built-in record types (`--quick`: 200 villages, about 30,000), every unit's return filed
for every quarter. Everything comes from one seeded random source and goes in through the
store's own transactions, every record validated by its record type as an import would.
The built store is kept under `bench/.cache/` (gitignored), keyed by BUILD_VERSION and the
store's schema; `county_store(quick)` hands out a fresh copy a benchmark may write to.

    python bench/county_build.py [--quick] [--rebuild]
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from plugins.demo.troubles import TROUBLE_WRITERS  # noqa: E402
from plugins.demo.villages import _GIVEN, _SURNAMES  # noqa: E402
from plugins.demo.writer import RawRecord, RecordWriter  # noqa: E402
from plugins.importing import new_record  # noqa: E402
from plugins.manager import PluginHost  # noqa: E402
from store import NewRecord, Quarter, Store, Village, quarter_range  # noqa: E402
from store.migrations import CURRENT_SCHEMA  # noqa: E402

try:
    from store.layout import BLOCK_RECORDS
except ImportError:  # a store of one partition file per quarter (before schema 3)
    BLOCK_RECORDS = 0

BUILD_VERSION = "1"
"""Bump when what the builder stores changes, so cached stores are built again."""

SEED = 20240101
FIRST = Quarter(2021, 1)
LAST = Quarter(2023, 4)
QUARTERS: tuple[Quarter, ...] = tuple(quarter_range(FIRST, LAST))
OFFICES = 20
FULL_VILLAGES = 2_000
QUICK_VILLAGES = 200
UNITS: tuple[str, ...] = ("police", "judicial", "emergency", "civil")
"""The units that file a quarterly return (the leadership office files none)."""
TROUBLE_SHARE = 0.15
"""The share of village-quarters with one planted trouble (a case, an accident...)."""
ACTOR = "county-bench"
CACHE = ROOT / "bench" / ".cache"
STORE_NAME = "county.json"


def make_villages(count: int, rng: random.Random) -> list[Village]:
    """count villages, code order, spread evenly over OFFICES sub-district offices."""
    per_office = max(1, count // OFFICES)
    out: list[Village] = []
    for index in range(count):
        population = rng.randrange(900, 4600, 10)
        out.append(
            Village(
                code=f"C{index + 1:04d}",
                name=f"{rng.choice(_SURNAMES)}{rng.choice(_GIVEN)}村{index + 1}",
                office=f"第{index // per_office % OFFICES + 1:02d}办事处",
                secretary=rng.choice(_SURNAMES) + rng.choice(_GIVEN),
                population=population,
                households=round(population / rng.uniform(2.9, 3.6)),
            )
        )
    return out


def raw_records(villages: list[Village], rng: random.Random) -> list[RawRecord]:
    """Each village's everyday quarter (as the demo's) plus a planted trouble now and then."""
    w = RecordWriter(rng)
    troubles = sorted(TROUBLE_WRITERS)
    for quarter in QUARTERS:
        for village in villages:
            code = village.code
            w.patrols(quarter, code, rng.randint(6, 9))
            for _ in range(rng.choice((0, 1, 1, 2, 2, 3))):
                w.resolved_dispute(quarter, code)
            for _ in range(rng.choice((0, 1, 1, 2, 3))):
                w.hazard_on_time(quarter, code)
            for _ in range(rng.choice((0, 0, 0, 1, 1, 2))):
                w.petition(quarter, code)
            w.key_population(quarter, code)
            if rng.random() < TROUBLE_SHARE:
                TROUBLE_WRITERS[rng.choice(troubles)](w, quarter, code)
    return w.out


def validated(raw: list[RawRecord], villages: list[Village], host: PluginHost) -> list[NewRecord]:
    """Each raw record parsed by its record type's schema, as an import would."""
    known = {v.code for v in villages}
    types = host.registry.record_types
    out: list[NewRecord] = []
    for type_name, fields in raw:
        record_type = types[type_name]
        clean, errors = record_type.validate(fields, known)
        if errors:
            raise ValueError(f"county builder made an invalid {type_name} record: {errors[0]}")
        out.append(new_record(record_type, clean))
    return out


def build(path: Path, villages_count: int) -> None:
    """Build the county store at path (a new main file) through the store's transactions."""
    host = PluginHost.load(entry_points=False)
    rng = random.Random(SEED)
    villages = make_villages(villages_count, rng)
    records = validated(raw_records(villages, rng), villages, host)
    store = Store(path)
    store.init("示范县")
    store.open()
    with store.transaction(ACTOR) as tx:
        if hasattr(tx, "add_villages"):
            tx.add_villages(villages, note="county bench")
        else:  # a store without the bulk add: one village at a time
            for village in villages:
                tx.add_village(village)
    by_quarter: dict[Quarter, list[NewRecord]] = {}
    for record in records:
        by_quarter.setdefault(Quarter.of(record.date), []).append(record)
    for quarter in QUARTERS:
        filed = f"{(quarter.end).isoformat()}T16:00:00+08:00"
        with store.transaction(ACTOR) as tx:
            tx.add_records(by_quarter.get(quarter, []), note=f"county {quarter}", at=filed)
            for unit in UNITS:
                tx.file_return(unit, quarter, at=filed)


def cache_key(quick: bool) -> str:
    """The cached store's folder name: what was built, by which builder, for which schema."""
    size = QUICK_VILLAGES if quick else FULL_VILLAGES
    return f"county-{size}-v{BUILD_VERSION}-s{CURRENT_SCHEMA}-b{BLOCK_RECORDS}"


def cached_store(quick: bool, *, rebuild: bool = False) -> Path:
    """The main file of the cached county store, built first if it is not there yet."""
    folder = CACHE / cache_key(quick)
    main = folder / STORE_NAME
    if folder.is_dir() and not rebuild and (folder / "complete").exists():
        return main
    if folder.exists():
        shutil.rmtree(folder)
    CACHE.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix="building-", dir=CACHE))
    build(staging / STORE_NAME, QUICK_VILLAGES if quick else FULL_VILLAGES)
    (staging / "complete").write_text(cache_key(quick) + "\n", encoding="utf-8")
    staging.rename(folder)
    return main


def county_store(quick: bool) -> Path:
    """A fresh copy of the cached county store (its whole folder) to write to; its main file.

    The copy sits in a new temp folder the caller may delete (`path.parent`).
    """
    source = cached_store(quick).parent
    target = Path(tempfile.mkdtemp(prefix="pingan-county-")) / "store"
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("complete"))
    return target / STORE_NAME


def figures_main(description: str | None, figures: Callable[[Path, bool], dict[str, Any]]) -> int:
    """A county benchmark's command line: figures of a copy of the county store, or of the
    store given with --store, printed as one JSON line."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--quick", action="store_true", help="the 200-village store")
    parser.add_argument("--store", type=Path, help="a store to copy instead of the county one")
    args = parser.parse_args()
    if args.store is None:
        print(json.dumps(figures(county_store(args.quick), args.quick)))
        return 0
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "store"
        shutil.copytree(args.store.parent, copy)
        print(json.dumps(figures(copy / args.store.name, args.quick)))
    return 0


def store_files(main: Path) -> list[Path]:
    """Every file of a store's data (main file, partitions, snapshots, audit), not its backups."""
    folder = main.with_name(main.name + ".d")
    return [main, *sorted(p for p in folder.rglob("*") if p.is_file())]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="200 villages instead of 2,000")
    parser.add_argument("--rebuild", action="store_true", help="build again even if cached")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    path = cached_store(args.quick, rebuild=args.rebuild)
    size = sum(p.stat().st_size for p in store_files(path)) / 1e6
    records = sum(len(Store(path).records(q)) for q in QUARTERS)
    print(
        f"{path}: {records} records, {size:.1f} MB, ready in {time.perf_counter() - started:.1f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
