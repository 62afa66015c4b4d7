"""A big import's records written outside the store's lock, then moved in by one commit.

An import stages in a folder of its own, `<store>.d/staging/<token>/`, where no reader
looks: while its rows are checked, each record's document is appended to a spool file of
its quarter (one JSON line each; nothing is held in memory but counts). Once every row
passed, ids are reserved under a short lock (`Transaction.reserve_record_ids`: the
counter moves past them, so a save from another process numbers its records after
them), and the spools are turned into the record blocks those ids fall in, each written
and fsynced as `staging/<token>/<quarter>/<block>.json`. The commit, under the lock, only
moves those files into `records/` in the journal's all-or-nothing commit (`moves`), with
the batch and audit entry in the main file: it holds the lock for renames, not for
writing the records.

The folder is owned through `staging/<token>.lock`, held by the importing process for as
long as it lives: a folder whose lock is free belongs to a dead process and is swept by the
next `recover` (or, when its token is the one the main file landed with, its remaining
files are moved in: the commit landed and only its renames were cut). A block the import
shares with records stored already (the first of the reserved ids may continue a block)
is not moved but merged into the stored block under the lock.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import filelock
import orjson

from store.layout import BLOCK_RECORDS, Layout
from store.quarter import Quarter
from store.storage import fsync_dir, new_token, replace

_WRITERS = 4
"""Threads the staged blocks are written and fsynced from: the disk flushes several at once."""
SPOOL = "spool"
"""The sub-folder of a staging folder holding the per-quarter spool files."""


@dataclass(frozen=True, slots=True)
class StagedBlock:
    """One record block written in staging: where it goes, its ids and its bytes' sha256."""

    quarter: Quarter
    source: Path
    target: Path
    first: int
    last: int
    sha256: str


@dataclass(frozen=True, slots=True)
class StagedRecords:
    """What a commit needs of a staged import: its blocks, id range per quarter, villages."""

    token: str
    blocks: tuple[StagedBlock, ...]
    ranges: dict[Quarter, tuple[int, int]]
    villages: frozenset[str]

    @property
    def count(self) -> int:
        return sum(last - first + 1 for first, last in self.ranges.values())

    @property
    def ids(self) -> range:
        """Every id given, one run: the quarters' ranges follow each other."""
        if not self.ranges:
            return range(0)
        firsts = [first for first, _ in self.ranges.values()]
        lasts = [last for _, last in self.ranges.values()]
        return range(min(firsts), max(lasts) + 1)


class Staging:
    """A staging folder of one import, owned by this process until `close`."""

    def __init__(self, layout: Layout) -> None:
        self.layout = layout
        self.token = new_token()
        root = layout.staging_dir
        root.mkdir(parents=True, exist_ok=True)
        self._lock = filelock.FileLock(str(root / f"{self.token}.lock"), timeout=0)
        self._lock.acquire()
        self.folder = root / self.token
        (self.folder / SPOOL).mkdir(parents=True)
        self._spools: dict[Quarter, IO[bytes]] = {}
        self.counts: dict[Quarter, int] = {}
        self.villages: set[str] = set()

    def add(self, quarter: Quarter, doc: dict[str, Any]) -> None:
        """Spool a new record's document under its quarter."""
        spool = self._spools.get(quarter)
        if spool is None:
            spool = open(self.folder / SPOOL / f"{quarter}.jsonl", "wb")  # noqa: SIM115
            self._spools[quarter] = spool
        spool.write(orjson.dumps(doc, option=orjson.OPT_SORT_KEYS | orjson.OPT_APPEND_NEWLINE))
        self.counts[quarter] = self.counts.get(quarter, 0) + 1
        self.villages.add(doc["village"])

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def write_blocks(self, start: int, batch_id: int) -> StagedRecords:
        """Number the spooled records from start, quarter by quarter, into block files.

        Each document gets the batch's id; each block file is written and fsynced before
        this returns, so a commit only renames them.
        """
        for spool in self._spools.values():
            spool.close()
        blocks: list[StagedBlock] = []
        ranges: dict[Quarter, tuple[int, int]] = {}
        next_id = start
        stamp = f',"batch":{batch_id}'.encode()
        with ThreadPoolExecutor(max_workers=_WRITERS, thread_name_prefix="pingan-stage") as pool:
            writing: list[Future[None]] = []
            for quarter in sorted(self.counts):
                first = next_id
                spool_path = self.folder / SPOOL / f"{quarter}.jsonl"
                with open(spool_path, "rb") as spool:
                    for number, lines in _blocks_of(spool, first):
                        source = self.folder / str(quarter) / f"{number:05d}.json"
                        target = self.layout.block(quarter, number * BLOCK_RECORDS)
                        data = _block_bytes(lines, stamp)
                        low, high = lines[0][0], lines[-1][0]
                        digest = hashlib.sha256(data).hexdigest()
                        blocks.append(StagedBlock(quarter, source, target, low, high, digest))
                        next_id = high + 1
                        writing.append(pool.submit(_write_synced, source, data))
                        if len(writing) >= 2 * _WRITERS:
                            writing.pop(0).result()
                ranges[quarter] = (first, next_id - 1)
                spool_path.unlink()
            for future in writing:
                future.result()
        for folder in {block.source.parent for block in blocks}:
            fsync_dir(folder)
        return StagedRecords(self.token, tuple(blocks), ranges, frozenset(self.villages))

    def close(self) -> None:
        """Remove the staging folder (whatever the commit did not move) and let go of it."""
        for spool in self._spools.values():
            spool.close()
        shutil.rmtree(self.folder, ignore_errors=True)
        lock_path = Path(self._lock.lock_file)
        self._lock.release()
        with contextlib.suppress(OSError):
            lock_path.unlink()


