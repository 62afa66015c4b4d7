"""Plain value types of the store: villages, records, returns, decisions, snapshots."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from store.quarter import Quarter

JSONValue = Any


@dataclass(frozen=True, slots=True)
class Village:
    """An administrative village (行政村) under a sub-district office (办事处)."""

    code: str
    name: str
    office: str
    secretary: str = ""
    population: int | None = None
    households: int | None = None
    active: bool = True

    def to_doc(self) -> dict[str, JSONValue]:
        return {
            "code": self.code,
            "name": self.name,
            "office": self.office,
            "secretary": self.secretary,
            "population": self.population,
            "households": self.households,
            "active": self.active,
        }

    @classmethod
    def from_doc(cls, doc: dict[str, JSONValue]) -> Village:
        return cls(
            code=doc["code"],
            name=doc["name"],
            office=doc.get("office", ""),
            secretary=doc.get("secretary") or "",
            population=doc.get("population"),
            households=doc.get("households"),
            active=bool(doc.get("active", True)),
        )


@dataclass(frozen=True, slots=True)
class Record:
    """One dated fact about one village, of a record type a unit plugin declared."""

    id: int
    type: str
    village: str
    date: date
    fields: dict[str, JSONValue] = field(default_factory=dict)
    unit: str = ""
    author: str = ""
    created: str = ""
    updated: str = ""
    rev: int = 1
    batch: int | None = None
    """The import batch that stored this version of the record, if an import did."""

    @property
    def quarter(self) -> Quarter:
        return Quarter.of(self.date)

    def text(self, name: str) -> str:
        value = self.fields.get(name)
        return "" if value is None else str(value)

    def number(self, name: str) -> int:
        """An int field, 0 when absent."""
        value = self.fields.get(name)
        return int(value) if value is not None else 0

    def flag(self, name: str) -> bool:
        return bool(self.fields.get(name, False))

    def day(self, name: str) -> datetime.date | None:
        """A date field, None when absent."""
        value = self.fields.get(name)
        return date.fromisoformat(value) if value else None

    def tags(self, name: str) -> frozenset[str]:
        """A multi-enum field as a set."""
        return frozenset(self.fields.get(name) or ())

    def to_doc(self) -> dict[str, JSONValue]:
        doc = {
            "type": self.type,
            "village": self.village,
            "date": self.date.isoformat(),
            "fields": self.fields,
            "unit": self.unit,
            "author": self.author,
            "created": self.created,
            "updated": self.updated,
            "rev": self.rev,
        }
        if self.batch is not None:
            doc["batch"] = self.batch
        return doc

    @classmethod
    def from_doc(
        cls,
        record_id: int,
        doc: dict[str, JSONValue],
        same: dict[Any, Any] | None = None,
        days: dict[str, datetime.date] | None = None,
    ) -> Record:
        """A record from its stored document; `same` and `days` share equal texts and dates.

        Built through the slots, not the frozen dataclass's __init__: reading a county
        store builds 300,000 of them.
        """
        if same is None:
            same = {}
        if days is None:
            days = {}
        text = doc["date"]
        day = days.get(text)
        if day is None:
            day = days[text] = date.fromisoformat(text)
        record = _new_record(cls)
        _SET_ID(record, record_id)
        _SET_TYPE(record, same.setdefault(doc["type"], doc["type"]))
        _SET_VILLAGE(record, same.setdefault(doc["village"], doc["village"]))
        _SET_DATE(record, day)
        _SET_FIELDS(record, doc.get("fields") or {})
        _SET_UNIT(record, same.setdefault(doc.get("unit", ""), doc.get("unit", "")))
        _SET_AUTHOR(record, same.setdefault(doc.get("author", ""), doc.get("author", "")))
        _SET_CREATED(record, same.setdefault(doc.get("created", ""), doc.get("created", "")))
        _SET_UPDATED(record, same.setdefault(doc.get("updated", ""), doc.get("updated", "")))
        _SET_REV(record, int(doc.get("rev", 1)))
        _SET_BATCH(record, doc.get("batch"))
        return record


_new_record = object.__new__
(
    _SET_ID,
    _SET_TYPE,
    _SET_VILLAGE,
    _SET_DATE,
    _SET_FIELDS,
    _SET_UNIT,
    _SET_AUTHOR,
    _SET_CREATED,
    _SET_UPDATED,
    _SET_REV,
    _SET_BATCH,
) = (
    getattr(Record, name).__set__
    for name in (
        "id",
        "type",
        "village",
        "date",
        "fields",
        "unit",
        "author",
        "created",
        "updated",
        "rev",
        "batch",
    )
)


@dataclass(frozen=True, slots=True)
class NewRecord:
    """A record not yet stored: what an import or a form hands to the store."""

    type: str
    village: str
    date: date
    fields: dict[str, JSONValue]
    unit: str


@dataclass(frozen=True, slots=True)
class Return:
    """A unit's quarterly return (季度报表); a zero report when nothing happened."""

    unit: str
    quarter: Quarter
    filed_at: str
    actor: str


