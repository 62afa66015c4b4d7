"""Adding, editing and deleting one record: schema, village, quarter and permission rules."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from plugins.actions.context import ActionContext, audited, writing
from plugins.i18n import Text
from plugins.importing import new_record, record_type
from plugins.refusal import Refusal
from plugins.schema import RecordType
from store import NewRecord, Quarter, Record


@dataclass(frozen=True, slots=True)
class RecordSaved:
    """A record as stored, and the quarters whose data changed (two when a date moved it)."""

    record: Record
    quarters: tuple[Quarter, ...]


@dataclass(frozen=True, slots=True)
class RecordDeleted:
    """The record that was removed (its content stays in the audit log)."""

    record: Record


def checked_record(ctx: ActionContext, type_name: str, values: Mapping[str, Any]) -> NewRecord:
    """Parse values with the record type's schema; a Refusal names the first bad field.

    Every error is in the refusal's message, so a form can still show each beside its field.
    """
    rtype = record_type(ctx.host.registry, type_name)
    known = {v.code for v in ctx.store.villages(active_only=False)}
    clean, errors = rtype.validate(values, known)
    if errors:
        first = errors[0]
        more = [f"{e.field}: {e.message.zh}" for e in errors[1:]]
        more_en = [f"{e.field}: {e.message.en}" for e in errors[1:]]
        raise RecordRefused(
            Text("；".join([first.message.zh, *more]), "; ".join([first.message.en, *more_en])),
            field=first.field,
            errors=errors,
        )
    return new_record(rtype, clean)


class RecordRefused(Refusal):
    """A record whose fields did not pass its schema; `errors` has one entry per bad field."""

    def __init__(self, message: Text, *, field: str, errors: list[Any]) -> None:
        super().__init__(message, field=field)
        self.errors = errors


def _owning_type(ctx: ActionContext, type_name: str) -> RecordType:
    return record_type(ctx.host.registry, type_name)


@audited
def add_record(ctx: ActionContext, type_name: str, values: Mapping[str, Any]) -> RecordSaved:
    """Store a new record of type_name from field values (text or parsed); refused as a whole."""
    rtype = _owning_type(ctx, type_name)
    ctx.require(rtype.unit, Text(f"新增 {rtype.name} 记录", f"add {rtype.name} records"))
    new = checked_record(ctx, type_name, values)
    quarter = Quarter.of(new.date)
    ctx.require_open(quarter)
    with writing(), ctx.store.transaction(ctx.actor.name) as tx:
        record_id = tx.add_records([new])[0]
    stored = ctx.store.record(record_id)
    if stored is None:
        raise Refusal(Text(f"记录 {record_id} 保存后读不到", f"record {record_id} vanished"))
    return RecordSaved(stored, (quarter,))


def _stored(ctx: ActionContext, record_id: int) -> Record:
    record = ctx.store.record(record_id)
    if record is None:
        raise Refusal(Text(f"没有编号为 {record_id} 的记录", f"no record {record_id}"), field="id")
    return record


@audited
def edit_record(
    ctx: ActionContext, record_id: int, values: Mapping[str, Any], *, expected_rev: int
) -> RecordSaved:
    """Replace a record's fields; refused if someone changed it since revision expected_rev."""
    old = _stored(ctx, record_id)
    rtype = _owning_type(ctx, old.type)
    ctx.require(rtype.unit, Text(f"修改 {rtype.name} 记录", f"edit {rtype.name} records"))
    new = checked_record(ctx, old.type, values)
    ctx.require_open(old.quarter)
    ctx.require_open(Quarter.of(new.date))
    with writing(), ctx.store.transaction(ctx.actor.name) as tx:
        updated = tx.update_record(record_id, new, expected_rev=expected_rev)
    return RecordSaved(updated, tuple(sorted({old.quarter, updated.quarter})))


@audited
def delete_record(
    ctx: ActionContext, record_id: int, *, reason: str, expected_rev: int | None = None
) -> RecordDeleted:
    """Remove a record with a reason, kept in the audit log; refused without a reason."""
    old = _stored(ctx, record_id)
    rtype = ctx.host.registry.record_types.get(old.type)
    unit = rtype.unit if rtype is not None else old.unit
    ctx.require(unit, Text(f"删除 {old.type} 记录", f"delete {old.type} records"))
    if not reason.strip():
        raise Refusal(
            Text("删除记录需要写明理由", "deleting a record needs a reason"), field="reason"
        )
    ctx.require_open(old.quarter)
    rev = old.rev if expected_rev is None else expected_rev
    with writing(), ctx.store.transaction(ctx.actor.name) as tx:
        tx.delete_record(record_id, expected_rev=rev, reason=reason.strip())
    return RecordDeleted(old)
