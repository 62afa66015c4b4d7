"""Commands of the quarter's work: finalize, reopen, reported, lists, rectification, warnings."""

from __future__ import annotations

import argparse
import csv
import io
import json
from collections.abc import Sequence
from datetime import date
from typing import Any

from plugins import actions
from plugins.lists import closest_words, lists
from plugins.quarters import STATE_WORDS, FinalizePreview, preview, quarter_status
from plugins.rectification import STATUS_WORDS, items
from plugins.spreadsheet import safe_mapping
from plugins.warnings import SEVERITY_WORDS, warnings
from store import Quarter, Store
from tui.cli.output import percent, table
from tui.cli.session import Session


def _quarter(session: Session, args: argparse.Namespace) -> Quarter:
    quarter: Quarter | None = getattr(args, "quarter", None)
    return quarter or session.store().latest_quarter()


def _names(store: Store, codes: Sequence[str]) -> str:
    shown = []
    for code in codes:
        village = store.village(code)
        shown.append(f"{code} {village.name}" if village else code)
    return ", ".join(shown) if shown else "-"


def print_preview(session: Session, pv: FinalizePreview, reason: str = "") -> None:
    """The preview of a finalize: the grid against the previous quarter and what still waits."""
    store = session.store()
    total = len(pv.grid.villages)
    session.say(
        f"{pv.quarter}：达标 {pv.grid.compliant}/{total} 村（上季度 {pv.previous.compliant}/"
        f"{len(pv.previous.rows)}）",
        f"{pv.quarter}: {pv.grid.compliant}/{total} villages comply (previous quarter "
        f"{pv.previous.compliant}/{len(pv.previous.rows)})",
    )
    session.say(
        f"新达标：{_names(store, pv.newly_compliant)}",
        f"newly compliant: {_names(store, pv.newly_compliant)}",
    )
    session.say(
        f"新不达标：{_names(store, pv.newly_failing)}",
        f"newly failing: {_names(store, pv.newly_failing)}",
    )
    if pv.pending:
        cells = sum(len(c) for c in pv.pending.values())
        registry = session.host().registry
        session.say(
            f"待定 {cells} 格（{len(pv.pending)} 村），"
            f"未报送：{registry.unit_names(pv.waiting_units, 'zh')}；理由：{reason or '-'}",
            f"{cells} PENDING cells ({len(pv.pending)} villages), not filed: "
            f"{registry.unit_names(pv.waiting_units, 'en')}; reason: {reason or '-'}",
        )


def run_finalize(session: Session, args: argparse.Namespace) -> int:
    """`pingan finalize --quarter Q [--allow-pending --reason TEXT]`: freeze the quarter."""
    ctx = session.context()
    if not ctx.store.is_locked(args.quarter):
        print_preview(session, preview(ctx.store, ctx.host, args.quarter), args.reason or "")
    done = actions.finalize(ctx, args.quarter, bool(args.allow_pending), args.reason or "")
    quarter = args.quarter
    session.say(
        f"{quarter} 已定稿：快照已保存，数据已锁定；新开整改事项 {len(done.opened)} 项，"
        f"销号 {len(done.closed)} 项",
        f"{quarter} finalized: snapshot saved, data locked; {len(done.opened)} rectification "
        f"items opened, {len(done.closed)} closed",
    )
    return 0


def run_reopen(session: Session, args: argparse.Namespace) -> int:
    """`pingan reopen --quarter Q --reason TEXT`: open a finalized quarter for changes again."""
    done = actions.reopen(session.context(), args.quarter, args.reason)
    session.say(
        f"{done.quarter} 已重新打开（理由：{done.reason}）；改完后请重新定稿",
        f"{done.quarter} reopened (reason: {done.reason}); finalize it again when done",
    )
    return 0


def run_reported(session: Session, args: argparse.Namespace) -> int:
    """`pingan reported --quarter Q [--on DATE]`: record the district report."""
    done = actions.mark_reported(session.context(), args.quarter, args.on)
    status = quarter_status(session.store(), done.quarter)
    text = status.deadline_text(date.today())
    session.say(f"{done.quarter}：{text.zh}", f"{done.quarter}: {text.en}")
    if done.earlier is not None:
        session.say(
            f"（原登记的上报日期为 {done.earlier}）",
            f"(the date recorded before was {done.earlier})",
        )
    return 0


def run_lists(session: Session, args: argparse.Namespace) -> int:
    """`pingan lists --quarter Q [--format F]`: positive and negative lists, flags and target."""
    store = session.store()
    quarter = _quarter(session, args)
    doc = lists(store, session.host(), quarter)
    fmt = args.format
    if fmt == "json":
        print(json.dumps(doc, ensure_ascii=False, indent=2), file=session.out)
        return 0
    if fmt == "csv":
        session.out.write(lists_csv(doc))
        return 0
    session.out.write(lists_text(session, store, doc, md=fmt == "md"))
    return 0


