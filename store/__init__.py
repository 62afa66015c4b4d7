"""Persistence of pingan on TinyDB: durable, locked across processes, partitioned by quarter."""

from store.errors import (
    Conflict,
    NotFound,
    Refused,
    SchemaTooNew,
    StoreBusy,
    StoreCorrupt,
    StoreError,
    StoreMissing,
)
from store.models import Decision, ImportBatch, NewRecord, Record, Return, Village
from store.quarter import Quarter, quarter_range
from store.settings import Settings
from store.store import Store, default_actor
from store.transaction import Transaction, now_text
from store.window import QuarterWindow

__all__ = [
    "Conflict",
    "Decision",
    "ImportBatch",
    "NewRecord",
    "NotFound",
    "Quarter",
    "QuarterWindow",
    "Record",
    "Refused",
    "Return",
    "SchemaTooNew",
    "Settings",
    "Store",
    "StoreBusy",
    "StoreCorrupt",
    "StoreError",
    "StoreMissing",
    "Transaction",
    "Village",
    "default_actor",
    "now_text",
    "quarter_range",
]
