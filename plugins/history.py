"""The audit entries behind one grid cell, read without Textual for the TUI's history table."""

from __future__ import annotations

import bisect
from datetime import date
from typing import Any

from plugins.registry import Registry
from store import AuditEntry, ImportBatch, Quarter, Store

RECORD_ACTIONS = frozenset({"record.add", "record.update", "record.delete"})
RETURN_ACTIONS = frozenset({"return.file", "return.withdraw"})
DECISION_ACTIONS = frozenset({"decision.set", "decision.withdraw"})
QUARTER_ACTIONS = frozenset({"snapshot.save", "quarter.reopen"})
"""Finalizing (which saves the quarter's snapshot) and reopening it."""


def criterion_units(registry: Registry, criterion: str) -> frozenset[str]:
    """The units whose checks decide criterion."""
    return frozenset(check.unit for check in registry.checks_by_criterion().get(criterion, []))


def _record_sides(entry: AuditEntry) -> list[dict[str, Any]]:
    return [side for side in (entry.before, entry.after) if isinstance(side, dict)]


def _record_id(target: str) -> int | None:
    """The record id of a single record's target `record:ID`."""
    try:
        return int(target.removeprefix("record:"))
    except ValueError:
        return None


def _id_range(target: str) -> tuple[int, int] | None:
    """The first and last record id of an import's target `records:FIRST-LAST`."""
    first, _, last = target.removeprefix("records:").partition("-")
    try:
        return int(first), int(last or first)
    except ValueError:
        return None


def _undone_docs(entry: AuditEntry) -> list[dict[str, Any]]:
    """The record documents an undone import removed or put back."""
    before = entry.before if isinstance(entry.before, dict) else {}
    docs = list(before.get("removed") or []) + list(before.get("replaced") or [])
    return [d for d in docs if isinstance(d, dict)]


def _batch_ids(entry: AuditEntry) -> set[int]:
    """The ids of the records an import batch added or replaced."""
    if not isinstance(entry.after, dict):
        return set()
    try:
        batch = ImportBatch.from_doc(0, entry.after)
    except (KeyError, TypeError, ValueError):
        return set()
    return set(batch.added) | set(batch.replaced)


def cell_history(
    store: Store, registry: Registry, quarter: Quarter, village: str, criterion: str
) -> list[AuditEntry]:
    """Every audit entry behind a cell, oldest first.

    That is the changes to the village's records of the criterion's units dated in the
    quarter (added, changed, deleted, or put there by an import or its undoing), the
    meeting's decisions on the cell, those units' returns for the quarter, and the
    quarter's finalizing and reopening. An import counts only if a record it stored lies in
    the cell, so a cell does not list every import since the first.
    """
    units = criterion_units(registry, criterion)
    types = {name for name, rtype in registry.record_types.items() if rtype.unit in units}
    cell = f"{quarter}:{village}:{criterion}"
    returns = {f"{unit}:{quarter}" for unit in units}

    def in_cell(side: dict[str, Any]) -> bool:
        return (
            side.get("village") == village
            and (side.get("type") in types or side.get("unit") in units)
            and _in_quarter(side.get("date"), quarter)
        )

    entries = store.audit_entries()
    ids = {r.id for name in types for r in store.village_records(quarter, village, name)}
    for entry in entries:
        if entry.action in RECORD_ACTIONS and any(in_cell(s) for s in _record_sides(entry)):
            record_id = _record_id(entry.target)
            if record_id is not None:
                ids.add(record_id)
        elif entry.action == "import.undo":
            ids.update(int(d["id"]) for d in _undone_docs(entry) if in_cell(d) and "id" in d)
    ordered = sorted(ids)

    def holds_one(first: int, last: int) -> bool:
        at = bisect.bisect_left(ordered, first)
        return at < len(ordered) and ordered[at] <= last

    found_entries: list[AuditEntry] = []
    for entry in entries:
        if entry.action in DECISION_ACTIONS:
            keep = entry.target == cell
        elif entry.action in RETURN_ACTIONS:
            keep = entry.target in returns
        elif entry.action in RECORD_ACTIONS:
            keep = any(in_cell(side) for side in _record_sides(entry))
        elif entry.action == "records.import":
            span = _id_range(entry.target)
            keep = village in entry.villages and span is not None and holds_one(*span)
        elif entry.action == "import.add":
            keep = bool(_batch_ids(entry) & ids)
        elif entry.action == "import.undo":
            keep = any(in_cell(d) for d in _undone_docs(entry))
        elif entry.action in QUARTER_ACTIONS:
            keep = entry.target == str(quarter)
        else:
            keep = False
        if keep:
            found_entries.append(entry)
    return found_entries


def _in_quarter(value: Any, quarter: Quarter) -> bool:
    try:
        return Quarter.of(date.fromisoformat(str(value))) == quarter
    except ValueError:
        return False
