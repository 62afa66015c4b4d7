"""Parsed store files kept in memory and reloaded only when the file on disk changes."""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Callable
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
        try:
            for raw_id, doc in (data.get("records") or {}).items():
                record = Record.from_doc(int(raw_id), doc)
                part.by_id[record.id] = record
                part.by_village_type[(record.village, record.type)].append(record)
                part.by_type[record.type].append(record)
        except (KeyError, TypeError, ValueError) as exc:
            raise StoreCorrupt(path, f"bad record: {exc!r}") from None
        return part
