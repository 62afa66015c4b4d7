"""Imports staged outside the lock: refusals leave nothing behind, another desk's save is kept,
undo, the repeat check, the audit and verify see one batch, and rows are not held.

Kills during an import are tried in test_store_crash.py, racing processes in
test_store_concurrency.py.
"""

from __future__ import annotations

import tracemalloc
from datetime import date
from pathlib import Path

import pytest

from plugins.actions import ActionContext, import_records, undo_import
from plugins.importing import ImportRefused
from plugins.manager import PluginHost
from store import Store, verify
from store import staging as store_staging
from tests.cli_support import write_csv
from tests.store_support import (
    Q1,
    ROWS,
    audit_entries,
    data_revision,
    leftovers,
    note,
    patrol_rows,
    patrols,
    staged_leftovers,
    town_with_a_record,
    verify_audit_chain,
)

# bad input


@pytest.mark.parametrize("where", ["first", "middle", "last"])
def test_a_bad_row_is_refused_naming_file_line_and_field_and_nothing_is_left(
    tmp_path: Path, host: PluginHost, where: str
) -> None:
    store = town_with_a_record(tmp_path / "town.json")
    rows = patrol_rows(ROWS)
    index = {"first": 1, "middle": ROWS // 2, "last": ROWS}[where]
    rows[index][1] = "V999"
    path = write_csv(tmp_path / "patrols.csv", rows)
    revision = data_revision(store)
    with pytest.raises(ImportRefused) as info:
        import_records(ActionContext(store, host), path, "police.patrol")
    [problem] = info.value.problems
    assert (problem.line, problem.field) == (index + 1, "village")
    assert f"{path}:{index + 1}: village: " in str(info.value)
    assert data_revision(store) == revision
    assert patrols(store) == [] and store.import_batches() == []
    assert staged_leftovers(store) == []
    assert leftovers(store.layout) == []
    assert verify(store).ok


def test_a_file_imported_before_is_refused_without_staging_anything(
    tmp_path: Path, host: PluginHost
) -> None:
    store = town_with_a_record(tmp_path / "town.json")
    path = write_csv(tmp_path / "patrols.csv", patrol_rows(10))
    ctx = ActionContext(store, host)
    import_records(ctx, path, "police.patrol")
    revision = data_revision(store)
    with pytest.raises(ImportRefused, match="--again"):
        import_records(ctx, path, "police.patrol")
    assert data_revision(store) == revision and len(patrols(store)) == 10
    assert staged_leftovers(store) == []


# a whole import: ids, audit, verify, undo


def test_a_staged_import_is_one_batch_audited_verified_and_undone_whole(
    tmp_path: Path, host: PluginHost
) -> None:
    store = town_with_a_record(tmp_path / "town.json")
    [kept] = store.records(Q1)
    ctx = ActionContext(store, host)
    result = import_records(ctx, write_csv(tmp_path / "p.csv", patrol_rows(ROWS)), "police.patrol")
    assert result.total == ROWS and set(result.counts.values()) == {ROWS // 4}
    [batch] = store.import_batches()
    assert batch.id == result.batch and batch.rows == ROWS
    found = patrols(store)
    ids = sorted(r.id for r in found)
    assert ids == list(batch.added) == list(range(kept.id + 1, kept.id + 1 + ROWS))
    for quarter in result.counts:
        in_quarter = sorted(r.id for r in found if r.quarter == quarter)
        assert in_quarter == list(range(in_quarter[0], in_quarter[0] + ROWS // 4)), "one run"
    assert store.main().meta["next_record_id"] > ids[-1]
    actions = [(e["action"], e["target"]) for e in audit_entries(store.layout)]
    assert ("records.import", f"records:{ids[0]}-{ids[-1]}") in actions
    assert ("import.add", f"import:{batch.id}") in actions
    verify_audit_chain(store)
    assert Store(store.path).open().records(Q1)[0] == kept

    undone = undo_import(ctx, batch.id, reason="wrong file")
    assert undone.removed == ROWS
    assert patrols(store) == [] and store.records(Q1) == [kept]
    assert store.import_batches()[0].undone is not None
    verify_audit_chain(store)


# other desks


def test_a_save_between_the_reservation_and_the_commit_keeps_both(
    tmp_path: Path, host: PluginHost, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another desk saves while the import writes its blocks: its record is numbered past
    the reserved ids and both land."""
    store = town_with_a_record(tmp_path / "town.json")
    desk = Store(store.path)
    saved: list[int] = []
    write_blocks = store_staging.Staging.write_blocks

    def save_meanwhile(
        self: store_staging.Staging, start: int, batch_id: int
    ) -> store_staging.StagedRecords:
        with desk.transaction("desk") as tx:
            saved.extend(tx.add_records([note("V002", date(2022, 5, 6))]))
        return write_blocks(self, start, batch_id)

    monkeypatch.setattr(store_staging.Staging, "write_blocks", save_meanwhile)
    path = write_csv(tmp_path / "p.csv", patrol_rows(ROWS))
    import_records(ActionContext(store, host), path, "police.patrol")
    [batch] = store.import_batches()
    [other] = saved
    assert other > max(batch.added)
    assert store.record(other) is not None and len(patrols(store)) == ROWS
    verify_audit_chain(store)


# memory


def peak_of_import(tmp_path: Path, host: PluginHost, rows: int) -> int:
    store = town_with_a_record(tmp_path / f"town-{rows}.json")
    path = write_csv(tmp_path / f"p-{rows}.csv", patrol_rows(rows))
    ctx = ActionContext(store, host)
    tracemalloc.start()
    try:
        import_records(ctx, path, "police.patrol")
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_an_import_does_not_hold_its_rows(tmp_path: Path, host: PluginHost) -> None:
    """Ten times the rows, nearly the same peak: rows are checked and staged one at a time.

    Held rows would cost about a kilobyte each (cells, record, document): 36,000 more rows
    would add some 36 MB to the peak.
    """
    small = peak_of_import(tmp_path, host, 4_000)
    big = peak_of_import(tmp_path, host, 40_000)
    assert big - small < 4_000_000, (small, big)
