"""Sub-commands that change or list data: villages, records, returns and meeting decisions."""

from __future__ import annotations

import argparse
from pathlib import Path

from plugins import actions
from plugins.api import STATE_NAMES
from plugins.i18n import local_time
from store import Quarter, Village
from tui.cli.output import field_values, table
from tui.cli.session import Session


def run_villages_import(session: Session, args: argparse.Namespace) -> int:
    """`pingan villages import FILE`: upsert every village of the file, or none."""
    result = actions.import_villages(session.context(), Path(args.file))
    total = result.added + result.updated
    session.say(
        f"已导入 {total} 个村（新增 {result.added} 个，更新 {result.updated} 个）",
        f"Imported {total} villages ({result.added} added, {result.updated} updated)",
    )
    return 0


def run_villages_list(session: Session, args: argparse.Namespace) -> int:
    """`pingan villages list [--all]`: the villages as a table."""
    villages = session.store().villages(active_only=not args.all)
    if not villages:
        session.say(
            "还没有村；用 `pingan villages import 文件` 导入",
            "No villages yet; import them with `pingan villages import FILE`",
        )
        return 0
    print(table(_village_rows(villages, session), _village_headers(session)), file=session.out)
    return 0


def _village_headers(session: Session) -> list[str]:
    if session.lang == "en":
        return ["code", "name", "office", "secretary", "population", "households", "status"]
    return ["代码", "村名", "办事处", "书记", "人口", "户数", "状态"]


def _village_rows(villages: list[Village], session: Session) -> list[list[str]]:
    active, inactive = session.text("在册", "active"), session.text("停用", "inactive")
    return [
        [
            v.code,
            v.name,
            v.office,
            v.secretary,
            "" if v.population is None else str(v.population),
            "" if v.households is None else str(v.households),
            active if v.active else inactive,
        ]
        for v in villages
    ]


def run_records_delete(session: Session, args: argparse.Namespace) -> int:
    """`pingan records delete ID --reason TEXT`: remove a record, audited with its content."""
    deleted = actions.delete_record(session.context(), args.id, reason=args.reason)
    record = deleted.record
    session.say(
        f"已删除记录 {record.id}（{record.type}，{record.village}，{record.date}）",
        f"Deleted record {record.id} ({record.type}, {record.village}, {record.date})",
    )
    return 0


def run_records_types(session: Session, args: argparse.Namespace) -> int:
    """`pingan records types`: every record type, one row per column with the values it allows."""
    lang = session.lang
    rows: list[list[str]] = []
    for rtype in sorted(session.host().registry.record_types.values(), key=lambda t: t.name):
        for index, fld in enumerate(rtype.all_fields()):
            head = [rtype.name, rtype.label.get(lang)] if index == 0 else ["", ""]
            rows.append([*head, fld.name + ("*" if fld.required else ""), field_values(fld, lang)])
    headers = (
        ["type", "name", "columns (* required)", "values"]
        if lang == "en"
        else ["类型", "名称", "列（* 必填）", "可填的值"]
    )
    print(table(rows, headers), file=session.out)
    return 0


def run_returns_file(session: Session, args: argparse.Namespace) -> int:
    """`pingan returns file --unit UNIT --quarter Q`: record the unit's quarterly return."""
    result = actions.file_return(session.context(), args.unit, args.quarter)
    unit, quarter = result.unit.code, result.quarter
    if result.changed:
        session.say(f"已登记 {unit} {quarter} 季度报表", f"Filed the {quarter} return of {unit}")
    else:
        session.say(f"{unit} {quarter} 季度报表此前已登记", f"{unit} had already filed {quarter}")
    return 0


def run_returns_withdraw(session: Session, args: argparse.Namespace) -> int:
    """`pingan returns withdraw --unit UNIT --quarter Q`: take back a filed return."""
    result = actions.withdraw_return(session.context(), args.unit, args.quarter)
    unit, quarter = result.unit.code, result.quarter
    session.say(
        f"已撤回 {unit} {quarter} 季度报表；其数据格重新待定",
        f"Withdrew the {quarter} return of {unit}; its cells wait for it again",
    )
    return 0


def run_returns_list(session: Session, args: argparse.Namespace) -> int:
    """`pingan returns list [--quarter Q]`: which units have filed the quarter's return."""
    store = session.store()
    quarter: Quarter = args.quarter or store.latest_quarter()
    filed = {r.unit: r for r in store.returns(quarter)}
    units = [u for u in session.host().registry.units.values() if u.files_returns]
    rows = []
    for unit in sorted(units, key=lambda u: u.code):
        got = filed.get(unit.code)
        status = session.text("已报送", "filed") if got else session.text("未报送", "not filed")
        rows.append(
            [
                unit.code,
                unit.name.get(session.lang),
                status,
                local_time(got.filed_at) if got else "",
                got.actor if got else "",
            ]
        )
    headers = (
        ["unit", "name", "status", "filed at", "by"]
        if session.lang == "en"
        else ["单位", "名称", "状态", "报送时间", "报送人"]
    )
    session.say(f"{quarter} 季度报表", f"Returns of {quarter}")
    print(table(rows, headers), file=session.out)
    return 0


def run_decide(session: Session, args: argparse.Namespace) -> int:
    """`pingan decide`: the meeting's verdict on one cell, or --withdraw to take it back."""
    ctx = session.context()
    quarter: Quarter = args.quarter
    if getattr(args, "withdraw", False):
        gone = actions.withdraw_decision(ctx, quarter, args.village, args.criterion)
        was = actions.verdict_words(gone.decision.passed)
        where = f"{quarter} {gone.village.code}（{gone.village.name}）{gone.decision.criterion}"
        where_en = f"{quarter} {gone.village.code} ({gone.village.name}) {gone.decision.criterion}"
        session.say(
            f"{where}：已撤回会议决定（原为{was.zh}）",
            f"{where_en}: withdrew the meeting's decision (was {was.en})",
        )
        return 0
    codes: list[str] = list(getattr(args, "villages", None) or [args.village])
    if getattr(args, "all", False):
        codes = actions.undecided(ctx, quarter, args.criterion)
        if not codes:
            session.say(
                f"{quarter} {args.criterion}：每个村都已有决定",
                f"{quarter} {args.criterion}: every village already has a decision",
            )
            return 0
    for made in actions.decide_many(
        ctx,
        quarter,
        codes,
        args.criterion,
        args.passed,
        args.reason or "",
        replace=getattr(args, "replace", False),
    ):
        _say_decided(session, quarter, made)
    return 0


def _say_decided(session: Session, quarter: Quarter, made: actions.DecisionMade) -> None:
    village, code = made.village, made.decision.criterion
    verdict = actions.verdict_words(made.decision.passed)
    data_says = STATE_NAMES[made.data_state]
    if made.replaced is not None:
        old = actions.verdict_words(made.replaced.passed)
        session.say(
            f"{quarter} {village.code}（{village.name}）{code}：会议决定由{old.zh}改为{verdict.zh}",
            f"{quarter} {village.code} ({village.name}) {code}: the meeting's decision changed "
            f"from {old.en} to {verdict.en}",
        )
    where = f"{quarter} {village.code}（{village.name}）{code}"
    session.say(
        f"{where}：会议决定{verdict.zh}（数据：{data_says.zh}）",
        f"{quarter} {village.code} ({village.name}) {code}: the meeting decided {verdict.en} "
        f"(data: {data_says.en})",
    )
