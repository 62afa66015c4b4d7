"""Test helpers for the rules: a town of villages in a real store, records, returns and cells."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from plugins.engine import Cell, Engine
from plugins.importing import new_record
from plugins.manager import PluginHost
from plugins.schema import Kind
from store import Decision, NewRecord, Quarter, Store, Village, now_text

VILLAGES = ("V01", "V02")


@dataclass(frozen=True, slots=True)
class Row:
    """A record to add: its type, date, village and the raw field values (as a user types them)."""

    type: str
    day: str
    village: str = "V01"
    fields: dict[str, Any] = field(default_factory=dict)


def row(record_type: str, day: str, village: str = "V01", **fields: Any) -> Row:
    """A Row, with the fields as keyword arguments."""
    return Row(record_type, day, village, fields)


def q(text: str) -> Quarter:
    return Quarter.parse(text)


class Town:
    """A real store with villages, the real plugin host and an engine over both."""

    def __init__(self, store: Store, host: PluginHost, villages: Sequence[str] = VILLAGES) -> None:
        self.store = store
        self.host = host
        self.engine = Engine(store, host)
        with store.transaction() as tx:
            for code in villages:
                tx.add_village(Village(code, f"{code}村", "东办事处"))

    def add(self, *rows: Row) -> list[int]:
        """Validate rows against their record type's schema and store them in one transaction."""
        known = {v.code for v in self.store.villages(active_only=False)}
        batch: list[NewRecord] = []
        for item in rows:
            rtype = self.host.registry.record_types[item.type]
            raw = {"date": item.day, "village": item.village, **item.fields}
            clean, errors = rtype.validate(raw, known)
            assert not errors, f"{item}: {errors}"
            batch.append(new_record(rtype, clean))
        with self.store.transaction() as tx:
            return tx.add_records(batch)

    def file(self, quarter: Quarter, *units: str) -> None:
        """File the units' returns for the quarter."""
        with self.store.transaction() as tx:
            for unit in units:
                tx.file_return(unit, quarter)

    def decide(self, quarter: Quarter, criterion: str, passed: bool, village: str = "V01") -> None:
        decision = Decision(quarter, village, criterion, passed, "会议决定", "tester", now_text())
        with self.store.transaction() as tx:
            tx.decide(decision)

    def thresholds(self, **values: float) -> None:
        """Override thresholds in the town's settings, keyed "unit.name" as in the settings file."""
        with self.store.transaction() as tx:
            tx.update_settings(thresholds=values)

    def cell(self, quarter: Quarter, criterion: str, village: str = "V01") -> Cell:
        return self.engine.cell(quarter, village, criterion)


def message(cell: Cell, lang: str = "zh") -> str:
    """Every finding's message of a cell, joined, in one language."""
    return " | ".join(f.message.get(lang) for f in cell.findings)


def ids(all_ids: Sequence[int], positions: Iterable[int]) -> tuple[int, ...]:
    """The ids at positions, sorted, as a cell lists its evidence."""
    return tuple(sorted(all_ids[i] for i in positions))


def schema(host: PluginHost, record_type: str) -> dict[str, tuple[Kind, bool, tuple[str, ...]]]:
    """A record type's fields as {name: (kind, required, enum values)}, to compare with DESIGN."""
    rtype = host.registry.record_types[record_type]
    return {f.name: (f.kind, f.required, f.choice_values()) for f in rtype.all_fields()}
