"""Record blocks: a save rewrites one block, and a schema-2 store's quarter files are split."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import orjson
import pytest

from store import Quarter, Store, StoreCorrupt
from store.cache import Partition
from store.layout import BLOCK_RECORDS
from store.migrations import CURRENT_SCHEMA
from store.storage import atomic_write, dumps
from store.verify import verify
from tests.store_support import new_store, note, store_files, verify_audit_chain

Q3, Q4 = Quarter(2022, 3), Quarter(2022, 4)


def _two_blocks(path: Path) -> tuple[Store, list[int]]:
    """A store whose 2022Q3 spans two blocks and whose 2022Q4 holds one record."""
    store = new_store(path)
    with store.transaction() as tx:
        ids = tx.add_records(
            [note("V001", date(2022, 8, 1), n=n) for n in range(BLOCK_RECORDS + 10)]
        )
        ids += tx.add_records([note("V002", date(2022, 11, 1))])
    return store, ids


def test_a_save_rewrites_only_the_block_of_its_record(tmp_path: Path) -> None:
    store, ids = _two_blocks(tmp_path / "town.json")
    first, second = store.layout.quarter_blocks(Q3)
    untouched = first.read_bytes()
    with store.transaction() as tx:
        tx.update_record(ids[-2], note("V002", date(2022, 8, 2)), expected_rev=1)
    assert first.read_bytes() == untouched
    assert len(store.records(Q3)) == BLOCK_RECORDS + 10
    moved = store.record(ids[-2])
    assert moved is not None and moved.village == "V002"
    assert verify(store).ok


def _as_schema_2(store: Store) -> dict[Quarter, bytes]:
    """Rewrite the store as schema 2 left it: one file per quarter, hashed by quarter name."""
    layout = store.layout
    data = orjson.loads(layout.main.read_bytes())
    meta = data["meta"]["1"]
    hashes: dict[str, str] = {}
    written: dict[Quarter, bytes] = {}
    for quarter in layout.record_quarter_dirs():
        records: dict[str, object] = {}
        for block in layout.quarter_blocks(quarter):
            records.update(orjson.loads(block.read_bytes())["records"])
            block.unlink()
        layout.quarter_dir(quarter).rmdir()
        raw = dumps({"records": records})
        atomic_write(layout.legacy_records(quarter), raw)
        hashes[str(quarter)] = hashlib.sha256(raw).hexdigest()
        written[quarter] = raw
    meta.update(schema=2, partition_sha256=hashes)
    atomic_write(layout.main, dumps(data))
    for backup in layout.backups():
        backup.unlink()
    return written


def test_a_schema_2_store_is_backed_up_then_split_into_blocks(tmp_path: Path) -> None:
    store, ids = _two_blocks(tmp_path / "town.json")
    before = {q: [r.to_doc() for r in store.records(q)] for q in (Q3, Q4)}
    legacy = _as_schema_2(store)
    migrated = Store(store.path).open()
    assert migrated.main().meta["schema"] == CURRENT_SCHEMA
    [backup] = migrated.layout.backups()
    assert backup.name.endswith("-before-migrate-2.zip")
    assert {q: [r.to_doc() for r in migrated.records(q)] for q in (Q3, Q4)} == before
    assert not migrated.layout.legacy_partitions(), "the quarter files are gone"
    assert len(migrated.layout.quarter_blocks(Q3)) == 2
    entries = verify_audit_chain(migrated)
    split = next(e for e in entries if e["action"] == "records.split")
    assert split["before"]["files"]["2022Q3.json"] == {
        "sha256": hashlib.sha256(legacy[Q3]).hexdigest(),
        "records": BLOCK_RECORDS + 10,
    }
    with migrated.transaction() as tx:
        [new_id] = tx.add_records([note("V001", date(2022, 9, 1))])
    assert new_id > max(ids)
    assert verify(migrated).ok


def test_a_tampered_quarter_file_is_refused_and_nothing_is_migrated(tmp_path: Path) -> None:
    store, _ = _two_blocks(tmp_path / "town.json")
    _as_schema_2(store)
    path = store.layout.legacy_records(Q4)
    data = orjson.loads(path.read_bytes())
    [doc] = data["records"].values()
    doc["village"] = "V001"
    path.write_bytes(dumps(data))
    files = store_files(store)
    with pytest.raises(StoreCorrupt, match="altered"):
        Store(store.path).open()
    assert store_files(store) == files
    assert orjson.loads(store.path.read_bytes())["meta"]["1"]["schema"] == 2


def test_verify_names_a_record_moved_into_another_block(tmp_path: Path) -> None:
    store, ids = _two_blocks(tmp_path / "town.json")
    first, second = store.layout.quarter_blocks(Q3)
    data = orjson.loads(second.read_bytes())
    moved = orjson.loads(first.read_bytes())
    key = str(ids[-2])
    moved["records"][key] = data["records"].pop(key)
    atomic_write(first, dumps(moved))
    atomic_write(second, dumps(data))
    kinds = {(p.kind, p.path) for p in verify(store).problems}
    assert ("records", first) in kinds


def test_a_record_read_back_has_every_field_it_was_stored_with(tmp_path: Path) -> None:
    from dataclasses import fields

    from store import Record

    record = Record(7, "t.x", "V001", date(2022, 8, 1), {"a": 1}, "u", "me", "c", "d", 3, 9)
    again = Record.from_doc(7, record.to_doc())
    assert again == record
    assert {f.name for f in fields(Record)} == {
        "id",
        "type",
        "village",
        "date",
        "fields",
        "unit",
        "author",
        "created",
        "updated",
        "rev",
        "batch",
    }, "a new Record field must be set in Record.from_doc too"


def test_a_commit_of_many_files_that_fails_midway_leaves_none_of_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno

    from store import journal, storage

    files = {tmp_path / f"f{i:02d}.json": b'{"n": %d}' % i for i in range(40)}
    for path in files:
        path.write_bytes(b"{}")
    real = storage.write_temp

    def failing(path: Path, data: bytes, token: str = "") -> Path:
        if path.name == "f17.json":
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(path, data, token)

    monkeypatch.setattr(journal, "write_temp", failing)
    with pytest.raises(OSError, match="No space"):
        journal.commit(tmp_path / "j.journal", files, "tok")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in files)
    assert all(path.read_bytes() == b"{}" for path in files)
    monkeypatch.setattr(journal, "write_temp", real)
    journal.commit(tmp_path / "j.journal", files, "tok2")
    assert all(path.read_bytes() == data for path, data in files.items())
    assert not (tmp_path / "j.journal").exists()


def test_a_quarter_read_after_saves_is_what_a_fresh_read_gives(tmp_path: Path) -> None:
    store, ids = _two_blocks(tmp_path / "town.json")
    store.partition(Q3)
    with store.transaction() as tx:
        tx.update_record(ids[-2], note("V002", date(2022, 8, 2)), expected_rev=1)
        tx.delete_record(ids[0], expected_rev=1)
        tx.add_records([note("V002", date(2022, 9, 9))])

    def shape(part: Partition) -> tuple[object, ...]:
        return (
            sorted(part.by_id),
            {k: [r.id for r in v] for k, v in part.by_village_type.items() if v},
            {k: [r.id for r in v] for k, v in part.by_type.items() if v},
        )

    assert shape(store.partition(Q3)) == shape(Store(store.path).open().partition(Q3))
    assert ids[0] not in store.partition(Q3).by_id
