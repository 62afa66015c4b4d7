"""Parsed store files kept in memory and reloaded only when the file on disk changes."""

from __future__ import annotations

import gc
import os
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Generic, TypeVar

import orjson

from store.errors import StoreCorrupt
from store.models import Record
from store.storage import dumps, read_object

T = TypeVar("T")
FileKey = tuple[int, int, int]


def file_key(path: Path) -> FileKey | None:
    """What identifies one version of a file: inode, mtime and size (None if absent)."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return (st.st_ino, st.st_mtime_ns, st.st_size)


@dataclass(slots=True)
class _Entry(Generic[T]):
    key: FileKey | None
    value: T


class FileCache(Generic[T]):
    """Maps a path to a value built from its JSON, rebuilt when (inode, mtime, size) moves."""

    def __init__(self, build: Callable[[Path, dict[str, Any]], T]) -> None:
        self._build = build
        self._entries: dict[Path, _Entry[T]] = {}

    def get(self, path: Path) -> T:
        key = file_key(path)
        entry = self._entries.get(path)
        if entry is not None and entry.key == key:
            return entry.value
        data = read_object(path) if key is not None else None
        value = self._build(path, data or {})
        self._entries[path] = _Entry(key, value)
        return value

    def put(self, path: Path, value: T) -> None:
        """Keep value for the version of path on disk now: what the writer, holding the
        lock, knows it just wrote, so no reader parses the file again to learn it."""
        self._entries[path] = _Entry(file_key(path), value)

    def cached(self, path: Path, key: FileKey | None) -> T | None:
        """The value kept for the version of path identified by key, without reading anything."""
        entry = self._entries.get(path)
        if entry is None or key is None or entry.key != key:
            return None
        return entry.value

    def fresh(self, path: Path) -> T | None:
        """The value kept for the version of path on disk now, or None: never parses the file."""
        return self.cached(path, file_key(path))


@dataclass(slots=True)
class Partition:
    """The records of one quarter, indexed by id and by (village, type)."""

    by_id: dict[int, Record] = field(default_factory=dict)
    by_village_type: dict[tuple[str, str], list[Record]] = field(
        default_factory=lambda: defaultdict(list)
    )
    by_type: dict[str, list[Record]] = field(default_factory=lambda: defaultdict(list))

    @classmethod
    def build(cls, path: Path, data: dict[str, Any]) -> Partition:
        # one object per distinct text or day: a block's records share their type, unit,
        # author and stamps, and a quarter has ninety days
        same: dict[Any, Any] = {}
        days: dict[str, date] = {}
        from_doc = Record.from_doc
        part = cls()
        by_id, by_village_type, by_type = part.by_id, part.by_village_type, part.by_type
        try:
            with no_cyclic_gc():
                for raw_id, doc in (data.get("records") or {}).items():
                    record = from_doc(int(raw_id), doc, same, days)
                    by_id[record.id] = record
                    by_village_type[(record.village, record.type)].append(record)
                    by_type[record.type].append(record)
        except (KeyError, TypeError, ValueError) as exc:
            raise StoreCorrupt(path, f"bad record: {exc!r}") from None
        return part

    @classmethod
    def of_records(cls, records: Iterable[Record]) -> Partition:
        """The partition of records, indexed in the order given."""
        part = cls()
        by_id, by_village_type, by_type = part.by_id, part.by_village_type, part.by_type
        for record in records:
            by_id[record.id] = record
            by_village_type[(record.village, record.type)].append(record)
            by_type[record.type].append(record)
        return part

    def changed(self, table: dict[str, Any], ids: Iterable[int], limit: int) -> Partition | None:
        """The partition of a block's new records table, built from this one (its version
        before) by parsing only the documents of ids and of ids this one lacks.

        What Partition.build gives for the file written from table, at the cost of the
        few records a save changed instead of the thousand of its block; None when more
        than limit documents would be parsed (an import), and parsing the file when it
        is next read costs no more. The documents are copied through the store's
        serialiser, so no Record shares a dict with the caller that saved it and every
        value reads back as from the file.
        """
        before = self.by_id
        redo = set(ids)
        added = sorted((key for key in table if int(key) not in before), key=str)
        edited = sorted((str(i) for i in redo if i in before and str(i) in table), key=str)
        if len(added) + len(edited) > limit:
            return None
        fresh = {
            int(key): Record.from_doc(int(key), orjson.loads(dumps(table[key])))
            for key in (*added, *edited)
        }
        removed = len(before) + len(added) - len(table)
        last = str(next(reversed(before))) if before else ""
        if not edited and not removed and (not added or added[0] > last):
            return self._appended([fresh[int(key)] for key in added])
        # the file's order: its keys are written sorted
        return Partition.of_records(
            fresh[record_id] if record_id in fresh else before[record_id]
            for record_id in (int(key) for key in sorted(table, key=str))
        )

    def _appended(self, records: list[Record]) -> Partition:
        """This partition with records after its own: its lists are shared, never changed."""
        out = Partition(
            dict(self.by_id),
            defaultdict(list, self.by_village_type),
            defaultdict(list, self.by_type),
        )
        for record in records:
            out.by_id[record.id] = record
            key = (record.village, record.type)
            out.by_village_type[key] = [*out.by_village_type.get(key, ()), record]
            out.by_type[record.type] = [*out.by_type.get(record.type, ()), record]
        return out

    @classmethod
    def merge(cls, parts: Sequence[Partition]) -> Partition:
        """One partition holding the records of parts, in their order (a quarter's blocks)."""
        if len(parts) == 1:
            return parts[0]
        merged = cls()
        for part in parts:
            merged.by_id.update(part.by_id)
            for key, records in part.by_village_type.items():
                merged.by_village_type[key].extend(records)
            for name, records in part.by_type.items():
                merged.by_type[name].extend(records)
        return merged

    @classmethod
    def merge_changed(
        cls, merged: Partition, before: Sequence[Partition], after: Sequence[Partition]
    ) -> Partition:
        """merge(after), made from merge(before) by redoing only what the changed blocks touch.

        A save changes one block of a quarter's dozens: this costs that block's records and
        a copy of the indexes, not a rebuild of every record list of the quarter.
        """
        changed = [i for i, (a, b) in enumerate(zip(before, after, strict=True)) if a is not b]
        out = cls(dict(merged.by_id), defaultdict(list, merged.by_village_type), defaultdict(list))
        keys: set[tuple[str, str]] = set()
        types: set[str] = set()
        for i in changed:
            for record_id in before[i].by_id:
                out.by_id.pop(record_id, None)
            out.by_id.update(after[i].by_id)
            for part in (before[i], after[i]):
                keys.update(part.by_village_type)
                types.update(part.by_type)
        for key in keys:
            records = [r for part in after for r in part.by_village_type.get(key, ())]
            if records:
                out.by_village_type[key] = records
            else:
                out.by_village_type.pop(key, None)
        for name, records in merged.by_type.items():
            if name not in types:
                out.by_type[name] = records
        for name in types:
            joined = [r for part in after for r in part.by_type.get(name, ())]
            if joined:
                out.by_type[name] = joined
        return out


@contextmanager
def no_cyclic_gc() -> Iterator[None]:
    """Keep the cyclic collector out while building many acyclic objects.

    Records, rows and documents hold no cycles, yet the collector walks them again and
    again as they pile up: on a county store's 300,000 records that was a third of reading
    them, and most of the time an import of 500,000 rows held the lock.
    """
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()
