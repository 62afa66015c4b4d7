"""Sub-commands of imports and of records read back: import, list and undo batches, list records."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from plugins import actions
from plugins.actions import RecordImport
from plugins.i18n import Text, local_time
from plugins.importing import record_type
from plugins.schema import summarize
from store import Quarter, Record
from tui.cli.output import csv_text, table
from tui.cli.session import Session

RECORD_FORMATS = ("plain", "csv", "json")
ENCODING_NAMES = {
    "utf-8": Text("UTF-8", "UTF-8"),
    "utf-8-sig": Text("UTF-8（带 BOM）", "UTF-8 with BOM"),
    "gb18030": Text("GB18030/GBK", "GB18030/GBK"),
    "utf-16": Text("UTF-16", "UTF-16"),
}
"""How the encodings the CSV reader finds are named to people."""


def run_records_import(session: Session, args: argparse.Namespace) -> int:
    """`pingan records import FILE --type TYPE`: store every record of the file, or none."""
    result = actions.import_records(
        session.context(),
        Path(args.file),
        args.type,
        encoding=getattr(args, "encoding", None),
        sheet=getattr(args, "sheet", None),
        again=getattr(args, "again", False),
        update=getattr(args, "update", False),
    )
    _say_how_read(session, result)
    counts, total = result.counts, result.total
    if not total and not result.replaced:
        session.say(
            f"已导入 0 条 {args.type} 记录（文件里没有数据行）",
            f"Imported 0 {args.type} records (the file has no data rows)",
        )
        return 0
    zh_parts = "，".join(f"{q} {n} 条" for q, n in counts.items())
    en_parts = ", ".join(f"{q}: {n}" for q, n in counts.items())
    if total:
        session.say(
            f"已导入 {total} 条 {args.type} 记录：{zh_parts}（批次 {result.batch}）",
            f"Imported {total} {args.type} records: {en_parts} (batch {result.batch})",
        )
    if result.replaced:
        session.say(
            f"按编号替换了 {result.replaced} 条已有记录（批次 {result.batch}）",
            f"Replaced {result.replaced} stored records with the same key (batch {result.batch})",
        )
    return 0


def _say_how_read(session: Session, result: RecordImport) -> None:
    if result.encoding:
        name = ENCODING_NAMES.get(result.encoding, Text(result.encoding, result.encoding))
        session.say(f"按 {name.zh} 编码读取", f"Read as {name.en}")
    if result.sheet:
        session.say(f"读取工作表“{result.sheet}”", f"Read sheet {result.sheet!r}")
    for note in result.notes:
        session.say(note.zh, note.en)


def run_imports_list(session: Session, args: argparse.Namespace) -> int:
    """`pingan imports list`: every import batch, oldest first, undone ones marked."""
    batches = actions.import_batches(session.context())
    if not batches:
        session.say("还没有导入过记录", "No records imported yet")
        return 0
    rows = [
        [
            str(b.id),
            b.file,
            b.record_type,
            str(b.rows),
            b.actor,
            local_time(b.at),
            session.text("已撤销", "undone") if b.undone else "",
            b.sha256[:12],
        ]
        for b in batches
    ]
    headers = (
        ["batch", "file", "type", "rows", "by", "at", "status", "sha256"]
        if session.lang == "en"
        else ["批次", "文件", "类型", "行数", "导入人", "时间", "状态", "内容摘要"]
    )
    print(table(rows, headers), file=session.out)
    return 0


def run_imports_undo(session: Session, args: argparse.Namespace) -> int:
    """`pingan imports undo BATCH --reason TEXT`: take the batch's records back, audited."""
    undone = actions.undo_import(session.context(), args.batch, reason=args.reason)
    batch = undone.batch
    session.say(
        f"已撤销批次 {batch.id}（{batch.file}）：删除 {undone.removed} 条，"
        f"恢复 {undone.restored} 条被替换的记录",
        f"Undid batch {batch.id} ({batch.file}): removed {undone.removed} records, "
        f"restored {undone.restored} replaced ones",
    )
    return 0


def run_records_list(session: Session, args: argparse.Namespace) -> int:
    """`pingan records list --quarter Q`: the quarter's records, for people or programs."""
    store, host = session.store(), session.host()
    quarter: Quarter = args.quarter
    type_name: str | None = args.type
    if type_name is not None:
        record_type(host.registry, type_name)
    records = [
        r
        for r in store.records(quarter, type_name)
        if args.village is None or r.village == args.village
    ]
    records.sort(key=lambda r: (r.date, r.id))
    names = {v.code: v.name for v in store.villages(active_only=False)}
    if args.format == "json":
        docs = [
            {"id": r.id, **r.to_doc(), "village_name": names.get(r.village, "")} for r in records
        ]
        print(json.dumps(docs, ensure_ascii=False, indent=2), file=session.out)
        return 0
    if args.format == "csv":
        print(_records_csv(session, records, names, type_name), end="", file=session.out)
        return 0
    if not records:
        session.say(f"{quarter} 没有符合条件的记录", f"No matching records in {quarter}")
        return 0
    rows = [
        [
            str(r.id),
            r.type,
            r.date.isoformat(),
            f"{r.village} {names.get(r.village, '')}".strip(),
            summarize(host.registry.record_types.get(r.type), r.fields, session.lang, width=50),
            "" if r.batch is None else str(r.batch),
        ]
        for r in records
    ]
    headers = (
        ["id", "type", "date", "village", "fields", "batch"]
        if session.lang == "en"
        else ["编号", "类型", "日期", "村", "内容", "批次"]
    )
    print(table(rows, headers), file=session.out)
    return 0


def _records_csv(
    session: Session, records: list[Record], names: dict[str, str], type_name: str | None
) -> str:
    """The records as CSV: one column per field of the type if one was given, else JSON fields."""
    head = ["id", "type", "date", "village", "village_name", "batch"]
    if type_name is not None:
        rtype = session.host().registry.record_types[type_name]
        own = [f.name for f in rtype.all_fields() if f.name not in ("date", "village")]
        rows: list[list[Any]] = [
            [*_record_head(r, names), *(_csv_value(r.fields.get(n)) for n in own)] for r in records
        ]
        return csv_text(rows, [*head, *own])
    rows = [
        [*_record_head(r, names), json.dumps(r.fields, ensure_ascii=False, sort_keys=True)]
        for r in records
    ]
    return csv_text(rows, [*head, "fields"])


def _record_head(record: Record, names: dict[str, str]) -> list[Any]:
    return [
        record.id,
        record.type,
        record.date.isoformat(),
        record.village,
        names.get(record.village, ""),
        "" if record.batch is None else record.batch,
    ]


def _csv_value(value: Any) -> Any:
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else value