LISTS_CSV_COLUMNS = ("list", "code", "name", "office", "failing", "pending", "units", "quarters")


def lists_csv(doc: dict[str, Any]) -> str:
    """One row per village and list (positive, negative, supervision, public notice, honours)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=LISTS_CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in doc["positive"]:
        writer.writerow(safe_mapping({"list": "positive", **row}))
    for row in doc["negative"]:
        negative = {
            "list": "negative",
            **row,
            "failing": " ".join(row["failing"]),
            "pending": " ".join(row["pending"]),
            "units": " ".join(row["units"]),
        }
        writer.writerow(safe_mapping(negative))
    for row in doc.get("pending", []):
        waiting = {
            "list": "pending",
            **row,
            "failing": "",
            "pending": " ".join(row["pending"]),
            "units": " ".join(row["units"]),
        }
        writer.writerow(safe_mapping(waiting))
    for name in ("supervision", "public_notice"):
        for row in doc[name]:
            flagged = {"list": name, "code": row["code"], "quarters": row["quarters"]}
            writer.writerow(safe_mapping(flagged))
    for row in doc["commendation"]:
        writer.writerow(safe_mapping({"list": "commendation", "code": row["code"]}))
    return buffer.getvalue()


def lists_text(session: Session, store: Store, doc: dict[str, Any], *, md: bool) -> str:
    """The lists for people, as plain text or Markdown."""
    fmt = "github" if md else "simple"
    head = "## " if md else ""
    sub = "### " if md else ""
    say = session.text
    quarter = doc["quarter"]
    state = STATE_WORDS[quarter_status(store, Quarter.parse(quarter)).state].get(session.lang)
    parts = [f"{head}{say(f'{quarter} 红黑榜', f'{quarter} lists')}（{state}）"]
    parts.append(
        f"{sub}{say('红榜（达标村）', 'Positive list (compliant)')} {len(doc['positive'])}"
    )
    rows = [[r["code"], r["name"], r["office"]] for r in doc["positive"]]
    headers = [say("代码", "code"), say("村", "village"), say("办事处", "office")]
    parts.append(table(rows, headers, fmt=fmt) if rows else "-")
    parts.append(f"{sub}{say('黑榜（未达标村）', 'Negative list')} {len(doc['negative'])}")
    registry = session.host().registry
    rows = [
        [
            r["code"],
            r["name"],
            " ".join(r["failing"]),
            " ".join(r["pending"]),
            registry.unit_names(r["units"], session.lang),
        ]
        for r in doc["negative"]
    ]
    headers = [
        say("代码", "code"),
        say("村", "village"),
        say("不达标", "failing"),
        say("待定", "pending"),
        say("责任单位", "units"),
    ]
    parts.append(table(rows, headers, fmt=fmt) if rows else "-")
    if doc.get("pending"):
        waiting = say("待定（无不达标项，只等上报或会议）", "Pending (failing nowhere, waiting)")
        parts.append(f"{sub}{waiting} {len(doc['pending'])}")
        rows = [
            [
                r["code"],
                r["name"],
                " ".join(r["pending"]),
                registry.unit_names(r["units"], session.lang),
            ]
            for r in doc["pending"]
        ]
        headers = [
            say("代码", "code"),
            say("村", "village"),
            say("待定", "pending"),
            say("等待", "waiting on"),
        ]
        parts.append(table(rows, headers, fmt=fmt))
    for key, zh, en in (
        ("supervision", "重点督导（连续不达标）", "Focused supervision (failing in a row)"),
        ("public_notice", "通报（连续不达标）", "Public notice (failing in a row)"),
    ):
        shown = ", ".join(f"{r['code']}×{r['quarters']}" for r in doc[key]) or "-"
        parts.append(f"{sub}{say(zh, en)}: {shown}")
    honours = ", ".join(r["code"] for r in doc["commendation"]) or "-"
    parts.append(
        f"{sub}{say('表彰候选（全年四个季度达标）', 'Commendation candidates')}: {honours}"
    )
    t = doc["target"]
    closest = "; ".join(closest_words(c).get(session.lang) for c in t["closest"])
    parts.append(
        say(
            f"{t['year']} 年目标 {percent(t['rate'])}：达标 {t['compliant']}/{t['active']}，"
            f"还差 {t['needed']} 村；最接近达标：{closest or '-'}",
            f"{t['year']} target {percent(t['rate'])}: {t['compliant']}/{t['active']} comply, "
            f"{t['needed']} more needed; closest: {closest or '-'}",
        )
    )
    return "\n\n".join(parts) + "\n"


RECTIFICATION_COLUMNS = (
    "id",
    "village",
    "criterion",
    "unit",
    "opened",
    "deadline",
    "status",
    "closed",
    "notes",
)


def run_rectification(session: Session, args: argparse.Namespace) -> int:
    """`pingan rectification [--open] [--unit U] [--village CODE] [--format F]`."""
    found = items(
        session.store(),
        date.today(),
        open_only=bool(args.open),
        unit=args.unit,
        village=args.village,
    )
    docs = [i.to_doc() for i in found]
    if args.format == "json":
        print(json.dumps(docs, ensure_ascii=False, indent=2), file=session.out)
        return 0
    if args.format == "csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=RECTIFICATION_COLUMNS, lineterminator="\n")
        writer.writeheader()
        for doc in docs:
            notes = " | ".join(n.get("text", "") for n in doc["notes"])
            writer.writerow(safe_mapping({**doc, "closed": doc["closed"] or "", "notes": notes}))
        session.out.write(buffer.getvalue())
        return 0
    rows = []
    registry = session.host().registry
    for doc in docs:
        status = STATUS_WORDS[doc["status"]].get(session.lang).upper()
        if doc["status"] == "overdue":
            status = f"!! {status}"
        last = doc["notes"][-1]["text"] if doc["notes"] else ""
        rows.append(
            [
                doc["id"],
                doc["village"],
                doc["criterion"],
                registry.unit_name(doc["unit"], session.lang),
                doc["opened"],
                doc["deadline"],
                status,
                doc["closed"] or "",
                last,
            ]
        )
    say = session.text
    headers = [
        say("编号", "id"),
        say("村", "village"),
        say("指标", "criterion"),
        say("责任单位", "unit"),
        say("开出", "opened"),
        say("期限", "deadline"),
        say("状态", "status"),
        say("销号", "closed"),
        say("最新备注", "latest note"),
    ]
    fmt = "github" if args.format == "md" else "simple"
    if rows:
        print(table(rows, headers, fmt=fmt), file=session.out)
    else:
        session.say("没有整改事项", "No rectification items")
    return 0


def run_rectification_note(session: Session, args: argparse.Namespace) -> int:
    """`pingan rectification note ID TEXT`: add a note to an item."""
    done = actions.add_rectification_note(session.context(), args.id, args.text)
    session.say(f"整改事项 {done.id} 已加备注", f"Added a note to rectification item {done.id}")
    return 0


def run_rectification_deadline(session: Session, args: argparse.Namespace) -> int:
    """`pingan rectification deadline ID DATE`: move an item's deadline."""
    done = actions.set_rectification_deadline(session.context(), args.id, args.date)
    session.say(
        f"整改事项 {done.id} 期限改为 {args.date}",
        f"Rectification item {done.id} is now due {args.date}",
    )
    return 0


