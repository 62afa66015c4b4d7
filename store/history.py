"""Earlier quarters' records of one type, read from the blocks without building the others.

A grid's checks read history of one or two record types (hazards for G5), while three years of
a county hold some 300,000 records of nine types: building every one of them to hand a check
its hazards cost more than parsing the files, and was most of the time to the first grid.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from store.cache import FileKey, Partition, file_key
from store.errors import StoreCorrupt
from store.models import Record
from store.storage import read_object

ByVillage = dict[str, tuple[Record, ...]]
"""One record type's records by village code, each village's in the blocks' order."""


class TypedHistory:
    """Records of one type per block version, and per quarter's blocks grouped by village.

    A block already parsed whole (the store's partition cache, through `cached`, for the
    version on disk) gives its records as they are; any other block is parsed and only the
    documents of the type asked become records, kept for that version of the file. Safe to
    call from several threads.
    """

    def __init__(self, cached: Callable[[Path, FileKey | None], Partition | None]) -> None:
        self._cached = cached
        self._lock = threading.Lock()
        self._blocks: dict[Path, tuple[FileKey | None, dict[str, tuple[Record, ...]]]] = {}
        self._runs: dict[
            tuple[tuple[Path, ...], str], tuple[tuple[FileKey | None, ...], ByVillage]
        ] = {}

    def by_village(self, quarters: Sequence[Sequence[Path]], record_type: str) -> list[ByVillage]:
        """The records of record_type in each quarter's blocks (paths), in their order, by
        village; a quarter is grouped again only when one of its blocks changed on disk."""
        with self._lock:
            return [self._quarter(tuple(paths), record_type) for paths in quarters]

    def _quarter(self, paths: tuple[Path, ...], record_type: str) -> ByVillage:
        keys = tuple(file_key(p) for p in paths)
        run = (paths, record_type)
        kept = self._runs.get(run)
        if kept is not None and kept[0] == keys:
            return kept[1]
        grouped: defaultdict[str, list[Record]] = defaultdict(list)
        for path, key in zip(paths, keys, strict=True):
            for record in self._of_block(path, key, record_type):
                grouped[record.village].append(record)
        result = {village: tuple(records) for village, records in grouped.items()}
        self._runs[run] = (keys, result)
        return result

    def _of_block(self, path: Path, key: FileKey | None, record_type: str) -> Sequence[Record]:
        part = self._cached(path, key)
        if part is not None:
            return part.by_type.get(record_type, ())
        kept_key, types = self._blocks.get(path, (None, {}))
        if kept_key != key:
            types = {}
        found = types.get(record_type)
        if found is None:
            found = types[record_type] = tuple(
                read_records(path, lambda doc: bool(doc["type"] == record_type))
            )
            self._blocks[path] = (key, types)
        return found


def read_records(path: Path, wanted: Callable[[dict[str, Any]], bool]) -> list[Record]:
    """The records of the block at path whose documents wanted accepts, in the file's order
    (none if the file is gone): only those documents become records."""
    same: dict[Any, Any] = {}
    days: dict[str, date] = {}
    try:
        table = (read_object(path) or {}).get("records") or {}
        if not isinstance(table, dict):
            raise TypeError("table records is not an object")
        return [
            Record.from_doc(int(raw_id), doc, same, days)
            for raw_id, doc in table.items()
            if wanted(doc)
        ]
    except (KeyError, TypeError, ValueError) as exc:
        raise StoreCorrupt(path, f"bad record: {exc!r}") from None
