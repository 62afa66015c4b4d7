"""Several processes on one store: racing inserts, racing updates of one record, a held lock."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import orjson
import pytest

from store import Store, StoreBusy
from tests.cli_support import write_csv
from tests.store_support import (
    ROWS,
    Child,
    all_record_ids,
    leftovers,
    new_store,
    note,
    patrol_rows,
    patrols,
    town_with_a_record,
    verify_audit_chain,
    village,
)


@pytest.fixture(autouse=True)
def reap_children() -> Iterator[None]:
    """Kill any child process a failing test left running."""
    yield
    Child.reap()


def start_together(children: list[Child]) -> None:
    """Let every child get ready (imports done, store open), then release them at once."""
    for child in children:
        child.expect("ready")
    for child in children:
        child.send("go")


@pytest.mark.parametrize(("workers", "each"), [(2, 100), (4, 50)])
def test_racing_writer_processes_store_every_insert(
    tmp_path: Path, workers: int, each: int
) -> None:
    store = new_store(tmp_path / "town.json")
    children = [Child("racer", store.path, worker, each) for worker in range(workers)]
    start_together(children)
    for child in children:
        child.expect("done")
        assert child.wait() == 0
    ids = all_record_ids(store)
    assert sorted(ids) == list(range(1, workers * each + 1))
    made = Counter(
        (r.number("worker"), r.number("step"))
        for q in store.record_quarters()
        for r in store.records(q)
    )
    assert made == Counter({(w, s): 1 for w in range(workers) for s in range(each)})
    for path in [store.path, *store.layout.folder.rglob("*.json")]:
        assert isinstance(orjson.loads(path.read_bytes()), dict), path
    entries = verify_audit_chain(store)
    assert sum(e["action"] == "record.add" for e in entries) == workers * each
    assert leftovers(store.layout) == []


def test_racing_updates_of_one_record_lose_none(tmp_path: Path) -> None:
    """Two processes add 1 to the same counter; a stale revision is a Conflict, then a retry."""
    store = new_store(tmp_path / "town.json")
    with store.transaction() as tx:
        [record_id] = tx.add_records([note("V001", date(2022, 8, 1), counter=0)])
    each = 40
    children = [Child("increment", store.path, record_id, each) for _ in range(2)]
    start_together(children)
    conflicts = [int(child.expect("done")) for child in children]
    for child in children:
        assert child.wait() == 0
    final = store.record(record_id)
    assert final is not None
    assert final.number("counter") == 2 * each
    assert final.rev == 2 * each + 1
    print(f"conflicts retried: {conflicts}")


def test_two_processes_writing_from_the_same_read_never_both_win(tmp_path: Path) -> None:
    """Both read the record, then both write: every round one wins and one gets Conflict."""
    store = new_store(tmp_path / "town.json")
    with store.transaction() as tx:
        [record_id] = tx.add_records([note("V001", date(2022, 8, 1), counter=0)])
    each = 10
    active = [Child("lockstep", store.path, record_id, each) for _ in range(2)]
    wins = {id(child): 0 for child in active}
    while active:
        revisions = {child.expect("read") for child in active}
        assert len(revisions) == 1, "both must have read the same revision"
        for child in active:
            child.send("go")
        results = [child.line() for child in active]
        if len(active) == 2:
            assert sorted(results) == ["conflict", "ok"]
        for child, result in zip(active, results, strict=True):
            wins[id(child)] += result == "ok"
        for child in [c for c in active if wins[id(c)] == each]:
            child.expect("done")
            assert child.wait() == 0
            active.remove(child)
    final = store.record(record_id)
    assert final is not None
    assert (final.number("counter"), final.rev) == (2 * each, 2 * each + 1)


def test_a_held_lock_makes_a_writer_busy_with_a_clear_message(store: Store) -> None:
    holder = Child("hold-lock", store.path)
    holder.expect("locked")
    waiting = Store(store.path, lock_timeout=0.2)
    with pytest.raises(StoreBusy) as caught, waiting.transaction() as tx:
        tx.add_village(village("V001"))
    message = str(caught.value)
    assert str(store.path) in message
    assert "another pingan process" in message
    assert "0.2 s" in message
    assert waiting.settings().town == "桑村镇", "reads do not wait for the lock"
    holder.send("release")
    holder.expect("released")
    assert holder.wait() == 0
    with waiting.transaction() as tx:
        tx.add_village(village("V001"))
    assert [v.code for v in store.villages()] == ["V001"]


def test_two_store_objects_in_one_process_exclude_each_other(store: Store) -> None:
    other = Store(store.path, lock_timeout=0.1)
    with store.locked(), pytest.raises(StoreBusy):
        other.transaction().__enter__()
    with other.transaction() as tx:
        tx.add_village(village("V001"))
    assert store.village("V001") is not None


def test_saves_from_other_processes_during_an_import_are_all_kept(tmp_path: Path) -> None:
    store = town_with_a_record(tmp_path / "town.json")
    path = write_csv(tmp_path / "p.csv", patrol_rows(ROWS))
    importer = Child("importer", store.path, path)
    racers = [Child("racer", store.path, worker, 30) for worker in range(2)]
    for racer in racers:
        racer.expect("ready")
    started = False
    while True:
        words = importer.line().split()
        if words[0] == "ack":
            break
        if not started:
            for racer in racers:
                racer.send("go")
            started = True
        importer.send("go")
    assert importer.wait() == 0
    for racer in racers:
        racer.expect("done")
        assert racer.wait() == 0
    reopened = Store(store.path).open()
    notes = [r for q in reopened.record_quarters() for r in reopened.records(q, "test.note")]
    assert len(notes) == 1 + 60
    [batch] = reopened.import_batches()
    assert len(patrols(reopened)) == ROWS
    assert not {r.id for r in notes} & set(batch.added)
    verify_audit_chain(reopened)
