"""Durable file primitives: atomic replace with fsync, and reading a store file back.

TinyDB's own JSONStorage rewrites the file in place and loses everything on a
full disk or a crash; every write here goes to a temp file that replaces the
old one only once it is complete on disk.
"""

from __future__ import annotations

import contextlib
import os
import time
import uuid
from pathlib import Path
from typing import Any

import orjson

from store.errors import StoreCorrupt, StoreError

_REPLACE_RETRIES = 8
# 1 µs: a step NTFS (100 ns) and every POSIX file system with ns times can store.
_MTIME_STEP_NS = 1_000


def fsync_dir(folder: Path) -> None:
    """Flush a folder's entries (a rename) to disk; a no-op where folders cannot be opened."""
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def new_token() -> str:
    """A fresh random name part for temp files: 12 hex digits."""
    return uuid.uuid4().hex[:12]


def write_temp(path: Path, data: bytes, token: str = "") -> Path:
    """Write data to a temp file beside path (named by token), flushed and fsynced; its path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f"{path.name}.tmp-{token or new_token()}")
    try:
        with open(temp, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        _stamp_later(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
    return temp


def _stamp_later(temp: Path, target: Path) -> None:
    """Give temp an mtime later than target's, so each version of a file has a new mtime.

    Readers cache a file by (inode, mtime, size); file systems reuse the inode a replace
    frees, and a coarse clock (one tick is 1-10 ms) can give the next version the same
    mtime, so without this a same-size rewrite could go unseen.
    """
    try:
        previous = os.stat(target).st_mtime_ns
    except FileNotFoundError:
        return
    current = os.stat(temp)
    if current.st_mtime_ns <= previous:
        later = previous + _MTIME_STEP_NS
        os.utime(temp, ns=(current.st_atime_ns, later))


def replace(source: Path, target: Path) -> None:
    """os.replace with backoff, since Windows scanners briefly hold files open."""
    delay = 0.01
    for attempt in range(_REPLACE_RETRIES):
        try:
            os.replace(source, target)
            return
        except PermissionError:
            if attempt == _REPLACE_RETRIES - 1:
                raise StoreError(
                    f"{target}: cannot replace the file (held open by another program?)"
                ) from None
            time.sleep(delay)
            delay *= 2


def atomic_write(path: Path, data: bytes) -> None:
    """Replace path's content with data so that a crash leaves either the old or the new file."""
    temp = write_temp(path, data)
    try:
        replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
    fsync_dir(path.parent)


def dumps(data: Any) -> bytes:
    """Serialise store data: UTF-8 JSON with sorted keys, readable by TinyDB's own JSONStorage."""
    return orjson.dumps(data, option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS)


def read_object(path: Path) -> dict[str, Any] | None:
    """Read a store file's top-level JSON object; None when the file does not exist.

    Our writes never leave an empty file, so one is damage (an interrupted copy, a
    non-atomic writer) and is refused with StoreCorrupt like any other unreadable file.
    """
    try:
        with open(path, "rb") as handle:
            raw = handle.read()
    except FileNotFoundError:
        return None
    if not raw.strip():
        raise StoreCorrupt(path, "the file is empty")
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise StoreCorrupt(path, f"invalid JSON: {exc}") from None
    if not isinstance(data, dict):
        raise StoreCorrupt(path, "top level is not an object")
    return data
