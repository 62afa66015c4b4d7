"""Importing a file of villages or records: every row checked, then all stored or none."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from plugins.actions.context import ActionContext, audited, writing
from plugins.i18n import Text
from plugins.importing import parse_records, parse_villages, read_table, record_type
from store import Quarter


@dataclass(frozen=True, slots=True)
class VillageImport:
    """What a village import stored: how many villages were added and how many updated."""

    added: int
    updated: int


@dataclass(frozen=True, slots=True)
class RecordImport:
    """What a record import stored: how many records went into each quarter, oldest first."""

    record_type: str
    counts: dict[Quarter, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@audited
def import_villages(ctx: ActionContext, path: Path) -> VillageImport:
    """Read, validate and upsert every village of the file in one transaction, or nothing."""
    ctx.require(None, Text("导入村名单", "import villages"))
    table = read_table(ctx.host.registry, path)
    existing = {v.code: v for v in ctx.store.villages(active_only=False)}
    villages = parse_villages(path, table, existing)
    with writing(), ctx.store.transaction(ctx.actor.name) as tx:
        for village in villages:
            tx.put_village(village)
    added = sum(1 for v in villages if v.code not in existing)
    return VillageImport(added, len(villages) - added)


@audited
def import_records(ctx: ActionContext, path: Path, type_name: str) -> RecordImport:
    """Read, validate and store every record of the file in one transaction, or nothing."""
    rtype = record_type(ctx.host.registry, type_name)
    ctx.require(rtype.unit, Text(f"导入 {rtype.name} 记录", f"import {rtype.name} records"))
    table = read_table(ctx.host.registry, path)
    known = {v.code for v in ctx.store.villages(active_only=False)}
    records = parse_records(path, table, rtype, known, ctx.store.is_locked)
    if records:
        with writing(), ctx.store.transaction(ctx.actor.name) as tx:
            tx.add_records(records, note=f"import {path.name}")
    counts: dict[Quarter, int] = {}
    for record in records:
        quarter = Quarter.of(record.date)
        counts[quarter] = counts.get(quarter, 0) + 1
    return RecordImport(rtype.name, dict(sorted(counts.items())))
