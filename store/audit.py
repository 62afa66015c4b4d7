"""The audit log: append-only JSON lines chained by sha256 over their canonical (RFC 8785) form.

Entries go to `<store>.d/audit/<YYYY-MM>.jsonl`, one line each. The main file's meta is
authoritative: `audit_seq`, `audit_head` (the last entry's hash), `audit_log` (the file of
the last entry) and `audit_end` (that file's length after it). A commit appends its lines
before the main file lands, so bytes past `audit_end` belong to a commit that never landed
and `trim` cuts them off; a log shorter than `audit_end` has lost entries and is refused.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import orjson
import rfc8785

from store.errors import StoreCorrupt
from store.layout import Layout
from store.storage import fsync_dir, new_token

_SAFE_INT = 2**53 - 1


def canonical(value: Any) -> bytes:
    """The RFC 8785 canonical JSON of value; integers beyond JSON's safe range become strings."""
    return rfc8785.dumps(_safe(orjson.loads(orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS))))


def _safe(value: Any) -> Any:
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return value if -_SAFE_INT <= value <= _SAFE_INT else str(value)
    if isinstance(value, dict):
        return {key: _safe(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_safe(item) for item in value]
    return value


def digest(value: Any) -> str:
    """The sha256 hex digest of value's canonical JSON."""
    return hashlib.sha256(canonical(value)).hexdigest()


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One audited change: who, when, what action on which target, before and after."""

    seq: int
    at: str
    actor: str
    action: str
    target: str
    before: Any
    after: Any
    prev: str
    hash: str

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> AuditEntry:
        return cls(
            seq=int(doc["seq"]),
            at=str(doc["at"]),
            actor=str(doc["actor"]),
            action=str(doc["action"]),
            target=str(doc["target"]),
            before=doc.get("before"),
            after=doc.get("after"),
            prev=str(doc["prev"]),
            hash=str(doc["hash"]),
        )

    def to_doc(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "at": self.at,
            "actor": self.actor,
            "action": self.action,
            "target": self.target,
            "before": self.before,
            "after": self.after,
            "prev": self.prev,
            "hash": self.hash,
        }

    @property
    def villages(self) -> frozenset[str]:
        """The village codes the entry concerns: its target's parts and its records' villages."""
        found = set(self.target.split(":"))
        for side in (self.before, self.after):
            if isinstance(side, dict):
                if isinstance(side.get("village"), str):
                    found.add(side["village"])
                if isinstance(side.get("code"), str):
                    found.add(side["code"])
                found.update(v for v in side.get("villages") or () if isinstance(v, str))
        return frozenset(found)

    @property
    def moment(self) -> datetime | None:
        try:
            return datetime.fromisoformat(self.at)
        except ValueError:
            return None


def chain(pending: list[dict[str, Any]], seq: int, head: str) -> list[bytes]:
    """The log lines of pending entries, numbered after seq and chained after head."""
    lines: list[bytes] = []
    for entry in pending:
        seq += 1
        body = {**entry, "seq": seq, "prev": head}
        head = digest(body)
        lines.append(canonical({**body, "hash": head}) + b"\n")
    return lines


def line_hash(line: bytes) -> str:
    return str(orjson.loads(line)["hash"])


def log_name(today: date, current: str) -> str:
    """The log file for a commit today: this month's, never one older than the current file."""
    name = f"{today:%Y-%m}.jsonl"
    return max(name, current) if current else name


def append(path: Path, offset: int, lines: list[bytes]) -> int:
    """Write lines at offset of path (the end of its last landed entry), fsynced; new length.

    Refuses (StoreCorrupt) a log shorter than offset: entries the main file vouches for are gone.
    """
    created = not path.exists()
    if created and offset > 0:
        raise StoreCorrupt(path, f"the audit log is missing, the store's head says {offset} bytes")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_BINARY", 0), 0o644)
    try:
        size = os.fstat(fd).st_size
        if size < offset:
            raise StoreCorrupt(
                path, f"the audit log is {size} bytes, the store's head says {offset}; entries lost"
            )
        data = b"".join(lines)
        os.ftruncate(fd, offset)
        os.lseek(fd, offset, os.SEEK_SET)
        view = memoryview(data)
        while view:
            written = os.write(fd, view)
            view = view[written:]
        os.fsync(fd)
    finally:
        os.close(fd)
    if created:
        fsync_dir(path.parent)
    return offset + len(data)


def cut_back(path: Path, offset: int) -> None:
    """Undo an append whose commit failed, best effort (trim does it on the next lock anyway)."""
    with contextlib.suppress(OSError):
        os.truncate(path, offset)


def trim(layout: Layout, meta: dict[str, Any]) -> None:
    """Cut log bytes past the landed head; set aside later-month logs of an unlanded commit.

    A later-month log is renamed `<name>.unlanded-<token>` rather than deleted, so a main
    file that lost its audit fields cannot make recovery destroy a log.
    """
    current = str(meta.get("audit_log") or "")
    end = int(meta.get("audit_end") or 0)
    seq = int(meta.get("audit_seq") or 0)
    for path in layout.audit_logs():
        if current and path.name == current:
            with contextlib.suppress(FileNotFoundError):
                if path.stat().st_size > end:
                    os.truncate(path, end)
        elif path.name > current and _first_seq(path) > seq:
            os.replace(path, path.with_name(f"{path.name}.unlanded-{new_token()}"))


def _first_seq(path: Path) -> int:
    """The seq of a log's first entry; 0 when it has none or it does not parse (kept then)."""
    try:
        with open(path, "rb") as handle:
            first = handle.readline()
        return int(orjson.loads(first)["seq"]) if first.strip() else 2**62
    except (OSError, orjson.JSONDecodeError, KeyError, TypeError, ValueError):
        return 0


def read_log(path: Path) -> Iterator[tuple[int, bytes]]:
    """(line number, raw line) of each line of a log, a last line without newline included."""
    with open(path, "rb") as handle:
        yield from enumerate(handle, start=1)


def entries(layout: Layout, meta: dict[str, Any]) -> Iterator[AuditEntry]:
    """The entries the main file's meta vouches for, in order; StoreCorrupt at a bad line.

    Bytes past `audit_end` of the head's log, and later logs, belong to a commit that
    never landed and are not read.
    """
    current = str(meta.get("audit_log") or "")
    end = int(meta.get("audit_end") or 0)
    for path in layout.audit_logs():
        if path.name > current:
            return
        read = 0
        for number, raw in read_log(path):
            read += len(raw)
            if path.name == current and read > end:
                return
            try:
                yield AuditEntry.from_doc(orjson.loads(raw))
            except (orjson.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
                raise StoreCorrupt(path, f"line {number}: {exc}") from None


# The format of schema 1: TinyDB files audit/<day>.json hashed over orjson's sorted-key dump.


def legacy_entries(layout: Layout) -> list[dict[str, Any]]:
    """The entries of the old per-day TinyDB audit files, in sequence order."""
    found: list[dict[str, Any]] = []
    for path in layout.legacy_audit_files():
        try:
            table = orjson.loads(path.read_bytes()).get("audit") or {}
            found.extend(dict(doc) for doc in table.values())
        except (orjson.JSONDecodeError, AttributeError) as exc:
            raise StoreCorrupt(path, f"old audit file: {exc}") from None
    return sorted(found, key=lambda doc: int(doc.get("seq", 0)))


def legacy_head(found: list[dict[str, Any]]) -> tuple[str, bool]:
    """The old chain's last hash, and whether every old link checked out."""
    head, intact = "", True
    for number, doc in enumerate(found, start=1):
        body = {key: value for key, value in doc.items() if key != "hash"}
        expected = hashlib.sha256(
            orjson.dumps(body, option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS)
        ).hexdigest()
        intact = intact and doc.get("seq") == number and doc.get("prev") == head
        intact = intact and doc.get("hash") == expected
        head = str(doc.get("hash", ""))
    return head, intact
