"""Many villages in one step: one look at the table, the same refusals and audit as one by one."""

from __future__ import annotations

from pathlib import Path

import pytest

from store import Refused, Store, Village
from tests.store_support import new_store, store_files


def _village(code: str, name: str = "", office: str = "东部办事处") -> Village:
    return Village(code, name or f"村{code}", office)


def test_add_villages_stores_them_all_with_one_audit_entry(tmp_path: Path) -> None:
    store = new_store(tmp_path / "town.json")
    with store.transaction() as tx:
        assert tx.add_villages([_village(f"C{i:04d}") for i in range(300)], note="county") == 300
    assert len(store.villages()) == 302
    [entry] = [e for e in store.audit_entries() if e.action == "villages.add"]
    assert "C0299" in entry.villages and entry.after["note"] == "county"


@pytest.mark.parametrize(
    "batch", [[_village("V001")], [_village("C0001"), _village("C0001", "重复")]]
)
def test_add_villages_refuses_a_taken_or_repeated_code_and_stores_none(
    tmp_path: Path, batch: list[Village]
) -> None:
    store = new_store(tmp_path / "town.json")
    before = store_files(store)
    with pytest.raises(Refused, match="already exists"), store.transaction() as tx:
        tx.add_villages([_village("C0002"), *batch])
    assert store_files(store) == before


def test_put_villages_adds_updates_and_audits_each_change(tmp_path: Path) -> None:
    store = new_store(tmp_path / "town.json")
    old = store.village("V001")
    assert old is not None
    with store.transaction() as tx:
        tx.put_villages([_village("V001", "新名"), old, _village("C0001")])
    assert store.village("V001") == old
    assert store.village("C0001") is not None
    with store.transaction() as tx:
        tx.put_villages([_village("V002", "改名", "西部办事处")])
    changed = Store(store.path).open().village("V002")
    assert changed is not None and (changed.name, changed.office) == ("改名", "西部办事处")
    actions = [(e.action, e.target) for e in store.audit_entries()][-4:]
    assert actions == [
        ("village.update", "V001"),
        ("village.update", "V001"),
        ("village.add", "C0001"),
        ("village.update", "V002"),
    ]
