"""The store on real files: villages, records by quarter, revisions, audit chain, cache, schema."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import orjson
import pytest
import rfc8785
from tinydb import TinyDB

from store import (
    Conflict,
    Decision,
    NotFound,
    Quarter,
    Refused,
    SchemaTooNew,
    Store,
    StoreCorrupt,
    StoreMissing,
    Village,
    now_text,
)
from store.migrations import CURRENT_SCHEMA, MIGRATIONS
from store.storage import atomic_write, dumps
from store.transaction import Transaction
from tests.store_support import (
    Child,
    audit_entries,
    leftovers,
    note,
    store_files,
    verify_audit_chain,
    village,
)

Q2, Q3, Q4 = Quarter(2022, 2), Quarter(2022, 3), Quarter(2022, 4)
Q5 = Quarter(2023, 1)


@pytest.fixture(autouse=True)
def reap_children() -> Iterator[None]:
    """Kill any child process a failing test left running."""
    yield
    Child.reap()


@pytest.fixture
def town(store: Store) -> Store:
    """The conftest store with two villages."""
    with store.transaction() as tx:
        tx.add_village(village("V001", "张庄"))
        tx.add_village(village("V002", "李寨"))
    return store


def stored_ids(store: Store, quarter: Quarter) -> list[int]:
    """The record ids in a quarter's partition file, read from disk."""
    data = orjson.loads(store.layout.block(quarter, 1).read_bytes())
    return sorted(int(key) for key in data["records"])


def fingerprint(path: Path) -> tuple[int, int, bytes]:
    """What a rewrite of a file would change: its inode, its mtime and its bytes."""
    stat = path.stat()
    return stat.st_ino, stat.st_mtime_ns, path.read_bytes()


def rewrite_meta(store: Store, **changes: Any) -> None:
    """Edit the main file's meta document as another pingan version would have written it."""
    data = orjson.loads(store.path.read_bytes())
    meta = data["meta"]["1"]
    for key, value in changes.items():
        if value is None:
            meta.pop(key, None)
        else:
            meta[key] = value
    atomic_write(store.path, dumps(data))


# creating and opening


def test_init_refuses_an_existing_store(store: Store) -> None:
    before = store.path.read_bytes()
    with pytest.raises(Refused, match="already exists"):
        Store(store.path).init("别的镇")
    assert store.path.read_bytes() == before
    assert Store(store.path).open().settings().town == "桑村镇"


def test_open_without_a_store_says_how_to_make_one(tmp_path: Path) -> None:
    with pytest.raises(StoreMissing, match="pingan init"):
        Store(tmp_path / "nothing.json").open()
    assert not (tmp_path / "nothing.json").exists()


def test_files_are_plain_tinydb_json(town: Store) -> None:
    with town.transaction() as tx:
        [record_id] = tx.add_records([note("V002", date(2022, 8, 1), summary="口角")])
    db = TinyDB(town.path, access_mode="r", encoding="utf-8")
    try:
        assert db.table("meta").get(doc_id=1)["last_commit"]  # type: ignore[index]
    finally:
        db.close()
    listed = TinyDB(town.layout.villages, access_mode="r", encoding="utf-8")
    try:
        villages = {doc["code"]: doc["name"] for doc in listed.table("villages").all()}
    finally:
        listed.close()
    assert villages == {"V001": "张庄", "V002": "李寨"}
    part = TinyDB(town.layout.block(Q3, 1), access_mode="r", encoding="utf-8")
    try:
        doc = part.table("records").get(doc_id=record_id)
    finally:
        part.close()
    assert isinstance(doc, dict)
    assert (doc["village"], doc["date"], doc["fields"]) == (
        "V002",
        "2022-08-01",
        {"summary": "口角"},
    )


# villages


def test_villages_add_refuses_a_taken_code_and_put_replaces(town: Store) -> None:
    with pytest.raises(Refused, match="V001"), town.transaction() as tx:
        tx.add_village(village("V001", "重复"))
    with town.transaction() as tx:
        tx.put_village(village("V001", "张庄新村"))
        tx.put_village(village("V003", "王屯"))
        tx.put_village(village("V002", "李寨"))
    names = {v.code: v.name for v in town.villages()}
    assert names == {"V001": "张庄新村", "V002": "李寨", "V003": "王屯"}
    actions = [(e["action"], e["target"]) for e in audit_entries(town.layout)][-2:]
    assert actions == [("village.update", "V001"), ("village.add", "V003")]


def test_inactive_villages_are_kept_but_left_out_of_active_lists(town: Store) -> None:
    with town.transaction() as tx:
        tx.put_village(Village("V002", "李寨", "东片", active=False))
    assert [v.code for v in town.villages()] == ["V001"]
    assert [v.code for v in town.villages(active_only=False)] == ["V001", "V002"]