def run_warnings(session: Session, args: argparse.Namespace) -> int:
    """`pingan warnings [--quarter Q] [--format F]`: early warnings of every unit."""
    store = session.store()
    quarter = _quarter(session, args)
    report = warnings(store, session.host(), quarter, date.today())
    for error in report.errors:
        print(error.get(session.lang), file=session.err)
    docs = [w.to_doc(session.lang) for w in report.warnings]
    if args.format == "json":
        print(json.dumps(docs, ensure_ascii=False, indent=2), file=session.out)
        return 0
    if args.format == "csv":
        buffer = io.StringIO()
        columns = ("village", "unit", "rule", "severity", "message", "records")
        writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        for doc in docs:
            writer.writerow(
                safe_mapping({**doc, "records": " ".join(str(r) for r in doc["records"])})
            )
        session.out.write(buffer.getvalue())
        return 0
    session.say(
        f"{quarter} 预警 {len(docs)} 条（截至 {report.as_of}）",
        f"{quarter}: {len(docs)} warnings (as of {report.as_of})",
    )
    rows = [
        [
            w.warning.village,
            session.host().registry.unit_name(w.unit, session.lang),
            SEVERITY_WORDS[w.warning.severity].get(session.lang),
            w.warning.message.get(session.lang),
            " ".join(str(r) for r in w.warning.records),
        ]
        for w in report.warnings
    ]
    say = session.text
    headers = [
        say("村", "village"),
        say("单位", "unit"),
        say("级别", "severity"),
        say("预警", "warning"),
        say("记录", "records"),
    ]
    if rows:
        print(
            table(rows, headers, fmt="github" if args.format == "md" else "simple"),
            file=session.out,
        )
    return 0


def run_minutes(session: Session, args: argparse.Namespace) -> int:
    """`pingan minutes --quarter Q [--attendee NAME ...]`: record a meeting, or show its minutes."""
    quarter: Quarter = args.quarter
    if args.attendees:
        done = actions.record_meeting(
            session.context(), quarter, args.attendees, args.on, session.lang
        )
        session.out.write(done.minutes)
        return 0
    meetings = session.store().meetings(quarter)
    if not meetings:
        session.say(
            f"{quarter} 还没有会议纪要；用 --attendee 登记会议",
            f"{quarter} has no minutes yet; record the meeting with --attendee",
        )
        return 1
    session.out.write("\n".join(m["minutes"] for m in meetings))
    return 0
