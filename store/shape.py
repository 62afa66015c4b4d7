"""The shape a main file must have before anything reads it: tables of documents, typed meta."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from store.errors import StoreCorrupt

TABLES = ("meta", "settings", "villages", "returns", "decisions", "users")
_INT_META = ("schema", "next_record_id", "revision", "audit_seq", "audit_end")
_TEXT_META = ("audit_head", "audit_log", "last_commit")


def check_main(path: Path, data: dict[str, Any]) -> dict[str, Any]:
    """Return data if it has the main file's shape; else StoreCorrupt naming what is wrong."""
    for name in TABLES:
        table = data.get(name)
        if table is None:
            continue
        if not isinstance(table, dict):
            raise StoreCorrupt(path, f"table {name!r} is {type(table).__name__}, not an object")
        for key, doc in table.items():
            if not isinstance(doc, dict):
                raise StoreCorrupt(path, f"table {name!r}, document {key}: not an object")
    meta = (data.get("meta") or {}).get("1") or {}
    for key in _INT_META:
        value = meta.get(key)
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, int) or value < 0
        ):
            raise StoreCorrupt(path, f"meta {key} is {value!r}, not a whole number")
    for key in _TEXT_META:
        value = meta.get(key)
        if value is not None and not isinstance(value, str):
            raise StoreCorrupt(path, f"meta {key} is {value!r}, not text")
    accounts = meta.get("accounts")
    if accounts is not None and not isinstance(accounts, bool):
        raise StoreCorrupt(path, f"meta accounts is {accounts!r}, not true or false")
    for key in ("snapshot_sha256", "partition_sha256"):
        hashes = meta.get(key)
        if hashes is not None and not isinstance(hashes, dict):
            raise StoreCorrupt(path, f"meta {key} is {hashes!r}, not an object")
    return data


def main_meta(path: Path, data: dict[str, Any] | None) -> dict[str, Any]:
    """The meta document of a parsed main file (empty when there is none), shape-checked."""
    if data is None:
        return {}
    return dict((check_main(path, data).get("meta") or {}).get("1") or {})
