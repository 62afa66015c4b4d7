"""How pingan holds up at county scale; prints one JSON line of figures, asserts nothing.

    python bench/county.py            # 2,000 villages, ~300,000 records (a few minutes)
    python bench/county.py --quick    # 200 villages, ~30,000 records (under a minute)
    python bench/county.py --demo     # the demo town (40 villages): open, RSS and saves only
    python bench/county.py --only save     # only the save figures (add --profile for cProfile)
    python bench/county.py --only import   # only the import figures (import_100k_s, import_big_*)

The store comes from bench/county_build.py (built once, cached under bench/.cache/); each
run works on fresh copies of it. Every timer includes reading the store from disk where a
user's would: the cold open and the imports run in fresh subprocesses, a save reads and
rewrites what a save in the TUI does. The floor (orjson parsing the same files) and the
naive baseline (plain TinyDB, one Query per cell) are measured in the same run, so read the
ratios: on a loaded machine the seconds move, the ratios much less. bench/README.md says
what each figure means.
"""

from __future__ import annotations

import argparse
import cProfile
import csv
import importlib.util
import json
import os
import pstats
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.county_build import (  # noqa: E402
    FIRST,
    LAST,
    QUICK_VILLAGES,
    build,
    county_store,
    make_villages,
)

GRID_QUARTER = LAST
SAVES = 200
SMALL_RECORDS = 10_000
"""The size of the second store the saves are timed on: a save should not grow with it."""
IMPORT_ROWS = 100_000
BIG_IMPORT_ROWS = 515_000
PYTHON = sys.executable
_SUMMARIES = (
    "夜间沿主干道及村委会周边巡逻，未发现异常情况",
    "会同村治保会成员对重点路段、出租屋开展联合巡查，登记外来人员",
    "对辖区学校、卫生室周边开展安全巡逻，劝导摊贩规范经营",
    "节前对村内集市、祠堂等人员密集场所开展巡逻防控",
)


def data_files(main: Path) -> list[Path]:
    """The JSON files an open parses: the main file, the record blocks and the snapshots."""
    folder = main.with_name(main.name + ".d")
    found = [main]
    for sub in ("records", "snapshots"):
        if (folder / sub).is_dir():
            found += sorted(p for p in (folder / sub).rglob("*.json") if ".tmp-" not in p.name)
    return found


def size_of(paths: list[Path]) -> int:
    return sum(p.stat().st_size for p in paths)


def run_child(code: str, *args: str) -> dict[str, Any]:
    """Run a snippet in a fresh Python; it prints one JSON line, returned here."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [PYTHON, "-c", code, *args], capture_output=True, text=True, env=env, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"child failed:\n{done.stderr[-3000:]}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


FLOOR_CHILD = """
import json, resource, sys, time
from pathlib import Path
import orjson
paths = [Path(p) for p in sys.argv[1:]]
started = time.perf_counter()
parsed = [orjson.loads(p.read_bytes()) for p in paths]
print(json.dumps({"s": time.perf_counter() - started}))
"""

OPEN_CHILD = """
import json, resource, sys, time
from plugins.engine import Engine
from plugins.manager import PluginHost
from store import Quarter, Store
# resident now, not the high-water mark, which the imports above may have set higher
# than the open store ever reaches
before = int(open("/proc/self/statm").read().split()[1]) * resource.getpagesize()
started = time.perf_counter()
store = Store(sys.argv[1]).open()
store.window(Quarter.parse(sys.argv[2]))
stored = time.perf_counter() - started
host = PluginHost.load(entry_points=False)
grid = Engine(store, host).grid(Quarter.parse(sys.argv[2]))
elapsed = time.perf_counter() - started
# VmHWM, the high-water mark of this process image: ru_maxrss would also count the RSS of
# the benchmark process this one was forked from, which exec does not reset
peak = int(next(l for l in open("/proc/self/status") if l.startswith("VmHWM")).split()[1]) * 1024
print(json.dumps({"s": elapsed, "store": stored, "peak": peak, "before": before}))
"""

IMPORT_CHILD = """
import json, resource, sys, time
from datetime import date
from pathlib import Path
from plugins import actions
from plugins.actions import ActionContext, Actor
from plugins.manager import PluginHost
from store import Store
host = PluginHost.load(entry_points=False)
before = int(open("/proc/self/statm").read().split()[1]) * resource.getpagesize()
started = time.perf_counter()
store = Store(sys.argv[1]).open()
ctx = ActionContext(store, host, Actor("county-bench"), date(2024, 1, 10))
done = actions.import_records(ctx, Path(sys.argv[2]), "police.patrol")
elapsed = time.perf_counter() - started
# VmHWM, the high-water mark of this process image: ru_maxrss would also count the RSS of
# the benchmark process this one was forked from, which exec does not reset
peak = int(next(l for l in open("/proc/self/status") if l.startswith("VmHWM")).split()[1]) * 1024
print(json.dumps({"s": elapsed, "rows": done.total, "peak": peak, "before": before}))
"""

LOCK_WATCHER = """
import json, sys, time
from pathlib import Path
import filelock
lock = filelock.FileLock(sys.argv[1], timeout=0)
stop = Path(sys.argv[2])
busy_since = None
longest = 0.0
print("ready", flush=True)
while not stop.exists():
    now = time.perf_counter()
    try:
        lock.acquire(timeout=0)
    except filelock.Timeout:
        if busy_since is None:
            busy_since = now
    else:
        lock.release()
        if busy_since is not None:
            longest = max(longest, now - busy_since)
            busy_since = None
    time.sleep(0.005)
