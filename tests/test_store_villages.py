"""The village list in its own file: saves leave it be, verify vouches for it, schema 3 moves."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import orjson
import pytest

from store import Quarter, Refused, Store, StoreCorrupt
from store.migrations import CURRENT_SCHEMA
from store.storage import atomic_write, dumps
from store.verify import verify
from tests.store_support import new_store, note, store_files, verify_audit_chain, village

Q3 = Quarter(2022, 3)


def _as_schema_3(store: Store) -> dict[str, object]:
    """Rewrite the store as schema 3 left it: the villages table inside the main file."""
    layout = store.layout
    listed = orjson.loads(layout.villages.read_bytes())["villages"]
    data = orjson.loads(layout.main.read_bytes())
    data["villages"] = listed
    meta = data["meta"]["1"]
    meta.pop("villages_sha256")
    meta["schema"] = 3
    atomic_write(layout.main, dumps(data))
    layout.villages.unlink()
    for backup in layout.backups():
        backup.unlink()
    return dict(listed)


def test_a_saved_record_leaves_the_village_list_and_the_main_file_holds_none(
    tmp_path: Path,
) -> None:
    store = new_store(tmp_path / "town.json")
    listed = store.layout.villages.read_bytes()
    stamp = store.layout.villages.stat().st_mtime_ns
    with store.transaction() as tx:
        tx.add_records([note("V002", date(2022, 8, 1))])
    assert store.layout.villages.read_bytes() == listed
    assert store.layout.villages.stat().st_mtime_ns == stamp
    assert "villages" not in orjson.loads(store.path.read_bytes())
    assert [v.code for v in Store(store.path).open().villages()] == ["V001", "V002"]
    assert verify(store).ok


def test_a_schema_3_store_is_backed_up_then_its_villages_moved(tmp_path: Path) -> None:
    store = new_store(tmp_path / "town.json")
    before = [v.to_doc() for v in store.villages(active_only=False)]
    moved = _as_schema_3(store)
    migrated = Store(store.path).open()
    assert migrated.main().meta["schema"] == CURRENT_SCHEMA == 4
    [backup] = migrated.layout.backups()
    assert backup.name.endswith("-before-migrate-3.zip")
    assert [v.to_doc() for v in migrated.villages(active_only=False)] == before
    assert orjson.loads(migrated.layout.villages.read_bytes())["villages"] == moved
    assert "villages" not in orjson.loads(migrated.path.read_bytes())
    entries = verify_audit_chain(migrated)
    [entry] = [e for e in entries if e["action"] == "villages.move"]
    assert entry["before"]["villages"] == entry["after"]["villages"] == len(before)
    assert verify(migrated).ok
    with migrated.transaction() as tx:
        tx.add_records([note("V001", date(2022, 9, 1))])
    assert len(migrated.records(Q3)) == 1


def test_a_record_of_an_unknown_village_is_refused_and_nothing_stored(tmp_path: Path) -> None:
    store = new_store(tmp_path / "town.json")
    files = store_files(store)
    with pytest.raises(Refused, match="unknown village code V009"), store.transaction() as tx:
        tx.add_records([note("V009", date(2022, 8, 1))])
    assert store_files(store) == files


def test_a_village_added_in_the_same_change_takes_records(tmp_path: Path) -> None:
    store = new_store(tmp_path / "town.json")
    with store.transaction() as tx:
        tx.add_village(village("V003", "王村"))
        tx.add_records([note("V003", date(2022, 8, 1))])
    assert [r.village for r in store.records(Q3)] == ["V003"]
    assert verify(store).ok


def test_an_altered_village_list_is_named_by_verify(tmp_path: Path) -> None:
    store = new_store(tmp_path / "town.json")
    data = orjson.loads(store.layout.villages.read_bytes())
    next(iter(data["villages"].values()))["name"] = "改名村"
    store.layout.villages.write_bytes(dumps(data))
    report = verify(store)
    assert not report.ok
    [problem] = [p for p in report.problems if p.path == store.layout.villages]
    assert "altered" in problem.message.en


def test_a_missing_village_list_is_named_by_verify(tmp_path: Path) -> None:
    store = new_store(tmp_path / "town.json")
    store.layout.villages.unlink()
    report = verify(store)
    [problem] = [p for p in report.problems if p.path == store.layout.villages]
    assert problem.message.en.endswith("the village list is missing")


def test_an_unreadable_village_list_is_refused_naming_it(tmp_path: Path) -> None:
    store = new_store(tmp_path / "town.json")
    store.layout.villages.write_bytes(b'{"villages": {"1": "not a village"}}')
    with pytest.raises(StoreCorrupt) as caught:
        Store(store.path).open().villages()
    assert caught.value.path == store.layout.villages
    assert not verify(store).ok
