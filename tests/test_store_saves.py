"""One saved record: its id from the counter, the saving store's parsed blocks kept up to
date without parsing them again, and the reads a screen of one quarter or village makes."""

from __future__ import annotations

import random
from datetime import date
from pathlib import Path

import orjson
import pytest

from store import NewRecord, Quarter, Store, StoreCorrupt
from store.layout import BLOCK_RECORDS
from store.storage import atomic_write, dumps
from tests.store_support import leftovers, new_store, note, verify_audit_chain

Q3, Q4, Q5 = Quarter(2022, 3), Quarter(2022, 4), Quarter(2023, 1)
DAYS = (date(2022, 8, 1), date(2022, 9, 30), date(2022, 11, 15))


def _parsed_alike(writer: Store) -> None:
    """The writer's parsed copy of every quarter is what a fresh reader parses from disk."""
    reader = Store(writer.path)
    for quarter in writer.layout.record_quarter_dirs():
        assert writer.partition(quarter) == reader.partition(quarter), quarter
        for path in writer.layout.quarter_blocks(quarter):
            assert writer._partitions.get(path) == reader._partitions.get(path), path


def test_the_saving_store_reads_its_blocks_as_a_fresh_reader_does(tmp_path: Path) -> None:
    rng = random.Random(5)
    store = new_store(tmp_path / "town.json", ("V001", "V002", "V003"))
    live: list[int] = []
    for step in range(110):
        for quarter in store.layout.record_quarter_dirs():
            store.records(quarter)  # parsed before the save, so the save has a copy to keep
        with store.transaction() as tx:
            action = rng.random() if live else 0.0
            if action < 0.5:
                records = [
                    note(rng.choice(("V001", "V002", "V003")), rng.choice(DAYS), step=step, k=k)
                    for k in range(rng.randint(1, 3))
                ]
                live += tx.add_records(records)
            elif action < 0.8:
                record_id = rng.choice(live)
                current = store.record(record_id)
                assert current is not None
                moved = note(rng.choice(("V001", "V002")), rng.choice(DAYS), step=step)
                tx.update_record(record_id, moved, expected_rev=current.rev)
            else:
                record_id = live.pop(rng.randrange(len(live)))
                current = store.record(record_id)
                assert current is not None
                tx.delete_record(record_id, expected_rev=current.rev, reason="重复")
        _parsed_alike(store)
    with store.transaction() as tx:  # more than a save's few: the block is parsed again
        tx.add_records([note("V003", date(2022, 8, 2), n=n) for n in range(90)])
    _parsed_alike(store)
    assert max(live) > 100  # ids of two and three digits share block 0, sorted as text
    verify_audit_chain(store)


def test_a_save_parses_only_the_records_it_changed(tmp_path: Path) -> None:
    store = new_store(tmp_path / "town.json")
    with store.transaction() as tx:
        first, second = tx.add_records([note("V001", DAYS[0], n=1), note("V002", DAYS[1], n=2)])
    before = store.partition(Q3).by_id
    with store.transaction() as tx:
        [added] = tx.add_records([note("V001", DAYS[0], n=3)])
        tx.update_record(second, note("V002", DAYS[1], n=4), expected_rev=1)
    after = store.partition(Q3).by_id
    assert after[first] is before[first]
    assert after[second] is not before[second] and after[second].fields == {"n": 4}
    assert after[added].fields == {"n": 3}
    _parsed_alike(store)


def test_ids_follow_the_counter_and_skip_any_stored_past_it(tmp_path: Path) -> None:
    store = new_store(tmp_path / "town.json")
    with store.transaction() as tx:
        assert tx.add_records([note("V001", date(2022, 8, 1))]) == [1]
        tx.set_meta(next_record_id=BLOCK_RECORDS * 5 - 10)
    # an id past the counter, in a block no save has reached yet (an edited file)
    planted = store.layout.block(Q4, BLOCK_RECORDS * 5 + 3)
    planted.parent.mkdir(parents=True, exist_ok=True)
    doc = orjson.loads(store.layout.block(Q3, 1).read_bytes())["records"]["1"]
    atomic_write(planted, dumps({"records": {str(BLOCK_RECORDS * 5 + 3): doc}}))
    with store.transaction() as tx:
        ids = tx.add_records([note("V002", date(2023, 1, 5), n=n) for n in range(20)])
    assert ids == list(range(BLOCK_RECORDS * 5 + 4, BLOCK_RECORDS * 5 + 24))
    with store.transaction() as tx:
        assert tx.add_records([note("V002", date(2023, 1, 6))]) == [BLOCK_RECORDS * 5 + 24]
    assert store.main().meta["next_record_id"] == BLOCK_RECORDS * 5 + 25


def test_a_counter_behind_the_stored_ids_is_caught_up(tmp_path: Path) -> None:
    store = new_store(tmp_path / "town.json")
    with store.transaction() as tx:
        tx.add_records([note("V001", date(2022, 8, 1), n=n) for n in range(BLOCK_RECORDS + 5)])
        tx.add_records([note("V001", date(2022, 11, 1))])
    with store.transaction() as tx:
        tx.set_meta(next_record_id=1)
    with store.transaction() as tx:
        assert tx.add_records([note("V002", date(2023, 1, 5))]) == [BLOCK_RECORDS + 7]


# the latest quarter holding data