# records and their quarters


def test_records_go_to_the_partition_of_their_quarter(town: Store, tmp_path: Path) -> None:
    with town.transaction() as tx:
        ids = tx.add_records(
            [
                note("V001", date(2022, 7, 1)),
                note("V002", date(2022, 9, 30)),
                note("V001", date(2022, 6, 30)),
                note("V001", date(2023, 1, 1)),
            ]
        )
    assert (
        town.layout.block(Q3, 1) == tmp_path / "town.json.d" / "records" / "2022Q3" / "00000.json"
    )
    assert stored_ids(town, Q3) == [ids[0], ids[1]]
    assert stored_ids(town, Q2) == [ids[2]]
    assert stored_ids(town, Q5) == [ids[3]]
    names = sorted(
        str(p.relative_to(town.layout.records_dir)) for p in town.layout.records_dir.rglob("*.json")
    )
    assert names == ["2022Q2/00000.json", "2022Q3/00000.json", "2023Q1/00000.json"]
    assert town.record_quarters() == [Q2, Q3, Q5]
    assert [r.id for r in town.village_records(Q3, "V002", "test.note")] == [ids[1]]


def test_quarters_up_to_one_are_found_without_reading_later_partitions(town: Store) -> None:
    with town.transaction() as tx:
        tx.add_records([note("V001", date(2022, 5, 1)), note("V001", date(2023, 1, 1))])
    town.layout.block(Q5, 1).write_bytes(b"{not json")
    reader = Store(town.path).open()
    assert reader.record_quarters(until=Q4) == [Q2]
    with pytest.raises(StoreCorrupt):
        reader.record_quarters()


