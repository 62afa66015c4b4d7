"""Persistence of pingan on TinyDB: durable, locked across processes, partitioned by quarter."""

from store.audit import AuditEntry
from store.backup import RestoreResult, backup_to, restore
from store.errors import (
    BackupRefused,
    Conflict,
    Message,
    NotFound,
    Refused,
    SchemaTooNew,
    StoreBusy,
    StoreCorrupt,
    StoreError,
    StoreFull,
    StoreMissing,
    StoreOrphaned,
)
from store.models import Decision, ImportBatch, NewRecord, Record, Return, Village
from store.quarter import Quarter, quarter_range
from store.settings import Settings
from store.store import Store, default_actor
from store.transaction import Transaction, now_text
from store.verify import Problem, VerifyReport, verify
from store.window import QuarterWindow

__all__ = [
    "AuditEntry",
    "BackupRefused",
    "Conflict",
    "Decision",
    "Message",
    "ImportBatch",
    "NewRecord",
    "NotFound",
    "Problem",
    "Quarter",
    "QuarterWindow",
    "Record",
    "Refused",
    "RestoreResult",
    "Return",
    "SchemaTooNew",
    "Settings",
    "Store",
    "StoreBusy",
    "StoreCorrupt",
    "StoreError",
    "StoreFull",
    "StoreMissing",
    "StoreOrphaned",
    "Transaction",
    "Village",
    "VerifyReport",
    "backup_to",
    "default_actor",
    "now_text",
    "quarter_range",
    "restore",
    "verify",
]
