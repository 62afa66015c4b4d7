"""Schema versions of the store and the steps that upgrade an older one."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from store.transaction import Transaction

CURRENT_SCHEMA = 1

# MIGRATIONS[n] upgrades a store at schema n to n + 1, inside one transaction.
MIGRATIONS: dict[int, Callable[[Transaction], None]] = {}
