"""A quarter's window on the store: its records by type and by village, and their history."""

from __future__ import annotations

from datetime import date

import pytest

from store import NewRecord, Quarter, Store, StoreCorrupt, Village


def new(record_type: str, village: str, day: date) -> NewRecord:
    return NewRecord(record_type, village, day, {}, "t")


def test_a_quarter_window_reads_a_quarter_by_type_village_and_history(store: Store) -> None:
    with store.transaction() as tx:
        tx.add_village(Village("V01", "东庄", "东办"))
        tx.add_village(Village("V02", "西庄", "东办"))
        tx.add_records(
            [
                new("t.a", "V01", date(2022, 2, 1)),
                new("t.a", "V01", date(2022, 5, 1)),
                new("t.a", "V02", date(2022, 5, 2)),
                new("t.b", "V01", date(2022, 5, 3)),
                new("t.a", "V01", date(2022, 8, 1)),
            ]
        )
    window = store.window(Quarter(2022, 2))
    assert window.quarter == Quarter(2022, 2)
    assert [r.village for r in window.records("t.a")] == ["V01", "V02"]
    assert [r.date for r in window.village_records("V01", "t.a")] == [date(2022, 5, 1)]
    assert window.village_records("V02", "t.b") == ()
    assert [r.date for r in window.history("V01", "t.a")] == [date(2022, 2, 1), date(2022, 5, 1)]


def test_a_window_of_a_quarter_without_records_is_empty(store: Store) -> None:
    window = store.window(Quarter(2022, 1))
    assert window.records("t.a") == () and window.history("V01", "t.a") == ()


def two_villages_and_history(store: Store) -> None:
    with store.transaction() as tx:
        tx.add_village(Village("V01", "东庄", "东办"))
        tx.add_village(Village("V02", "西庄", "东办"))
        tx.add_records(
            [
                new("t.a", "V01", date(2022, 2, 1)),
                new("t.b", "V01", date(2022, 2, 2)),
                new("t.a", "V02", date(2022, 5, 2)),
            ]
        )


def test_history_sees_a_later_write_to_an_earlier_quarter_by_this_or_another_store(
    store: Store,
) -> None:
    two_villages_and_history(store)
    assert len(store.window(Quarter(2022, 2)).history("V01", "t.a")) == 1
    with store.transaction() as tx:
        tx.add_records([new("t.a", "V01", date(2022, 3, 1))])
    assert [r.date for r in store.window(Quarter(2022, 2)).history("V01", "t.a")] == [
        date(2022, 2, 1),
        date(2022, 3, 1),
    ]
    other = Store(store.path).open()
    with other.transaction() as tx:
        tx.add_records([new("t.a", "V01", date(2022, 1, 5))])
    history = store.window(Quarter(2022, 2)).history("V01", "t.a")
    assert sorted(r.date for r in history) == [date(2022, 1, 5), date(2022, 2, 1), date(2022, 3, 1)]
    assert [r.type for r in store.window(Quarter(2022, 2)).history("V01", "t.b")] == ["t.b"]


def test_history_of_an_unparsed_block_builds_only_the_type_asked(store: Store) -> None:
    two_villages_and_history(store)
    fresh = Store(store.path).open()
    window = fresh.window(Quarter(2022, 2))
    assert [r.village for r in window.history("V02", "t.a")] == ["V02"]
    earlier = fresh.layout.quarter_blocks(Quarter(2022, 1))
    assert earlier and all(fresh._partitions.fresh(p) is None for p in earlier)
    assert [r.type for r in window.history("V01", "t.b")] == ["t.b"]


def test_a_damaged_history_block_is_refused_naming_the_file(store: Store) -> None:
    two_villages_and_history(store)
    block = store.layout.quarter_blocks(Quarter(2022, 1))[0]
    block.write_text('{"records": {"1": {"village": "V01"}}}', encoding="utf-8")
    window = Store(store.path).open().window(Quarter(2022, 2))
    with pytest.raises(StoreCorrupt) as caught:
        window.history("V01", "t.a")
    assert str(block) in str(caught.value)