@dataclass(frozen=True, slots=True)
class Decision:
    """The quarterly meeting's verdict on one cell, which wins over the data."""

    quarter: Quarter
    village: str
    criterion: str
    passed: bool
    reason: str
    actor: str
    at: str


@dataclass(frozen=True, slots=True)
class ImportBatch:
    """One imported file: what it was, what it stored and replaced, who imported it and when.

    `replaced` maps a record id to the stored document the import replaced, so that undoing
    the batch can put it back; `undone` holds when, by whom and why it was undone.
    """

    id: int
    file: str
    sha256: str
    record_type: str
    rows: int
    actor: str
    at: str
    added: tuple[int, ...] = ()
    replaced: dict[int, dict[str, JSONValue]] = field(default_factory=dict)
    encoding: str | None = None
    sheet: str | None = None
    undone: dict[str, str] | None = None

    def to_doc(self) -> dict[str, JSONValue]:
        return {
            "file": self.file,
            "sha256": self.sha256,
            "record_type": self.record_type,
            "rows": self.rows,
            "actor": self.actor,
            "at": self.at,
            "added": id_runs(self.added),
            "replaced": {str(k): v for k, v in self.replaced.items()},
            "encoding": self.encoding,
            "sheet": self.sheet,
            "undone": self.undone,
        }

    @classmethod
    def from_doc(cls, batch_id: int, doc: dict[str, JSONValue]) -> ImportBatch:
        return cls(
            id=batch_id,
            file=doc["file"],
            sha256=doc["sha256"],
            record_type=doc.get("record_type", ""),
            rows=int(doc.get("rows", 0)),
            actor=doc.get("actor", ""),
            at=doc.get("at", ""),
            added=ids_of_runs(doc.get("added") or ()),
            replaced={int(k): v for k, v in (doc.get("replaced") or {}).items()},
            encoding=doc.get("encoding"),
            sheet=doc.get("sheet"),
            undone=doc.get("undone"),
        )


def id_runs(ids: Iterable[int]) -> list[int | list[int]]:
    """Ids as stored: each run of consecutive ids as [first, last], a lone id as itself.

    An import of half a million rows adds one run, so its batch (kept in the main file
    and its audit entry) stays a few bytes instead of half a million numbers.
    """
    runs: list[int | list[int]] = []
    first = last = None
    for record_id in ids:
        if last is not None and record_id == last + 1:
            last = record_id
            continue
        if first is not None and last is not None:
            runs.append(first if first == last else [first, last])
        first = last = record_id
    if first is not None and last is not None:
        runs.append(first if first == last else [first, last])
    return runs


def ids_of_runs(runs: Iterable[Any]) -> tuple[int, ...]:
    """The ids of stored runs (see id_runs); a plain list of ids reads as itself."""
    out: list[int] = []
    for run in runs:
        if isinstance(run, list):
            out.extend(range(int(run[0]), int(run[1]) + 1))
        else:
            out.append(int(run))
    return tuple(out)
