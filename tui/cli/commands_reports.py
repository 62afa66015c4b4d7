"""`pingan report` (the quarter's report to the district) and checking a printed copy's code."""

from __future__ import annotations

import argparse
from pathlib import Path

from plugins.actions.reports import write_report_file
from plugins.reports.formats import codes_in
from plugins.reports.stamp import check_code
from tui.cli.session import Session


def run_report(session: Session, args: argparse.Namespace) -> int:
    """`pingan report --quarter Q -o FILE [--overwrite] ...`: write it, say where, the code."""
    ctx = session.context()
    quarter = args.quarter or ctx.store.latest_quarter(ctx.today)
    output = Path(args.output)
    written = write_report_file(
        ctx, quarter, args.format or None, output, args.report_lang, overwrite=args.overwrite
    )
    fmt = written.fmt
    report = written.report
    for failed in report.failed:
        session.warn(f"警告：{failed}", f"warning: {failed}")
    kind = "草稿（未定稿）" if report.draft else "定稿"
    kind_en = "DRAFT (not finalized)" if report.draft else "finalized"
    session.say(
        f"已写出 {quarter} 报告（{kind}，{fmt}）：{written.path}",
        f"Wrote the {quarter} report ({kind_en}, {fmt}): {written.path}",
    )
    session.say(f"核验码：{report.stamp.code}", f"Check code: {report.stamp.code}")
    return 0


def run_check_copy(session: Session, args: argparse.Namespace) -> int:
    """`pingan verify --report FILE | --code CODE`: 0 when the copy matches the store, else 1."""
    store = session.store()
    host = session.host()
    if args.code:
        codes = [args.code]
    else:
        path = Path(args.report)
        try:
            codes = codes_in(path)
        except (OSError, ValueError) as exc:
            session.warn(f"{path}：读不出报告：{exc}", f"{path}: cannot read the report: {exc}")
            return 1
        if not codes:
            session.warn(
                f"{path}：找不到核验码（不是 pingan 出具的报告或展板？）",
                f"{path}: no check code found (not a report or board made by pingan?)",
            )
            return 1
    failed = 0
    for code in codes:
        result = check_code(store, host, code)
        if result.matches:
            session.say(f"{code}：{result.message.zh}", f"{code}: {result.message.en}")
        else:
            failed += 1
            session.warn(f"{code}：{result.message.zh}", f"{code}: {result.message.en}")
    return 1 if failed else 0
