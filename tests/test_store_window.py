"""A quarter's window on the store: its records by type and by village, and their history."""

from __future__ import annotations

from datetime import date

from store import NewRecord, Quarter, Store, Village


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
