"""Schema versions of the store and the steps that upgrade an older one.

Schema 2 moved the audit trail from per-day TinyDB files (`audit/<day>.json`,
rewritten on each save) to append-only JSON lines (`audit/<YYYY-MM>.jsonl`) hashed
over RFC 8785 canonical JSON, and saves a sha256 of each snapshot in the meta.

Schema 3 split each quarter's one partition file (`records/<quarter>.json`, rewritten
whole by every save: 7 MB a quarter for a county) into blocks of ids
(`records/<quarter>/<block>.json`, see store.layout), so a save rewrites one block.

Schema 4 moved the villages out of the main file into `villages.json` (vouched for by
its sha256 in the meta): every save rewrites the main file, and a county's two thousand
villages were nine tenths of it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from tinydb.table import Document

from store import audit
from store.errors import StoreCorrupt
from store.layout import BLOCK_RECORDS, block_name, block_number
from store.storage import read_object

if TYPE_CHECKING:
    from store.transaction import Transaction

CURRENT_SCHEMA = 4

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
        for _, path in tx.layout.legacy_partitions()
    }
    partitions.update(_block_hashes(tx))
    tx.set_meta(snapshot_sha256=hashes, partition_sha256=partitions)


def _block_hashes(tx: Transaction) -> dict[str, str]:
    """The sha256 of every record block on disk (the commit vouches anew for those it writes)."""
    return {
        block_name(path): hashlib.sha256(path.read_bytes()).hexdigest()
        for _, path in tx.layout.record_partitions()
    }


def _split_partitions(tx: Transaction) -> None:
    """Move every record of the one-file quarters into its block, the old files deleted.

    Each old file's sha256 is checked against the meta first (a tampered file is refused,
    not carried over); the audit entry names each file with its hash and record count, and
    the store's backup taken before the migration keeps the old files.
    """
    hashes = dict(tx.meta().get("partition_sha256") or {})
    moved: dict[str, dict[str, Any]] = {}
    for quarter, path in tx.layout.legacy_partitions():
        raw = path.read_bytes()
        sha256 = hashlib.sha256(raw).hexdigest()
        want = hashes.get(path.stem)
        if want is not None and want != sha256:
            raise StoreCorrupt(path, "content differs from the hash of its last save (altered)")
        records = dict((read_object(path) or {}).get("records") or {})
        by_block: dict[int, list[Document]] = {}
        for raw_id, doc in records.items():
            record_id = int(raw_id)
            by_block.setdefault(block_number(record_id), []).append(Document(doc, doc_id=record_id))
        for docs in by_block.values():
            tx.records_table(quarter, docs[0].doc_id).insert_multiple(docs)
        tx.remove_file(path)
        moved[path.name] = {"sha256": sha256, "records": len(records)}
    tx.set_meta(partition_sha256=_block_hashes(tx))
    if not moved:
        return
    tx.audit(
        "records.split",
        "records",
        {"layout": "quarter-file", "files": moved},
        {"layout": "quarter-blocks", "block_records": BLOCK_RECORDS},
    )


def _villages_apart(tx: Transaction) -> None:
    """Move the villages table of the main file into the village list file, ids kept."""
    docs = [Document(dict(doc), doc_id=doc.doc_id) for doc in tx.table("villages").all()]
    if not docs:
        return
    tx.villages_table().insert_multiple(docs)
    tx.db(tx.layout.main).drop_table("villages")
    tx.audit(
        "villages.move",
        "villages",
        {"file": tx.layout.main.name, "villages": len(docs)},
        {"file": tx.layout.villages.name, "villages": len(docs)},
    )


# MIGRATIONS[n] upgrades a store at schema n to n + 1, inside one transaction.
MIGRATIONS: dict[int, Callable[[Transaction], None]] = {
    1: _audit_to_log,
    2: _split_partitions,
    3: _villages_apart,
}