if busy_since is not None:
    longest = max(longest, time.perf_counter() - busy_since)
print(json.dumps({"longest": longest}))
"""


def cold_open(main: Path, runs: int) -> dict[str, float]:
    """Floor and open, alternated in fresh processes; the median of each and the peak RSS."""
    files = [str(p) for p in data_files(main)]
    floors: list[float] = []
    opens: list[float] = []
    stores: list[float] = []
    peaks: list[int] = []
    for _ in range(runs):
        floors.append(run_child(FLOOR_CHILD, *files)["s"])
        got = run_child(OPEN_CHILD, str(main), str(GRID_QUARTER))
        opens.append(got["s"])
        stores.append(got["store"])
        peaks.append(got["peak"] - got["before"])
    size = size_of([Path(f) for f in files])
    floor, opened = statistics.median(floors), statistics.median(opens)
    return {
        "floor_s": round(floor, 3),
        "open_s": round(opened, 3),
        "open_ratio": round(opened / floor, 2),
        "store_open_ratio": round(statistics.median(stores) / floor, 2),
        "rss_ratio": round(max(peaks) / size, 2),
        "files_mb": round(size / 1e6, 1),
    }


def naive_baseline(main: Path, sample: int, floor_s: float) -> dict[str, float]:
    """Plain TinyDB over one JSON file of every record, one Query per cell, from a sample.

    TinyDB's default JSONStorage reads the whole file for every query, so each cell costs a
    full parse; the grid's time is the sampled cells' mean times the grid's cells.
    """
    import orjson
    from tinydb import Query, TinyDB

    from store import Quarter, Store

    store = Store(main).open()
    villages = [v.code for v in store.villages()]
    docs: dict[str, Any] = {}
    for quarter in store.record_quarters():
        for record in store.records(quarter):
            docs[str(record.id)] = {**record.to_doc(), "quarter": str(quarter)}
    with tempfile.TemporaryDirectory(prefix="pingan-naive-") as tmp:
        path = Path(tmp) / "naive.json"
        path.write_bytes(orjson.dumps({"records": docs}))
        del docs
        db = TinyDB(path)
        table = db.table("records")
        rng = random.Random(7)
        started = time.perf_counter()
        for village in rng.sample(villages, sample):
            q = Query()
            table.search((q.quarter == str(GRID_QUARTER)) & (q.village == village))
        per_cell = (time.perf_counter() - started) / sample
        db.close()
    cells = len(villages) * 15
    naive = per_cell * cells
    _ = Quarter
    return {
        "naive_grid_s": round(naive, 1),
        "naive_ratio": round(naive / floor_s, 1),
        "naive_cells_sampled": sample,
    }


def timed_saves(main: Path, count: int, profile: cProfile.Profile | None = None) -> list[float]:
    """count records saved one by one through the actions layer, as a form's save does.

    With profile, each timed save runs under it (and so takes longer).
    """
    from plugins import actions
    from plugins.actions import ActionContext, Actor
    from plugins.manager import PluginHost
    from store import Store

    host = PluginHost.load(entry_points=False)
    store = Store(main).open()
    ctx = ActionContext(store, host, Actor("county-bench"), date(2024, 1, 10))
    villages = [v.code for v in store.villages()]
    rng = random.Random(11)

    def save() -> None:
        day = GRID_QUARTER.start + timedelta(days=rng.randint(0, 80))
        values = {
            "date": day.isoformat(),
            "village": rng.choice(villages),
            "participants": rng.randint(2, 6),
            "summary": rng.choice(_SUMMARIES),
        }
        actions.add_record(ctx, "police.patrol", values)

    save()  # the day's first save also zips a backup of the store: left out
    times: list[float] = []
    for _ in range(count):
        started = time.perf_counter()
        if profile is not None:
            profile.runcall(save)
        else:
            save()
        times.append(time.perf_counter() - started)
    return times


def save_figures(main_path: Path, quick: bool, profile: bool = False) -> dict[str, Any]:
    """save_p50_ms and save_p95_ms on the store at main_path, save_p95_ms_10k on a store of
    about 10,000 records built for it; with profile, the cProfile of each (sorted by
    cumulative time) goes to stderr."""
    figures: dict[str, Any] = {}
    count = SAVES // 2 if quick else SAVES
    runs: list[tuple[str, cProfile.Profile | None]] = []
    big_profile = cProfile.Profile() if profile else None
    saves = timed_saves(main_path, count, big_profile)
    runs.append(("the county store", big_profile))
    figures["save_p50_ms"] = round(statistics.median(saves) * 1000, 1)
    figures["save_p95_ms"] = round(percentile(saves, 0.95) * 1000, 1)
    with tempfile.TemporaryDirectory(prefix="pingan-county-10k-") as tmp:
        small = Path(tmp) / "small.json"
        build(small, max(1, QUICK_VILLAGES * SMALL_RECORDS // 31_700))
        small_profile = cProfile.Profile() if profile else None
        small_saves = timed_saves(small, count, small_profile)
        runs.append(("the 10k store", small_profile))
    figures["save_p50_ms_10k"] = round(statistics.median(small_saves) * 1000, 1)
    figures["save_p95_ms_10k"] = round(percentile(small_saves, 0.95) * 1000, 1)
    for name, stats in runs:
        if stats is not None:
            print(f"--- {count} saves into {name}, under cProfile", file=sys.stderr)
            pstats.Stats(stats, stream=sys.stderr).sort_stats("cumulative").print_stats(40)
    return figures


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def write_csv(path: Path, rows: int, villages: list[str], seed: int) -> None:
    """A patrol file as an office would send it: Chinese headers, one patrol a row."""
    rng = random.Random(seed)
    days = (LAST.end - FIRST.start).days
    with open(path, "w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["日期", "村", "参与人数", "简要情况"])
        for _ in range(rows):
            day = FIRST.start + timedelta(days=rng.randint(0, days))
            out.writerow(
                [
                    day.isoformat(),
                    rng.choice(villages),
                    rng.randint(2, 6),
                    rng.choice(_SUMMARIES) + f"（第{rng.randint(1, 999)}次）",
                ]
            )


def timed_import(main: Path, csv_path: Path, watch_lock: bool) -> dict[str, float]:
    """Import csv_path into the store in a fresh process; with watch_lock, a second process
    tries the store's lock every 5 ms and reports the longest span it was refused."""
    watcher = None
    stop = csv_path.with_suffix(".stop")
    if watch_lock:
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        lock = main.with_name(main.name + ".lock")
        watcher = subprocess.Popen(
            [PYTHON, "-c", LOCK_WATCHER, str(lock), str(stop)],
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )
        assert watcher.stdout is not None
        watcher.stdout.readline()
    try:
        got = run_child(IMPORT_CHILD, str(main), str(csv_path))
    finally:
        stop.write_text("stop")
    size = csv_path.stat().st_size
    result = {
        "s": got["s"],
        "rss_ratio": got["peak"] / size,
        "rows": got["rows"],
        "mb": size / 1e6,
        "base_mb": got["before"] / 1e6,
    }
    if watcher is not None:
        out, _ = watcher.communicate(timeout=60)
        result["lock_held_s"] = json.loads(out.strip().splitlines()[-1])["longest"]
    return result


