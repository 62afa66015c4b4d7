"""Schema versions of the store and the steps that upgrade an older one.

Schema 2 moved the audit trail from per-day TinyDB files (`audit/<day>.json`,
rewritten on each save) to append-only JSON lines (`audit/<YYYY-MM>.jsonl`) hashed
over RFC 8785 canonical JSON, and saves a sha256 of each snapshot in the meta.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from store import audit
from store.storage import read_object

if TYPE_CHECKING:
    from store.transaction import Transaction

CURRENT_SCHEMA = 2

_ENTRY_KEYS = ("at", "actor", "action", "target", "before", "after")


def _audit_to_log(tx: Transaction) -> None:
    """Carry the old entries into the new log, re-chained; the old files stay as they are.

    The old chain's head and whether it checked out go into an `audit.convert` entry, so
    anyone holding the old head can tie it to the new chain, and verify checks the old
    files still end there.
    """
    if tx.layout.audit_logs():
        return
    old = audit.legacy_entries(tx.layout)
    head, intact = audit.legacy_head(old)
    tx.restart_audit_chain()
    for doc in old:
        tx.carry_audit_entry({key: doc.get(key) for key in _ENTRY_KEYS})
    tx.audit(
        "audit.convert",
        "audit",
        {"format": "tinydb-day", "entries": len(old), "head": head, "intact": intact},
        {"format": "jsonl-rfc8785", "entries": len(old)},
    )
    hashes: dict[str, str] = {}
    if tx.layout.snapshots_dir.is_dir():
        for path in sorted(tx.layout.snapshots_dir.glob("*.json")):
            if ".tmp-" in path.name:
                continue
            snap: Any = ((read_object(path) or {}).get("snapshot") or {}).get("1")
            if isinstance(snap, dict):
                hashes[path.stem] = audit.digest(snap)
    partitions = {
        path.stem: hashlib.sha256(path.read_bytes()).hexdigest()
        for _, path in tx.layout.record_partitions()
    }
    tx.set_meta(snapshot_sha256=hashes, partition_sha256=partitions)


# MIGRATIONS[n] upgrades a store at schema n to n + 1, inside one transaction.
MIGRATIONS: dict[int, Callable[[Transaction], None]] = {1: _audit_to_log}