def _blocks_of(spool: IO[bytes], first: int) -> Iterator[tuple[int, list[tuple[int, bytes]]]]:
    """The spool's lines numbered from first, grouped by the block their id falls in."""
    current: list[tuple[int, bytes]] = []
    number = first // BLOCK_RECORDS
    record_id = first
    for line in spool:
        if record_id // BLOCK_RECORDS != number and current:
            yield number, current
            current = []
            number = record_id // BLOCK_RECORDS
        current.append((record_id, line.rstrip(b"\n")))
        record_id += 1
    if current:
        yield number, current


def _block_bytes(lines: list[tuple[int, bytes]], stamp: bytes) -> bytes:
    """A block file `{"records":{"<id>":doc,...}}`, ids in the order storage.dumps sorts them.

    Each spooled document (a JSON object) gets the batch's id as its last key.
    """
    parts = [
        b'"%d":%s%s}' % (record_id, doc[:-1], stamp)
        for record_id, doc in sorted(lines, key=lambda pair: str(pair[0]))
    ]
    return b'{"records":{' + b",".join(parts) + b"}}"


def _write_synced(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def dead_folders(layout: Layout) -> list[Path]:
    """Staging folders (and lock files) whose owner is gone: their lock is free."""
    root = layout.staging_dir
    try:
        entries = sorted(os.scandir(root), key=lambda e: e.name)
    except FileNotFoundError:
        return []
    names = {entry.name.removesuffix(".lock") for entry in entries}
    dead: list[Path] = []
    for name in sorted(names):
        lock = filelock.FileLock(str(root / f"{name}.lock"), timeout=0)
        try:
            lock.acquire()
        except filelock.Timeout:
            continue
        lock.release()
        dead.append(root / name)
    return dead


def sweep(layout: Layout, landed_token: str | None) -> bool:
    """Remove the staging folders of dead imports; True if one of them is finished instead.

    The folder named by landed_token (the token of the commit the main file belongs to)
    is a commit that landed with renames left undone: they are done now.
    """
    finished = False
    for folder in dead_folders(layout):
        if landed_token and folder.name == landed_token and folder.is_dir():
            moved = _finish(layout, folder)
            finished = finished or moved
        shutil.rmtree(folder, ignore_errors=True)
        with contextlib.suppress(OSError):
            folder.with_name(f"{folder.name}.lock").unlink()
    return finished


def _finish(layout: Layout, folder: Path) -> bool:
    """Move a landed commit's staged blocks still in its folder to their places.

    A block whose place is taken is left: the commit merged it into a stored block (its
    file stays in staging), or moved it already. The commit moves a block only to a place
    that was free under its lock, and none of its ids can be stored by anyone else.
    """
    moved = False
    for quarter_dir in sorted(p for p in folder.iterdir() if p.is_dir() and p.name != SPOOL):
        for block in sorted(quarter_dir.glob("*.json")):
            target = layout.records_dir / quarter_dir.name / block.name
            if target.exists():
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            replace(block, target)
            fsync_dir(target.parent)
            moved = True
    return moved