def import_figures(main_path: Path, quick: bool) -> dict[str, float]:
    """The 100k-row import, then the big one with a second process watching the lock."""
    figures: dict[str, float] = {}
    codes = [v.code for v in make_villages(QUICK_VILLAGES if quick else 2000, random.Random(1))]
    with tempfile.TemporaryDirectory(prefix="pingan-county-csv-") as tmp:
        rows = IMPORT_ROWS // 10 if quick else IMPORT_ROWS
        medium = Path(tmp) / "patrols-100k.csv"
        write_csv(medium, rows, codes, 1)
        got = timed_import(main_path, medium, watch_lock=False)
        figures["import_100k_s"] = round(got["s"] * IMPORT_ROWS / rows, 2)
        big_rows = BIG_IMPORT_ROWS // 10 if quick else BIG_IMPORT_ROWS
        big = Path(tmp) / "patrols-big.csv"
        write_csv(big, big_rows, codes, 2)
        got = timed_import(main_path, big, watch_lock=True)
        figures["import_big_s"] = round(got["s"], 2)
        figures["import_big_mb"] = round(got["mb"], 1)
        figures["import_big_rss_ratio"] = round(got["rss_ratio"], 2)
        figures["import_big_base_mb"] = round(got["base_mb"], 1)
        figures["lock_held_s"] = round(got["lock_held_s"], 2)
    return figures


