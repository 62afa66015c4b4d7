"""Importing a file of villages or records, and taking an import back: all stored or none."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from plugins.actions.context import ActionContext, audited, writing
from plugins.i18n import Text, local_time
from plugins.importing import (
    PROGRESS_STEP,
    ImportRefused,
    KeyMatch,
    Problem,
    Progress,
    ReadOptions,
    ReadReport,
    RowCheck,
    RowStream,
    VillageNames,
    open_rows_for,
    parse_villages,
    read_table,
    record_type,
)
from plugins.refusal import Refusal, finalized
from plugins.schema import RecordType
from store import ImportBatch, NewRecord, Quarter, Record, now_text
from store.cache import no_cyclic_gc
from store.staging import Staging
from store.transaction import new_record_doc


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


@dataclass(slots=True)
class _Checked:
    """What checking a file's rows found: its problems, the rows that replace stored records,
    how many rows are new, and an earlier batch of the same content."""

    problems: list[Problem]
    replacing: list[tuple[int, NewRecord, Record]]
    new: int
    earlier: ImportBatch | None


def _check(
    ctx: ActionContext,
    path: Path,
    rtype: RecordType,
    stream: RowStream,
    *,
    again: bool,
    update: bool,
    progress: Progress | None = None,
    take: Callable[[NewRecord], None] | None = None,
    head: Iterable[tuple[int, dict[str, Any]]] | None = None,
) -> _Checked:
    """Check every row of the file as it is read, handing each new record to take.

    Only the problems, the replacing rows and a count are kept, never the rows: a file
    of half a million rows is checked in the memory of one. take is no longer called once
    a problem is found (the file will be refused). head, if given, is the stream's rows
    passed through the caller's hands. A reader failing on the way raises.
    """
    earlier = earlier_batch(ctx, stream.digest())
    villages = VillageNames(ctx.store.villages(active_only=False))
    is_locked = functools.cache(ctx.store.is_locked)
    rows = RowCheck(stream, rtype, villages, is_locked)
    keys = (
        KeyMatch(rtype, _stored_of_type(ctx, rtype), update=update, is_locked=is_locked)
        if rtype.natural_key
        else None
    )
    expected = stream.expected_rows() if progress is not None else None
    new = done = 0
    for line, raw in stream if head is None else head:
        if expected is not None and progress is not None and done % PROGRESS_STEP == 0:
            progress(done, max(expected, done))
        done += 1
        record = rows.check(line, raw)
        if record is None or (keys is not None and not keys.take(line, record)):
            continue
        new += 1
        if take is not None and not rows.problems and not (keys and keys.problems):
            take(record)
    if progress is not None:
        progress(done, done)
    problems = rows.problems or (keys.problems if keys is not None else [])
    if earlier is not None and not again:
        problems = [already_imported(path, earlier), *problems]
    replacing = keys.replacing if keys is not None else []
    return _Checked(problems, replacing, new, earlier)


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
    stream = open_rows_for(ctx.host.registry, path, rtype.all_fields(), options)
    head: list[tuple[int, dict[str, Any]]] = []

    def rows() -> Iterator[tuple[int, dict[str, Any]]]:
        for row in stream:
            if len(head) < limit:
                head.append(row)
            yield row

    checked = _check(
        ctx, path, rtype, stream, again=again, update=update, progress=progress, head=rows()
    )
    return ImportPreview(
        rtype.name,
        stream.columns,
        head,
        checked.problems,
        0 if checked.problems else checked.new,
        0 if checked.problems else len(checked.replacing),
        stream.report,
        checked.earlier,
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
    `progress` is told how many rows are checked as a big file is. The rows are read,
    checked and staged one at a time (store.staging), and the lock is held only to
    reserve their ids and, at the end, to move them in.
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
    stream = open_rows_for(ctx.host.registry, path, rtype.all_fields(), options)
    actor = ctx.actor.name
    stamp = now_text()
    staging = Staging(ctx.store.layout)
    try:

        def take(record: NewRecord) -> None:
            staging.add(Quarter.of(record.date), new_record_doc(record, actor, stamp))

        checked = _check(
            ctx, path, rtype, stream, again=again, update=update, progress=progress, take=take
        )
        if checked.problems:
            raise ImportRefused(path, checked.problems)
        report = stream.report
        result = RecordImport(
            rtype.name,
            dict(sorted(staging.counts.items())),
            None,
            len(checked.replacing),
            report.encoding,
            report.sheet,
            tuple(report.notes),
        )
        if not staging.total and not checked.replacing:
            return result
        batch = ImportBatch(
            id=0,
            file=path.name,
            sha256=stream.digest(),
            record_type=rtype.name,
            rows=staging.total + len(checked.replacing),
            actor=actor,
            at=stamp,
            encoding=report.encoding,
            sheet=report.sheet,
        )
        batch_id = _store_batch(ctx, path, batch, staging, checked.replacing)
    finally:
        staging.close()
    return RecordImport(
        result.record_type,
        result.counts,
        batch_id,
        result.replaced,
        result.encoding,
        result.sheet,
        result.notes,
    )


def _store_batch(
    ctx: ActionContext,
    path: Path,
    batch: ImportBatch,
    staging: Staging,
    replacing: list[tuple[int, NewRecord, Record]],
) -> int:
    """Reserve ids under a short lock, write the staged blocks, then commit them: the id."""
    staged = None
    batch_id: int | None = None
    if staging.total:
        with writing(), ctx.store.transaction(ctx.actor.name) as tx:
            ids = tx.reserve_record_ids(staging.total)
            batch_id = tx.reserve_batch_id()
        staged = staging.write_blocks(ids.start, batch_id)
    with writing(), ctx.store.transaction(ctx.actor.name) as tx:
        batch_id = tx.add_batch(batch, batch_id)
        added = tx.add_staged(staged, note=f"import {path.name}") if staged else range(0)
        replaced: dict[int, dict[str, Any]] = {}
        for _, new, old in replacing:
            replaced[old.id] = old.to_doc()
            tx.update_record(old.id, new, expected_rev=old.rev, batch=batch_id)
        tx.set_batch_records(batch_id, added, replaced)
    return batch_id


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
    stored = ctx.store.records_by_id((*batch.added, *batch.replaced))
    for quarter in _quarters_touched(batch, stored):
        if ctx.store.is_locked(quarter):
            raise Refusal(finalized(quarter), field="batch")
    present = sum(1 for i in batch.added if i in stored)
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


def _quarters_touched(batch: ImportBatch, stored: dict[int, Record]) -> set[Quarter]:
    """The quarters whose data undoing the batch changes, given its records as stored now."""
    quarters = {record.quarter for record in stored.values()}
    for record_id, before in batch.replaced.items():
        quarters.add(Record.from_doc(record_id, before).quarter)
    return quarters
