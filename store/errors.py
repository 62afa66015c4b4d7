"""Errors the store raises; each names the file or the thing it refused."""

from __future__ import annotations

from pathlib import Path


class StoreError(Exception):
    """Base class of every store error."""


class StoreCorrupt(StoreError):
    """A store file that does not parse; it is left exactly as found."""

    def __init__(self, path: Path, detail: str, backup: Path | None = None) -> None:
        self.path = path
        self.detail = detail
        self.backup = backup
        hint = f"; newest good backup: {backup}" if backup else "; no backup found"
        super().__init__(f"{path}: unreadable ({detail}); the file was not changed{hint}")


class StoreBusy(StoreError):
    """Another process held the store's lock for longer than the timeout."""


class StoreMissing(StoreError):
    """No store at the path; `pingan init` or `pingan demo` creates one."""


class SchemaTooNew(StoreError):
    """The store was written by a newer pingan than this one."""


class NotFound(StoreError):
    """A village, record or other item that does not exist."""


class Conflict(StoreError):
    """Someone else changed the item since it was read (its revision moved)."""


class Refused(StoreError):
    """A write the store will not make, with the reason (duplicate code, locked quarter...)."""