def test_saving_one_quarter_leaves_the_other_partitions_untouched(town: Store) -> None:
    with town.transaction() as tx:
        tx.add_records([note("V001", date(2022, d // 100, d % 100)) for d in (515, 815, 1115)])
        tx.add_records([note("V001", date(2023, 2, 1))])
    others = {q: fingerprint(town.layout.block(q, 1)) for q in (Q2, Q4, Q5)}
    q3_before = fingerprint(town.layout.block(Q3, 1))
    with town.transaction() as tx:
        [added] = tx.add_records([note("V002", date(2022, 8, 20))])
    with town.transaction() as tx:
        tx.update_record(added, note("V002", date(2022, 9, 1), x=1), expected_rev=1)
    assert {q: fingerprint(town.layout.block(q, 1)) for q in (Q2, Q4, Q5)} == others
    assert fingerprint(town.layout.block(Q3, 1)) != q3_before
    assert added in stored_ids(town, Q3)


def test_update_moves_a_record_to_its_new_quarter(town: Store) -> None:
    with town.transaction() as tx:
        [record_id] = tx.add_records([note("V001", date(2022, 9, 30), n=1)])
    with town.transaction() as tx:
        updated = tx.update_record(record_id, note("V002", date(2022, 10, 1), n=2), expected_rev=1)
    assert (updated.rev, updated.quarter, updated.village) == (2, Q4, "V002")
    assert stored_ids(town, Q3) == []
    assert stored_ids(town, Q4) == [record_id]
    found = town.record(record_id)
    assert found is not None
    assert (found.date, found.fields, found.rev) == (date(2022, 10, 1), {"n": 2}, 2)
    assert town.records(Q3) == []
    last = audit_entries(town.layout)[-1]
    assert last["action"] == "record.update"
    assert (last["before"]["date"], last["after"]["date"]) == ("2022-09-30", "2022-10-01")


def test_update_with_a_stale_revision_is_a_conflict(town: Store) -> None:
    with town.transaction() as tx:
        [record_id] = tx.add_records([note("V001", date(2022, 8, 1), n=1)])
    seen = town.record(record_id)
    assert seen is not None
    other = Store(town.path).open()
    with other.transaction("另一位") as tx:
        tx.update_record(record_id, note("V001", date(2022, 8, 1), n=2), expected_rev=seen.rev)
    before = store_files(town)
    with pytest.raises(Conflict, match=f"record {record_id}"), town.transaction() as tx:
        tx.update_record(record_id, note("V001", date(2022, 8, 1), n=3), expected_rev=seen.rev)
    assert store_files(town) == before
    current = town.record(record_id)
    assert current is not None
    assert (current.fields, current.rev) == ({"n": 2}, 2)


def test_delete_removes_the_record_and_audits_it(town: Store) -> None:
    with town.transaction() as tx:
        [kept, gone] = tx.add_records(
            [note("V001", date(2022, 8, 1)), note("V001", date(2022, 8, 2))]
        )
    with pytest.raises(Conflict), town.transaction() as tx:
        tx.delete_record(gone, expected_rev=7)
    with town.transaction() as tx:
        tx.delete_record(gone, expected_rev=1, reason="录入错误")
    assert town.record(gone) is None
    assert stored_ids(town, Q3) == [kept]
    with pytest.raises(NotFound, match=str(gone)), town.transaction() as tx:
        tx.delete_record(gone, expected_rev=1)
    last = audit_entries(town.layout)[-1]
    assert (last["action"], last["target"]) == ("record.delete", f"record:{gone}")
    assert last["before"]["date"] == "2022-08-02"
    assert last["after"] == {"reason": "录入错误"}


def test_records_of_unknown_villages_are_refused(town: Store) -> None:
    before = store_files(town)
    with pytest.raises(Refused, match="V404"), town.transaction() as tx:
        tx.add_records([note("V001", date(2022, 8, 1)), note("V404", date(2022, 8, 1))])
    assert store_files(town) == before


def test_a_finalized_quarter_refuses_changes(town: Store) -> None:
    with town.transaction() as tx:
        [in_q4] = tx.add_records([note("V001", date(2022, 11, 1))])
        tx.save_snapshot(Q3, {"compliant": 0}, locked=True)
    assert town.is_locked(Q3) and not town.is_locked(Q4)
    with pytest.raises(Refused, match="2022Q3"), town.transaction() as tx:
        tx.add_records([note("V001", date(2022, 8, 1))])
    with pytest.raises(Refused, match="2022Q3"), town.transaction() as tx:
        tx.update_record(in_q4, note("V001", date(2022, 9, 1)), expected_rev=1)
    with pytest.raises(Refused, match="2022Q3"), town.transaction() as tx:
        tx.file_return("police", Q3)
    assert not town.layout.block(Q3, 1).exists()


def test_snapshots_and_audit_days_live_in_their_own_files(town: Store) -> None:
    with town.transaction() as tx:
        tx.save_snapshot(Q3, {"compliant": 7}, locked=False)
    snapshot = town.snapshot(Q3)
    assert snapshot is not None and snapshot["grid"] == {"compliant": 7}
    assert town.layout.snapshot(Q3).exists() and town.snapshot(Q4) is None
    assert '"grid"' not in town.layout.main.read_text(encoding="utf-8")
    audit_files = [p.name for p in town.layout.audit_dir.iterdir()]
    assert audit_files == [f"{date.today():%Y-%m}.jsonl"]


def test_a_transaction_that_raises_writes_nothing(town: Store) -> None:
    before = store_files(town)
    with pytest.raises(RuntimeError, match="中途"), town.transaction() as tx:
        tx.add_village(village("V003"))
        tx.add_records([note("V003", date(2022, 8, 1))])
        tx.update_settings(town="改名镇")
        raise RuntimeError("中途出错")
    assert store_files(town) == before
    assert leftovers(town.layout) == []
    assert [v.code for v in town.villages()] == ["V001", "V002"]


# returns, decisions, settings


def test_filing_a_return_twice_keeps_one(town: Store) -> None:
    with town.transaction() as tx:
        assert tx.file_return("police", Q3) is True
    with town.transaction() as tx:
        assert tx.file_return("police", Q3) is False
        assert tx.file_return("civil", Q3) is True
    assert [r.unit for r in town.returns(Q3)] == ["police", "civil"]
    assert town.filed_units(Q4) == set()
    with town.transaction() as tx:
        assert tx.withdraw_return("police", Q3) is True
        assert tx.withdraw_return("police", Q3) is False
    assert town.filed_units(Q3) == {"civil"}
    actions = [e["action"] for e in audit_entries(town.layout)]
    assert actions.count("return.file") == 2
    assert actions.count("return.withdraw") == 1


def test_a_decision_replaces_the_earlier_one_on_its_cell(town: Store) -> None:
    def decision(criterion: str, passed: bool, reason: str = "") -> Decision:
        return Decision(Q3, "V001", criterion, passed, reason, "主任", now_text())

    with town.transaction() as tx:
        tx.decide(decision("G1", True))
        tx.decide(decision("G2", True))
    with town.transaction() as tx:
        tx.decide(decision("G1", False, "会议认定党员带头不力"))
    cells = {(d.criterion, d.passed, d.reason) for d in town.decisions(Q3)}
    assert cells == {("G1", False, "会议认定党员带头不力"), ("G2", True, "")}
    last = audit_entries(town.layout)[-1]
    assert (last["before"]["passed"], last["after"]["passed"]) == (True, False)
    with pytest.raises(Refused, match="V404"), town.transaction() as tx:
        tx.decide(Decision(Q3, "V404", "G1", True, "", "主任", now_text()))


def test_settings_are_updated_and_validated(town: Store) -> None:
    with town.transaction() as tx:
        tx.update_settings(targets={"2024": 0.9}, thresholds={"police.min_patrols": 8})
    settings = town.settings()
    assert settings.town == "桑村镇"
    assert settings.target(2024) == 0.9
    assert settings.target(2030) == 0.9
    assert settings.threshold("police.min_patrols", 6) == 8
    assert settings.threshold("judicial.resolved_ratio", 0.9) == 0.9
    before = store_files(town)
    with pytest.raises(ValueError), town.transaction() as tx:
        tx.update_settings(thresholds={"police.min_patrols": "很多"})
    assert store_files(town) == before


# audit


def test_audit_entries_are_chained_by_hash(town: Store) -> None:
    with town.transaction() as tx:
        ids = tx.add_records([note("V001", date(2022, 8, d)) for d in (1, 2, 3)], note="导入")
        tx.file_return("police", Q3)
    with town.transaction("另一位") as tx:
        tx.update_record(ids[0], note("V001", date(2022, 8, 9)), expected_rev=1)
        tx.delete_record(ids[1], expected_rev=1)
    entries = verify_audit_chain(town)
    assert [e["action"] for e in entries] == [
        "settings.update",
        "village.add",
        "village.add",
        "records.import",
        "return.file",
        "record.update",
        "record.delete",
    ]
    assert entries[-1]["actor"] == "另一位"
    assert entries[3]["after"] == {"count": 3, "note": "导入", "villages": ["V001"]}


def test_the_chain_check_catches_an_edited_entry(town: Store) -> None:
    """The verifier above is only worth something if a changed entry breaks it."""
    [path] = town.layout.audit_logs()
    lines = path.read_bytes().splitlines(keepends=True)
    entry = orjson.loads(lines[1])
    entry["actor"] = "冒名者"
    lines[1] = rfc8785.dumps(entry) + b"\n"
    path.write_bytes(b"".join(lines))
    with pytest.raises(AssertionError, match="entry 2: hash"):
        verify_audit_chain(town)


# the in-memory cache


def test_reads_see_what_another_store_object_wrote(town: Store) -> None:
    with town.transaction() as tx:
        [record_id] = tx.add_records([note("V001", date(2022, 8, 1), n=1)])
    reader = Store(town.path).open()
    assert [v.code for v in reader.villages()] == ["V001", "V002"]
    assert [r.fields for r in reader.records(Q3)] == [{"n": 1}]
    assert reader.settings().town == "桑村镇"
    with town.transaction() as tx:
        tx.add_village(village("V003"))
        tx.update_record(record_id, note("V001", date(2022, 8, 1), n=2), expected_rev=1)
        tx.update_settings(town="新镇")
    assert [v.code for v in reader.villages()] == ["V001", "V002", "V003"]
    assert [(r.fields, r.rev) for r in reader.records(Q3)] == [({"n": 2}, 2)]
    assert reader.settings().town == "新镇"


def test_reads_see_what_another_process_wrote(town: Store) -> None:
    assert town.village("V009") is None
    child = Child("add-village", town.path, "V009")
    assert child.expect("ack") == "V009"
    assert child.wait() == 0
    assert town.village("V009") is not None


def test_every_rewrite_of_a_file_gets_a_later_mtime(tmp_path: Path) -> None:
    """The cache keys a file on (inode, mtime, size): a reused inode must not hide a rewrite."""
    target = tmp_path / "part.json"
    atomic_write(target, b'{"n": 1}')
    ahead = time.time_ns() + 10_000_000_000
    os.utime(target, ns=(ahead, ahead))
    atomic_write(target, b'{"n": 2}')
    assert target.stat().st_mtime_ns > ahead
    assert target.read_bytes() == b'{"n": 2}'


# schema versions


@pytest.mark.parametrize("old_schema", [0, None], ids=["schema-0", "no-schema"])
def test_an_older_schema_is_migrated(
    town: Store, monkeypatch: pytest.MonkeyPatch, old_schema: int | None
) -> None:
    steps: list[int] = []

    def step_from_0(tx: Transaction) -> None:
        steps.append(int(tx.meta().get("schema", 0)))
        tx.update_settings(lang="en")

    monkeypatch.setitem(MIGRATIONS, 0, step_from_0)
    rewrite_meta(town, schema=old_schema)
    reopened = Store(town.path).open()
    assert reopened.main().meta["schema"] == CURRENT_SCHEMA
    assert steps == [0]
    assert reopened.settings().lang == "en"
    assert audit_entries(town.layout)[-1]["action"] == "store.migrate"
    Store(town.path).open()
    assert steps == [0]


def test_a_newer_schema_is_refused_untouched(town: Store) -> None:
    rewrite_meta(town, schema=CURRENT_SCHEMA + 1)
    before = store_files(town)
    with pytest.raises(SchemaTooNew, match=f"schema {CURRENT_SCHEMA + 1}"):
        Store(town.path).open()
    assert store_files(town) == before
