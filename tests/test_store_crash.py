"""The store under damage: unreadable files refused untouched, killed writers, cut commits."""

from __future__ import annotations

import random
import shutil
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import orjson
import pytest

from store import NewRecord, Quarter, Store, StoreCorrupt, verify
from tests.cli_support import write_csv
from tests.store_support import (
    CRASH_EXIT,
    ROWS,
    Child,
    all_record_ids,
    assert_import_all_or_nothing,
    leftovers,
    new_store,
    note,
    patrol_rows,
    staged_leftovers,
    store_files,
    town_with_a_record,
    verify_audit_chain,
    village,
)

Q2, Q3, Q4 = Quarter(2022, 2), Quarter(2022, 3), Quarter(2022, 4)
KILLS = 20
# The commit step a writer is killed at: (step, n-th of its kind in the commit).
KILL_AT = (
    ("write_temp", 1),
    ("write_temp", 2),
    ("write_temp", 3),
    ("land_journal", 1),
    ("replace", 1),
    ("replace", 2),
    ("replace", 3),
)

DAMAGE: dict[str, Callable[[bytes], bytes]] = {
    "truncated": lambda raw: raw[: len(raw) // 2],
    "garbage": lambda raw: b"\x00\xff\xfe not json at all",
    "empty": lambda raw: b"",
    "not-an-object": lambda raw: b"[1, 2, 3]",
}


@pytest.fixture(autouse=True)
def reap_children() -> Iterator[None]:
    """Kill any child process a failing test left running."""
    yield
    Child.reap()


@pytest.fixture
def town(tmp_path: Path) -> Store:
    """A store with records in 2022Q2, Q3 and Q4."""
    store = new_store(tmp_path / "town.json")
    with store.transaction() as tx:
        tx.add_records(
            [
                note("V001", date(2022, 5, 1)),
                note("V001", date(2022, 8, 1)),
                note("V002", date(2022, 11, 1)),
            ]
        )
    return store


def with_backup(store: Store) -> Path:
    """The store's good backup (its first write of the day made one), with a damaged newer one
    beside it that must be passed over."""
    [good] = store.layout.backups()
    bogus = store.layout.backups_dir / f"{store.path.name}-99991231-000000-000000-daily.zip"
    bogus.write_bytes(good.read_bytes()[:100])
    return good


def without_backups(store: Store) -> None:
    shutil.rmtree(store.layout.backups_dir)


def assert_names(exc: StoreCorrupt, path: Path, backup: Path | None) -> None:
    assert exc.path == path
    assert str(path) in str(exc)
    assert exc.backup == backup
    if backup is None:
        assert "no backup found" in str(exc)
    else:
        assert str(backup) in str(exc)


# unreadable files


@pytest.mark.parametrize("has_backup", [False, True], ids=["no-backup", "backup"])
@pytest.mark.parametrize("damage", DAMAGE)
def test_an_unreadable_main_file_is_refused_and_never_written(
    town: Store, damage: str, has_backup: bool
) -> None:
    backup = with_backup(town) if has_backup else without_backups(town)
    town.path.write_bytes(DAMAGE[damage](town.path.read_bytes()))
    before = store_files(town)
    attempts: list[Callable[[], object]] = [
        lambda: Store(town.path).open(),
        lambda: Store(town.path).init("重建镇"),
        lambda: Store(town.path).villages(),
        lambda: Store(town.path).migrate(),
    ]
    for attempt in attempts:
        with pytest.raises(StoreCorrupt) as caught:
            attempt()
        assert_names(caught.value, town.path, backup)
    with pytest.raises(StoreCorrupt) as caught, town.transaction() as tx:
        tx.add_village(village("V003"))
    assert_names(caught.value, town.path, backup)
    assert store_files(town) == before
    assert leftovers(town.layout) == []


@pytest.mark.parametrize("has_backup", [False, True], ids=["no-backup", "backup"])
@pytest.mark.parametrize("damage", DAMAGE)
def test_an_unreadable_partition_is_refused_and_never_written(
    town: Store, damage: str, has_backup: bool
) -> None:
    backup = with_backup(town) if has_backup else without_backups(town)
    part = town.layout.block(Q3, 1)
    q2_record = town.records(Q2)[0]
    part.write_bytes(DAMAGE[damage](part.read_bytes()))
    before = store_files(town)
    reader = Store(town.path).open()
    with pytest.raises(StoreCorrupt) as caught:
        reader.records(Q3)
    assert_names(caught.value, part, backup)
    with pytest.raises(StoreCorrupt) as caught, reader.transaction() as tx:
        tx.add_records([note("V002", date(2022, 9, 9))])
    assert_names(caught.value, part, backup)
    with pytest.raises(StoreCorrupt), reader.transaction() as tx:
        tx.update_record(q2_record.id, note("V001", date(2022, 8, 2)), expected_rev=1)
    assert store_files(town) == before
    assert [r.date for r in reader.records(Q4)] == [date(2022, 11, 1)]


# writers killed at random moments


def run_until(child: Child, acks: int, step: tuple[str, int]) -> list[int]:
    """Read the writer's lines until `acks` commits are acknowledged and the commit after
    them has started its n-th step of the given kind; return the acknowledged ids."""
    acknowledged: list[int] = []
    name, nth = step
    seen = 0
    while True:
        words = child.line().split()
        if words[0] == "ack":
            acknowledged.extend(int(word) for word in words[1:])
            seen = 0
        elif len(acknowledged) >= acks and words[1] == name:
            seen += 1
            if seen == nth:
                return acknowledged


def test_a_writer_killed_mid_write_loses_nothing_it_acknowledged(tmp_path: Path) -> None:
    """SIGKILL a writing process KILLS times, each just as a chosen step of a commit starts."""
    store = new_store(tmp_path / "town.json")
    acknowledged: list[int] = []
    found: Counter[str] = Counter()
    for run in range(KILLS):
        child = Child("writer", store.path, run)
        acknowledged += run_until(child, 1 + run % 3, KILL_AT[run % len(KILL_AT)])
        child.kill()
        found["journal" if store.layout.journal.exists() else "no journal"] += 1
        found["temp files" if leftovers(store.layout) else "no temp files"] += 1
        reopened = Store(store.path).open()
        for path in [store.path, *reopened.layout.folder.rglob("*.json")]:
            assert isinstance(orjson.loads(path.read_bytes()), dict), path
        ids = all_record_ids(reopened)
        assert len(ids) == len(set(ids))
        assert sorted(set(acknowledged) - set(ids)) == [], f"lost after kill {run}"
        assert reopened.main().meta["next_record_id"] > max(ids)
        verify_audit_chain(reopened)
    with store.transaction() as tx:
        tx.add_village(village("V003"))
    assert leftovers(store.layout) == []
    print(f"{KILLS} kills found: {dict(found)}")


# a commit cut at a chosen point


def crashed_change_is_present(store: Store) -> bool:
    """Whether the change the crash child tried (a 2022Q3 record and a new town name) landed."""
    landed_record = [r for r in store.records(Q3) if r.fields.get("crashed")]
    landed_name = store.settings().town == "新桑村镇"
    assert bool(landed_record) == landed_name, "half of the commit landed"
    return landed_name


def crash(store: Store, stage: str) -> None:
    child = Child("crash", store.path, stage)
    assert child.wait() == CRASH_EXIT, child.stderr()


@pytest.mark.parametrize("recover_by", ["open", "transaction"])
@pytest.mark.parametrize("stage", ["after-journal", "mid-renames"])
def test_a_commit_cut_after_its_journal_landed_is_finished(
    tmp_path: Path, stage: str, recover_by: str
) -> None:
    store = new_store(tmp_path / "town.json")
    before = store_files(store)
    crash(store, stage)
    plan = orjson.loads(store.layout.journal.read_bytes())["renames"]
    targets = [Path(final) for _, final in plan]
    assert targets == [store.path, store.layout.block(Q3, 1)], "the main file goes first"
    changed = [t for t in targets if before.get(t) != (t.read_bytes() if t.exists() else None)]
    assert changed == ([] if stage == "after-journal" else [store.path])

    recovered = Store(store.path)
    if recover_by == "open":
        recovered.open()
    else:
        with recovered.transaction() as tx:
            tx.add_village(village("V003"))
    assert not store.layout.journal.exists()
    assert leftovers(store.layout) == []
    assert crashed_change_is_present(recovered)
    verify_audit_chain(recovered)
    if recover_by == "transaction":
        assert recovered.village("V003") is not None


def test_a_commit_cut_before_its_journal_landed_leaves_the_old_files(tmp_path: Path) -> None:
    store = new_store(tmp_path / "town.json")
    before = store_files(store)
    crash(store, "before-journal")
    assert not store.layout.journal.exists()
    assert len(leftovers(store.layout)) == 3, "two staged files and the journal's temp"
    [log] = store.layout.audit_logs()
    assert len(log.read_bytes()) > len(before[log]), "the entries were appended"
    assert store_files(store) == {**before, log: log.read_bytes()}
    reopened = Store(store.path).open()
    assert not crashed_change_is_present(reopened)
    with reopened.transaction() as tx:
        tx.add_records([NewRecord("test.note", "V002", date(2022, 7, 7), {}, "test")])
    assert leftovers(store.layout) == []
    assert not crashed_change_is_present(reopened)
    assert len(reopened.records(Q3)) == 1
    verify_audit_chain(reopened)


# a mixed stream of writes killed at random points, several stores at once

MIXED_STORES = 3
MIXED_TRIALS_EACH = 18
MIXED_KILL_AT = (
    ("append", 1),
    ("write_temp", 1),
    ("write_temp", 2),
    ("atomic_write", 1),
    ("land_journal", 1),
    ("replace", 1),
    ("replace", 2),
)


@dataclass
class Acknowledged:
    """What a mixed writer acknowledged: record ids and the last step of each other kind."""

    ids: set[int] = field(default_factory=set)
    last: dict[str, int] = field(default_factory=dict)

    def take(self, words: list[str]) -> None:
        kind, values = words[1], [int(w) for w in words[2:]]
        if kind == "add":
            self.ids.update(values)
        else:
            self.last[kind] = values[0]


def run_mixed_until(child: Child, acked: Acknowledged, acks: int, step: tuple[str, int]) -> None:
    """Feed the child's acks into acked until `acks` more landed and the next commit reached
    the n-th step of the given kind."""
    name, nth = step
    seen = new = 0
    while True:
        words = child.line().split()
        if words[0] == "ack":
            acked.take(words)
            new += 1
            seen = 0
        elif new >= acks and words[1] == name:
            seen += 1
            if seen == nth:
                return


def check_after_kill(path: Path, acked: Acknowledged, counter_id: int) -> None:
    """The store opens, verifies, and holds every acknowledged write (or a later one)."""
    reopened = Store(path).open()
    report = verify(reopened)
    assert report.ok, [p.message.en for p in report.problems]
    ids = all_record_ids(reopened)
    assert len(ids) == len(set(ids)), "a record id repeats"
    assert sorted(acked.ids - set(ids)) == [], "an acknowledged record is lost"
    assert reopened.main().meta["next_record_id"] > max(ids)
    counter = reopened.record(counter_id)
    assert counter is not None
    assert counter.number("counter") >= acked.last.get("update", 0)
    [decision] = reopened.decisions(Q3) or [None]
    if "decide" in acked.last:
        assert decision is not None and int(decision.reason) >= acked.last["decide"]
    snapshot = reopened.snapshot(Quarter(2021, 4))
    if "snapshot" in acked.last:
        assert snapshot is not None and snapshot["grid"]["step"] >= acked.last["snapshot"]


def kill_mixed_writers(path: Path, seed: int, found: Counter[str]) -> None:
    path.parent.mkdir()
    store = new_store(path)
    with store.transaction() as tx:
        [counter_id] = tx.add_records([note("V001", date(2022, 8, 8), counter=0)])
    rng = random.Random(seed)
    acked = Acknowledged()
    for trial in range(MIXED_TRIALS_EACH):
        child = Child("mixer", path, trial + 1, counter_id)
        run_mixed_until(child, acked, rng.randrange(4), rng.choice(MIXED_KILL_AT))
        child.kill()
        found["journal" if store.layout.journal.exists() else "no journal"] += 1
        found["temp files" if leftovers(store.layout) else "no temp files"] += 1
        check_after_kill(path, acked, counter_id)
    with store.transaction() as tx:
        tx.add_village(village("V009"))
    assert leftovers(store.layout) == []
    verify_audit_chain(store)


def test_mixed_writers_killed_at_random_points_lose_nothing_acknowledged(tmp_path: Path) -> None:
    """Several stores, each with a writer of records, imports, updates, decisions and
    snapshots SIGKILLed MIXED_TRIALS_EACH times at a random step of a random commit."""
    counts: list[Counter[str]] = [Counter() for _ in range(MIXED_STORES)]
    failures: list[BaseException] = []

    def run(index: int) -> None:
        try:
            store_path = tmp_path / f"store{index}" / "town.json"
            kill_mixed_writers(store_path, 1000 + index, counts[index])
        except BaseException as exc:  # noqa: BLE001 - re-raised in the test's thread
            failures.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(MIXED_STORES)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise failures[0]
    found = sum(counts, Counter())
    assert found["journal"] + found["no journal"] == MIXED_STORES * MIXED_TRIALS_EACH
    print(f"{MIXED_STORES * MIXED_TRIALS_EACH} kills found: {dict(found)}")


# an import killed at each of its steps


IMPORT_KILL_AT = (
    (("stage", 1), False),
    (("stage", 6), False),
    (("atomic_write", 1), False),
    (("write_block", 1), False),
    (("write_block", 5), False),
    (("append", 1), False),
    (("write_temp", 1), False),
    (("land_journal", 1), False),
    (("replace", 1), True),
    (("replace", 4), True),
)
"""Where an importing process is killed (the n-th step of a kind, before it is done) and
whether its import is then whole (True) or absent: staging, the reservation of ids, the
staged blocks, the commit's audit append, temp files, journal and renames."""


@pytest.mark.parametrize(
    ("step", "whole"), IMPORT_KILL_AT, ids=[f"{s}-{n}" for (s, n), _ in IMPORT_KILL_AT]
)
def test_an_import_killed_at_any_step_leaves_all_or_nothing(
    tmp_path: Path, step: tuple[str, int], whole: bool
) -> None:
    store = town_with_a_record(tmp_path / "town.json")
    path = write_csv(tmp_path / "p.csv", patrol_rows(ROWS))
    child = Child("importer", store.path, path)
    name, nth = step
    seen = 0
    while True:
        words = child.line().split()
        assert words[0] == "at", f"the import ended before {step}"
        seen += words[1] == name
        if seen == nth:
            break
        child.send("go")
    child.kill()
    assert assert_import_all_or_nothing(store.path, ROWS) is whole
    if whole:
        return
    again = Child("importer", store.path, path)
    while (words := again.line().split())[0] == "at":
        again.send("go")
    assert words[0] == "ack" and again.wait() == 0
    assert assert_import_all_or_nothing(store.path, ROWS)


def test_a_landed_import_whose_journal_was_lost_is_finished_on_open(tmp_path: Path) -> None:
    """The main file landed and the journal is gone, the staged blocks not yet moved: the
    staging folder, named by the commit's token, is finished rather than swept."""
    store = town_with_a_record(tmp_path / "town.json")
    path = write_csv(tmp_path / "p.csv", patrol_rows(ROWS))
    child = Child("importer", store.path, path, "journal-lost")
    while child.proc.poll() is None:
        try:
            child.line()
        except AssertionError:
            break
        child.send("go")
    assert child.wait() == CRASH_EXIT
    assert staged_leftovers(store), "the staged blocks are still in staging"
    assert assert_import_all_or_nothing(store.path, ROWS)
