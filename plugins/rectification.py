"""Rectification items (整改事项) as people read them: open, overdue past their deadline, closed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from plugins.i18n import Text
from store import Store

STATUS_WORDS: dict[str, Text] = {
    "open": Text("整改中", "open"),
    "overdue": Text("已逾期", "overdue"),
    "closed": Text("已销号", "closed"),
}


@dataclass(frozen=True, slots=True)
class Item:
    """One rectification item and its status on a given day."""

    id: int
    village: str
    criterion: str
    unit: str
    opened: str
    deadline: date
    closed: str | None
    notes: list[dict[str, Any]]
    status: str

    def to_doc(self) -> dict[str, Any]:
        """The item as `pingan rectification --format json` prints it."""
        return {
            "id": self.id,
            "village": self.village,
            "criterion": self.criterion,
            "unit": self.unit,
            "opened": self.opened,
            "deadline": self.deadline.isoformat(),
            "status": self.status,
            "closed": self.closed,
            "notes": list(self.notes),
        }


def status_of(doc: dict[str, Any], today: date) -> str:
    """closed once a later finalized quarter passed it, overdue past its deadline, else open."""
    if doc.get("closed"):
        return "closed"
    return "overdue" if date.fromisoformat(doc["deadline"]) < today else "open"


def items(
    store: Store,
    today: date,
    *,
    open_only: bool = False,
    unit: str | None = None,
    village: str | None = None,
) -> list[Item]:
    """The items, filtered: open_only keeps open and overdue ones."""
    out: list[Item] = []
    for item_id, doc in store.rectification_items().items():
        status = status_of(doc, today)
        if open_only and status == "closed":
            continue
        if unit is not None and doc.get("unit") != unit:
            continue
        if village is not None and doc.get("village") != village:
            continue
        out.append(
            Item(
                item_id,
                doc["village"],
                doc["criterion"],
                doc.get("unit", ""),
                doc["opened"],
                date.fromisoformat(doc["deadline"]),
                doc.get("closed"),
                list(doc.get("notes") or []),
                status,
            )
        )
    return out