def sibling_figures(module: str, function: str, quick: bool) -> dict[str, Any] | None:
    """The figures of a sibling benchmark module on a fresh store copy (None if no module)."""
    if importlib.util.find_spec(module) is None:
        return None
    loaded = importlib.import_module(module)
    call: Callable[[Path, bool], dict[str, Any]] = getattr(loaded, function)
    path = county_store(quick)
    try:
        return call(path, quick)
    finally:
        shutil.rmtree(path.parent.parent, ignore_errors=True)


def demo_figures() -> dict[str, Any]:
    """The open, RSS, naive and save figures on a freshly built demo town."""
    from plugins.demo import build_demo
    from plugins.manager import PluginHost
    from store import Store

    started = time.perf_counter()
    figures: dict[str, Any] = {"store": "demo"}
    with tempfile.TemporaryDirectory(prefix="pingan-demo-") as tmp:
        main_path = Path(tmp) / "town.json"
        store = Store(main_path)
        store.init("")
        store.open()
        build_demo(store, PluginHost.load(entry_points=False))
        figures.update(cold_open(main_path, runs=3))
        figures.update(naive_baseline(main_path, 10, figures["floor_s"]))
        saves = timed_saves(main_path, SAVES)
    figures["save_p50_ms"] = round(statistics.median(saves) * 1000, 1)
    figures["save_p95_ms"] = round(percentile(saves, 0.95) * 1000, 1)
    figures["total_s"] = round(time.perf_counter() - started, 1)
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="the 200-village store")
    parser.add_argument("--demo", action="store_true", help="the demo town: open and saves")
    parser.add_argument(
        "--only",
        choices=("save", "import"),
        help="only these figures: `save` the save percentiles, `import` the two timed imports"
        " and the lock watcher",
    )
    parser.add_argument(
        "--profile", action="store_true", help="with --only save: cProfile of the saves to stderr"
    )
    args = parser.parse_args(argv)
    if args.demo:
        print(json.dumps(demo_figures(), ensure_ascii=False))
        return 0
    quick = args.quick
    if args.only == "save":
        main_path = county_store(quick)
        try:
            saved = save_figures(main_path, quick, args.profile)
        finally:
            shutil.rmtree(main_path.parent.parent, ignore_errors=True)
        print(json.dumps({"store": "county-quick" if quick else "county", **saved}))
        return 0
    started = time.perf_counter()
    figures: dict[str, Any] = {"store": "county-quick" if quick else "county"}
    figures["note"] = (
        "quick: 100 saves, imports of a tenth of the rows (import_100k_s scaled)" if quick else ""
    )
    main_path = county_store(quick)
    if args.only == "import":
        try:
            figures.update(import_figures(main_path, quick))
        finally:
            shutil.rmtree(main_path.parent.parent, ignore_errors=True)
        figures["total_s"] = round(time.perf_counter() - started, 1)
        print(json.dumps(figures, ensure_ascii=False))
        return 0
    try:
        figures.update(cold_open(main_path, runs=2 if quick else 3))
        figures.update(naive_baseline(main_path, 5 if quick else 2, figures["floor_s"]))

        figures.update(save_figures(main_path, quick))

        figures.update(import_figures(main_path, quick))
    finally:
        shutil.rmtree(main_path.parent.parent, ignore_errors=True)

    grid = sibling_figures("bench.county_grid", "grid_figures", quick)
    figures["grid_full_ms"] = None if grid is None else grid.get("grid_full_ms")
    figures["grid_after_save_ms"] = None if grid is None else grid.get("grid_after_save_ms")
    tui = sibling_figures("bench.county_tui", "tui_figures", quick)
    for key in ("tui_first_paint_s", "cursor_ms", "quarter_step_ms"):
        figures[key] = None if tui is None else tui.get(key)
    figures["total_s"] = round(time.perf_counter() - started, 1)
    print(json.dumps(figures, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
