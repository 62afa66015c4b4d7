"""Errors the store raises; each names the file or the thing it refused."""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple


class Message(NamedTuple):
    """A message in Chinese and English, rendered by the CLI or the TUI in the user's language."""

    zh: str
    en: str

    def get(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh


class StoreError(Exception):
    """Base class of every store error; `message` holds both languages where one was given."""

    def __init__(self, text: str | Message = "") -> None:
        self.message = text if isinstance(text, Message) else Message(str(text), str(text))
        super().__init__(self.message.en)


def _backup_hint(backup: Path | None) -> Message:
    if backup is None:
        return Message("；没有找到备份", "; no backup found")
    return Message(
        f"；最近的完好备份：{backup}（可用 restore 恢复）",
        f"; newest good backup: {backup} (restore brings it back)",
    )


class StoreCorrupt(StoreError):
    """A store file that does not parse or has the wrong shape; it is left exactly as found."""

    def __init__(self, path: Path, detail: str, backup: Path | None = None) -> None:
        self.path = path
        self.detail = detail
        self.backup = backup
        hint = _backup_hint(backup)
        super().__init__(
            Message(
                f"{path}：无法读取（{detail}）；文件未被改动{hint.zh}",
                f"{path}: unreadable ({detail}); the file was not changed{hint.en}",
            )
        )


class StoreOrphaned(StoreError):
    """The main file is gone while its folder of partitions remains: a store without its head."""

    def __init__(self, path: Path, found: list[str], backup: Path | None = None) -> None:
        self.path = path
        self.found = found
        self.backup = backup
        listing = ", ".join(found)
        hint = _backup_hint(backup)
        super().__init__(
            Message(
                f"{path}：主文件不见了，但它的数据还在（{listing}）；不会在旁边新建数据库。"
                f"请从备份恢复，或先把 {path}.d 移走再新建{hint.zh}",
                f"{path}: the main file is missing but its data remains ({listing}); "
                f"no new store is made beside it. Restore a backup, or move {path}.d away "
                f"to start afresh{hint.en}",
            )
        )


class StoreFull(StoreError):
    """The disk refused a write (full, over quota or failing); nothing of the change was stored."""

    def __init__(self, path: Path, cause: OSError) -> None:
        self.path = path
        self.cause = cause
        reason = cause.strerror or str(cause)
        super().__init__(
            Message(
                f"{path}：磁盘写入失败（{reason}）；这次修改没有保存，原有数据完好",
                f"{path}: the disk refused the write ({reason}); nothing of this change was "
                "stored and the old data is intact",
            )
        )


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


class BackupRefused(StoreError):
    """A backup that cannot be restored: unreadable, not a pingan backup, or failing verify."""
