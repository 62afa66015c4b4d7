"""Backing the store up and restoring it: office-only, since a backup holds everything."""

from __future__ import annotations

from pathlib import Path

from plugins.actions.context import ActionContext, audited
from plugins.i18n import Text
from store import RestoreResult, backup_to, restore


@audited
def backup_store(ctx: ActionContext, target: Path | None = None) -> Path:
    """Back the store up into target (one zip file), else into its rotating backups folder."""
    ctx.require(None, Text("备份数据库", "back up the store"))
    if target is None:
        return ctx.store.backup("manual")
    return backup_to(ctx.store, target)


@audited
def restore_store(ctx: ActionContext, backup: Path) -> RestoreResult:
    """Bring a verified backup back, setting the current store aside (never deleting it)."""
    ctx.require(None, Text("从备份恢复数据库", "restore the store from a backup"))
    return restore(ctx.store, backup)
