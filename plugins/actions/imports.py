"""Importing a file of villages or records, and taking an import back: all stored or none."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from plugins.actions.context import ActionContext, audited, writing
from plugins.i18n import Text, local_time
from plugins.importing import (
    ImportRefused,
    KeyedRows,
    Problem,
    Progress,
    ReadOptions,
    ReadReport,
    Table,
    VillageNames,
    match_natural_keys,
    parse_rows,
    parse_villages,
    read_table,
    read_table_for,
    record_type,
)
from plugins.refusal import Refusal, finalized
from plugins.schema import RecordType
from store import ImportBatch, Quarter, Record, now_text
from store.cache import no_cyclic_gc
from store.transaction import prepare_records


@dataclass(frozen=True, slots=True)
class VillageImport:
    """What a village import stored: how many villages were added and how many updated."""

    added: int
    updated: int


@dataclass(frozen=True, slots=True)
class RecordImport:
    """What a record import stored: records per quarter (oldest first), replaced ones, the batch.

    `encoding` and `sheet` say how the file was read; `notes` anything else worth saying
    (such as another sheet read than the one chosen).
    """

    record_type: str
    counts: dict[Quarter, int]
    batch: int | None = None
    replaced: int = 0
    encoding: str | None = None
    sheet: str | None = None
    notes: tuple[Text, ...] = ()

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True, slots=True)
class ImportPreview:
    """What importing a file would store, without storing it: the rows read and every problem."""

    record_type: str
    columns: list[str]
    rows: list[tuple[int, dict[str, Any]]]
    problems: list[Problem]
    new: int = 0
    replacing: int = 0
    report: ReadReport = field(default_factory=ReadReport)
    earlier: ImportBatch | None = None

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True, slots=True)
class ImportUndone:
    """A batch taken back: the batch as it now stands, records removed and records restored."""

    batch: ImportBatch
    removed: int
    restored: int


@audited
def import_villages(ctx: ActionContext, path: Path) -> VillageImport:
    """Read, validate and upsert every village of the file in one transaction, or nothing."""
    ctx.require(None, Text("导入村名单", "import villages"))
    table = read_table(ctx.host.registry, path)
    existing = {v.code: v for v in ctx.store.villages(active_only=False)}
    villages = parse_villages(path, table, existing)
    with writing(), ctx.store.transaction(ctx.actor.name) as tx:
        tx.put_villages(villages)
    added = sum(1 for v in villages if v.code not in existing)
    return VillageImport(added, len(villages) - added)


def earlier_batch(ctx: ActionContext, digest: str) -> ImportBatch | None:
    """The import batch, not undone, that stored the same content, if any."""
    return next(
        (b for b in ctx.store.import_batches() if b.sha256 == digest and not b.undone), None
    )


def already_imported(path: Path, batch: ImportBatch) -> Problem:
    """Why a file whose content was imported before is refused, naming the earlier batch."""
    when = local_time(batch.at)
    return Problem(
        None,
        "",
        Text(
            f"同样内容已于 {when} 由 {batch.actor} 导入（批次 {batch.id}，{batch.file}，"
            f"{batch.rows} 行）；如确需再导入一次，请在命令行加 --again",
            f"the same content was imported as batch {batch.id} ({batch.file}, {batch.rows} "
            f"rows) by {batch.actor} at {when}; to import it once more, add --again on the "
            "command line",
        ),
    )


def _stored_of_type(ctx: ActionContext, rtype: RecordType) -> list[Record]:
    if not rtype.natural_key:
        return []
    return [r for q in ctx.store.record_quarters() for r in ctx.store.records(q, rtype.name)]


def _plan(
    ctx: ActionContext,
    path: Path,
    rtype: RecordType,
    table: Table,
    *,
    again: bool,
    update: bool,
    progress: Progress | None = None,
) -> tuple[KeyedRows, ImportBatch | None]:
    """Check every row of the table read from path; raises ImportRefused with every problem."""
    earlier = earlier_batch(ctx, table.digest)
    villages = VillageNames(ctx.store.villages(active_only=False))
    try:
        is_locked = functools.cache(ctx.store.is_locked)
        rows = parse_rows(path, table, rtype, villages, is_locked, progress)
        keyed = match_natural_keys(
            path,
            rtype,
            rows,
            _stored_of_type(ctx, rtype),
            update=update,
            is_locked=is_locked,
        )
    except ImportRefused as exc:
        extra = [already_imported(path, earlier)] if earlier and not again else []
        raise ImportRefused(path, [*extra, *exc.problems]) from None
    if earlier is not None and not again:
        raise ImportRefused(path, [already_imported(path, earlier)])
    return keyed, earlier


def preview_import(
    ctx: ActionContext,
    path: Path,
    type_name: str,
    *,
    encoding: str | None = None,
    sheet: str | None = None,
    again: bool = False,
    update: bool = False,
    limit: int = 20,
    progress: Progress | None = None,
) -> ImportPreview:
    """What `import_records` would store from the file, and every problem, storing nothing.

    A file that cannot be read at all raises ImportRefused as the import would.
    """
    rtype = record_type(ctx.host.registry, type_name)
    options = ReadOptions(encoding, sheet)
    table = read_table_for(ctx.host.registry, path, rtype.all_fields(), options)
    head = list(table[:limit])
    try:
        keyed, earlier = _plan(
            ctx, path, rtype, table, again=again, update=update, progress=progress
        )
    except ImportRefused as exc:
        return ImportPreview(
            rtype.name,
            table.columns,
            head,
            list(exc.problems),
            report=table.report,
            earlier=earlier_batch(ctx, table.digest),
        )
    return ImportPreview(
        rtype.name,
        table.columns,
        head,
        [],
        len(keyed.new),
        len(keyed.replacing),
        table.report,
        earlier,
    )


@audited
def import_records(
    ctx: ActionContext,
    path: Path,
    type_name: str,
    *,
    encoding: str | None = None,
    sheet: str | None = None,
    again: bool = False,
    update: bool = False,
    progress: Progress | None = None,
) -> RecordImport:
    """Read, validate and store every record of the file as one import batch, or nothing.

    The same content imported before is refused unless `again`; a row whose natural key is
    stored already is refused unless `update`, which replaces that record (audited);
    `progress` is told how many rows are checked as a big file is.
    """
    rtype = record_type(ctx.host.registry, type_name)
    ctx.require(rtype.unit, Text(f"导入 {rtype.name} 记录", f"import {rtype.name} records"))
    options = ReadOptions(encoding, sheet)
    with no_cyclic_gc():
        return _import_records(ctx, path, rtype, options, again, update, progress)


def _import_records(
    ctx: ActionContext,
    path: Path,
    rtype: RecordType,
    options: ReadOptions,
    again: bool,
    update: bool,
    progress: Progress | None,
) -> RecordImport:
    """What import_records does, once the permission is checked."""
    table = read_table_for(ctx.host.registry, path, rtype.all_fields(), options)
    keyed, _ = _plan(ctx, path, rtype, table, again=again, update=update, progress=progress)
    report = table.report
    table.clear()  # every row is parsed into keyed: free the raw cells before storing
    counts: dict[Quarter, int] = {}
    for _, record in keyed.new:
        quarter = Quarter.of(record.date)
        counts[quarter] = counts.get(quarter, 0) + 1
    result = RecordImport(
        rtype.name,
        dict(sorted(counts.items())),
        None,
        len(keyed.replacing),
        report.encoding,
        report.sheet,
        tuple(report.notes),
    )
    if not keyed.new and not keyed.replacing:
        return result
    batch = ImportBatch(
        id=0,
        file=path.name,
        sha256=table.digest,
        record_type=rtype.name,
        rows=len(keyed.new) + len(keyed.replacing),
        actor=ctx.actor.name,
        at=now_text(),
        encoding=report.encoding,
        sheet=report.sheet,
    )
    # each quarter's rows get one run of ids, so they fill a few record blocks, not one
    # block per quarter per run of ids; the documents are made before the lock is taken
    by_quarter = sorted(
        (r for _, r in keyed.new), key=lambda r: (r.date.year, (r.date.month - 1) // 3)
    )
    prepared = prepare_records(by_quarter, ctx.actor.name)
    with writing(), ctx.store.transaction(ctx.actor.name) as tx:
        batch_id = tx.add_batch(batch)
        ids = tx.add_prepared(prepared, note=f"import {path.name}", batch_id=batch_id)
        replaced: dict[int, dict[str, Any]] = {}
        for _, new, old in keyed.replacing:
            replaced[old.id] = old.to_doc()
            tx.update_record(old.id, new, expected_rev=old.rev, batch=batch_id)
        tx.set_batch_records(batch_id, ids, replaced)
    return RecordImport(
        result.record_type,
        result.counts,
        batch_id,
        result.replaced,
        result.encoding,
        result.sheet,
        result.notes,
    )


def import_batches(ctx: ActionContext) -> list[ImportBatch]:
    """Every import batch, oldest first (a read: anyone may list them)."""
    return ctx.store.import_batches()


@audited
def undo_import(ctx: ActionContext, batch_id: int, *, reason: str) -> ImportUndone:
    """Take back an import batch: its records removed, those it replaced restored, audited."""
    batch = ctx.store.import_batch(batch_id)
    if batch is None:
        raise Refusal(
            Text(f"没有编号为 {batch_id} 的导入批次", f"no import batch {batch_id}"),
            field="batch",
        )
    rtype = ctx.host.registry.record_types.get(batch.record_type)
    unit = rtype.unit if rtype is not None else batch.record_type.split(".")[0]
    ctx.require(unit, Text(f"撤销 {batch.record_type} 导入", f"undo {batch.record_type} imports"))
    if batch.undone:
        raise Refusal(
            Text(
                f"批次 {batch_id} 已于 {batch.undone.get('at')} 由 {batch.undone.get('actor')} "
                "撤销",
                f"batch {batch_id} was undone already by {batch.undone.get('actor')} at "
                f"{batch.undone.get('at')}",
            ),
            field="batch",
        )
    if not reason.strip():
        raise Refusal(
            Text("撤销导入需要写明理由", "undoing an import needs a reason"), field="reason"
        )
    later = _later_replacing(ctx, batch)
    if later is not None:
        raise Refusal(
            Text(
                f"批次 {later.id} 之后替换了批次 {batch_id} 的记录；请先撤销批次 {later.id}",
                f"batch {later.id} replaced records of batch {batch_id} since; "
                f"undo batch {later.id} first",
            ),
            field="batch",
        )
    for quarter in _quarters_touched(ctx, batch):
        if ctx.store.is_locked(quarter):
            raise Refusal(finalized(quarter), field="batch")
    present = sum(1 for i in batch.added if ctx.store.record(i) is not None)
    with writing(), ctx.store.transaction(ctx.actor.name) as tx:
        undone = tx.undo_batch(batch_id, reason.strip())
    return ImportUndone(undone, present, len(batch.replaced))


def _later_replacing(ctx: ActionContext, batch: ImportBatch) -> ImportBatch | None:
    """A later batch, not undone, that replaced a record this batch added or replaced."""
    mine = {*batch.added, *batch.replaced}
    return next(
        (
            b
            for b in ctx.store.import_batches()
            if b.id > batch.id and not b.undone and mine & set(b.replaced)
        ),
        None,
    )


def _quarters_touched(ctx: ActionContext, batch: ImportBatch) -> set[Quarter]:
    """The quarters whose data undoing the batch changes."""
    quarters: set[Quarter] = set()
    for record_id in (*batch.added, *batch.replaced):
        record = ctx.store.record(record_id)
        if record is not None:
            quarters.add(record.quarter)
    for record_id, before in batch.replaced.items():
        quarters.add(Record.from_doc(record_id, before).quarter)
    return quarters
