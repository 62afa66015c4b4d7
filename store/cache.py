"""Parsed store files kept in memory and reloaded only when the file on disk changes."""

from __future__ import annotations

import gc
import os
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar

from store.errors import StoreCorrupt
from store.models import Record
from store.storage import read_object

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
        part = cls()
        by_id, by_village_type, by_type = part.by_id, part.by_village_type, part.by_type
        from_doc = Record.from_doc
        try:
            with _no_cyclic_gc():
                for raw_id, doc in (data.get("records") or {}).items():
                    record = from_doc(int(raw_id), doc)
                    by_id[record.id] = record
                    by_village_type[(record.village, record.type)].append(record)
                    by_type[record.type].append(record)
        except (KeyError, TypeError, ValueError) as exc:
            raise StoreCorrupt(path, f"bad record: {exc!r}") from None
        return part

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


@contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """Keep the cyclic collector out while building many acyclic objects.

    Records hold no cycles, yet each collection of the youngest generations walks all of
    them again: on a county store's 300,000 records that was a third of reading them.
    """
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()
