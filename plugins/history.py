"""The audit entries behind one grid cell, read without Textual for the TUI's history table."""

from __future__ import annotations

from datetime import date
from typing import Any

from plugins.registry import Registry
from store import AuditEntry, Quarter, Store

RECORD_ACTIONS = frozenset({"record.add", "record.update", "record.delete"})
RETURN_ACTIONS = frozenset({"return.file", "return.withdraw"})
DECISION_ACTIONS = frozenset({"decision.set", "decision.withdraw"})


def criterion_units(registry: Registry, criterion: str) -> frozenset[str]:
    """The units whose checks decide criterion."""
    return frozenset(check.unit for check in registry.checks_by_criterion().get(criterion, []))


def _record_sides(entry: AuditEntry) -> list[dict[str, Any]]:
    return [side for side in (entry.before, entry.after) if isinstance(side, dict)]


def cell_history(
    store: Store, registry: Registry, quarter: Quarter, village: str, criterion: str
) -> list[AuditEntry]:
    """Every audit entry behind a cell, oldest first.

    That is the village's records of the criterion's units dated in the quarter (added,
    changed, deleted or imported), the meeting's decisions on the cell, and those units'
    returns for the quarter.
    """
    units = criterion_units(registry, criterion)
    types = {name for name, rtype in registry.record_types.items() if rtype.unit in units}
    cell = f"{quarter}:{village}:{criterion}"
    returns = {f"{unit}:{quarter}" for unit in units}
    found: list[AuditEntry] = []
    for entry in store.audit_entries():
        if entry.action in DECISION_ACTIONS:
            keep = entry.target == cell
        elif entry.action in RETURN_ACTIONS:
            keep = entry.target in returns
        elif entry.action in RECORD_ACTIONS:
            keep = any(
                side.get("village") == village
                and (side.get("type") in types or side.get("unit") in units)
                and _in_quarter(side.get("date"), quarter)
                for side in _record_sides(entry)
            )
        elif entry.action == "records.import":
            keep = village in entry.villages
        else:
            keep = False
        if keep:
            found.append(entry)
    return found


def _in_quarter(value: Any, quarter: Quarter) -> bool:
    try:
        return Quarter.of(date.fromisoformat(str(value))) == quarter
    except ValueError:
        return False