def test_the_latest_quarter_is_the_newest_holding_a_record_or_a_return(tmp_path: Path) -> None:
    store = new_store(tmp_path / "town.json")
    assert store.latest_quarter(date(2024, 5, 1)) == Quarter(2024, 2)
    with store.transaction() as tx:
        tx.add_records([note("V001", date(2022, 8, 1))])
        [gone] = tx.add_records([note("V001", date(2023, 1, 5))])
    assert store.latest_quarter() == Q5
    with store.transaction() as tx:
        tx.delete_record(gone, expected_rev=1, reason="录错季度")
    assert store.layout.quarter_blocks(Q5)  # its block is there, empty
    assert store.latest_quarter() == Q3
    assert Store(store.path).latest_quarter() == Q3
    assert Store(store.path).record_quarters() == [Q3]
    with store.transaction() as tx:
        tx.file_return("police", Q4)
    assert store.latest_quarter() == Q4


def test_the_latest_quarter_is_found_without_parsing_a_partition(tmp_path: Path) -> None:
    store = new_store(tmp_path / "town.json")
    with store.transaction() as tx:
        tx.add_records([note("V001", date(2022, 8, 1)), note("V002", date(2022, 11, 1))])
    block = store.layout.block(Q4, 2)
    # cut after its first record's id: only parsing the block would find the damage
    block.write_bytes(block.read_bytes()[:20])
    reader = Store(store.path)
    assert reader.latest_quarter() == Q4
    assert reader.record_quarters() == [Q3, Q4]
    with pytest.raises(StoreCorrupt):
        reader.records(Q4)


def test_blocks_written_by_hand_are_parsed_to_see_whether_they_hold_a_record(
    tmp_path: Path,
) -> None:
    store = new_store(tmp_path / "town.json")
    with store.transaction() as tx:
        tx.add_records([note("V001", date(2022, 8, 1))])
    doc = orjson.loads(store.layout.block(Q3, 1).read_bytes())["records"]["1"]
    empty, held = store.layout.block(Q4, 1), store.layout.block(Q5, 2)
    empty.parent.mkdir()
    empty.write_bytes(b'{ "records": {} }')
    held.parent.mkdir()
    held.write_bytes(orjson.dumps({"records": {"2": doc}}, option=orjson.OPT_INDENT_2))
    assert Store(store.path).record_quarters() == [Q3, Q5]
    held.write_bytes(b'{ "records": [] ')
    with pytest.raises(StoreCorrupt):
        Store(store.path).latest_quarter()


# one village's records


def _spread(store: Store) -> list[int]:
    """Records of three villages and two types over two blocks of 2022Q3 and one of 2022Q4."""
    with store.transaction() as tx:
        ids = tx.add_records(
            [
                note(("V001", "V002", "V003")[n % 3], date(2022, 7, 1 + n % 28), n=n)
                for n in range(BLOCK_RECORDS + 40)
            ]
        )
        ids += tx.add_records([note("V002", date(2022, 11, 1))])
    with store.transaction() as tx:
        tx.update_record(ids[7], note("V003", date(2022, 9, 1)), expected_rev=1)
        tx.add_records([NewRecord("test.other", "V001", date(2022, 8, 1), {}, "test")])
    return ids


def test_one_village_records_are_those_of_the_partition(tmp_path: Path) -> None:
    store = new_store(tmp_path / "town.json", ("V001", "V002", "V003"))
    _spread(store)
    fresh = Store(store.path)
    keys = list(fresh.partition(Q3).by_village_type)
    assert len(keys) == 4
    for village, record_type in keys:
        expected = fresh.partition(Q3).by_village_type[(village, record_type)]
        # no block parsed, one parsed (the last save's), every one parsed
        assert Store(store.path).village_records(Q3, village, record_type) == expected
        assert store.village_records(Q3, village, record_type) == expected
        assert fresh.village_records(Q3, village, record_type) == expected
    assert Store(store.path).village_records(Q3, "V009", "test.note") == []
    assert Store(store.path).village_records(Quarter(2021, 1), "V001", "test.note") == []


def test_one_village_records_build_no_record_of_another_village(tmp_path: Path) -> None:
    store = new_store(tmp_path / "town.json", ("V001", "V002", "V003"))
    ids = _spread(store)
    block = store.layout.block(Q3, ids[1])
    data = orjson.loads(block.read_bytes())
    data["records"][str(ids[1])]["date"] = "不是日期"  # a V002 record
    atomic_write(block, dumps(data))
    reader = Store(store.path)
    mine = reader.village_records(Q3, "V001", "test.note")
    assert len(mine) == (BLOCK_RECORDS + 40 + 2) // 3
    with pytest.raises(StoreCorrupt):
        reader.village_records(Q3, "V002", "test.note")
    with pytest.raises(StoreCorrupt):
        reader.records(Q3)


def test_a_temp_file_of_a_commit_that_never_landed_is_swept_by_the_next_lock(
    tmp_path: Path,
) -> None:
    store = new_store(tmp_path / "town.json")
    with store.transaction() as tx:
        tx.add_records([note("V001", DAYS[0])])
    block = store.layout.block(Q3, 1)
    orphans = [
        block.with_name(f"{block.name}.tmp-0badc0ffee"),
        store.path.with_name(f"{store.path.name}.tmp-0badc0ffee"),
    ]
    for orphan in orphans:
        orphan.write_bytes(b'{"records":{}}')
    assert store.layout.may_hold_temps()
    with store.transaction() as tx:
        tx.add_records([note("V002", DAYS[1])])
    assert not any(orphan.exists() for orphan in orphans)
    assert not store.layout.may_hold_temps()
    assert leftovers(store.layout) == []
