"""Sub-commands that change or list data: villages, records, returns and meeting decisions."""

from __future__ import annotations

import argparse
from pathlib import Path

from plugins.engine import Engine, verdict_state
from plugins.importing import import_records, import_villages
from plugins.manager import PluginHost
from store import Decision, Quarter, Village, default_actor, now_text
from tui.cli.output import field_values, table
from tui.cli.session import CliError, Session
from tui.symbols import STATE_NAMES


def run_villages_import(session: Session, args: argparse.Namespace) -> int:
    """`pingan villages import FILE`: upsert every village of the file, or none."""
    store = session.store()
    result = import_villages(store, session.host().registry, Path(args.file))
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


def run_records_import(session: Session, args: argparse.Namespace) -> int:
    """`pingan records import FILE --type TYPE`: store every record of the file, or none."""
    store = session.store()
    counts = import_records(store, session.host().registry, Path(args.file), args.type)
    total = sum(counts.values())
    if not total:
        session.say(
            f"已导入 0 条 {args.type} 记录（文件里没有数据行）",
            f"Imported 0 {args.type} records (the file has no data rows)",
        )
        return 0
    zh_parts = "，".join(f"{q} {n} 条" for q, n in counts.items())
    en_parts = ", ".join(f"{q}: {n}" for q, n in counts.items())
    session.say(
        f"已导入 {total} 条 {args.type} 记录：{zh_parts}",
        f"Imported {total} {args.type} records: {en_parts}",
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


def _returning_unit(host: PluginHost, code: str, session: Session) -> str:
    units = host.registry.units
    filing = sorted(u.code for u in units.values() if u.files_returns)
    unit = units.get(code)
    if unit is None:
        raise CliError(
            session.text(
                f"没有单位 {code}；报送季度报表的单位：{'、'.join(filing)}",
                f"unknown unit {code}; units that file returns: {', '.join(filing)}",
            )
        )
    if not unit.files_returns:
        raise CliError(
            session.text(
                f"{code}（{unit.name.zh}）不报送季度报表；报送的单位：{'、'.join(filing)}",
                f"{code} ({unit.name.en}) files no quarterly returns; units that do: "
                f"{', '.join(filing)}",
            )
        )
    return code


def run_returns_file(session: Session, args: argparse.Namespace) -> int:
    """`pingan returns file --unit UNIT --quarter Q`: record the unit's quarterly return."""
    store = session.store()
    unit = _returning_unit(session.host(), args.unit, session)
    quarter: Quarter = args.quarter
    with store.transaction() as tx:
        filed = tx.file_return(unit, quarter)
    if filed:
        session.say(f"已登记 {unit} {quarter} 季度报表", f"Filed the {quarter} return of {unit}")
    else:
        session.say(f"{unit} {quarter} 季度报表此前已登记", f"{unit} had already filed {quarter}")
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
                got.filed_at if got else "",
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
    """`pingan decide`: the meeting's verdict on one cell; a reason is needed against the data."""
    store = session.store()
    quarter: Quarter = args.quarter
    code: str = args.criterion
    village = store.village(args.village)
    if village is None:
        raise CliError(
            session.text(f"没有代码为 {args.village} 的村", f"no village {args.village}")
        )
    passed: bool = args.passed
    reason = (args.reason or "").strip()
    cell = Engine(store, session.host()).cell(quarter, village.code, code)
    data_says = STATE_NAMES[cell.data_state].get(session.lang)
    if cell.against_data(passed) and not reason:
        raise CliError(
            session.text(
                f"{quarter} {village.code} {code}：数据显示{data_says}，"
                "与此决定相反，请用 --reason 写明理由",
                f"{quarter} {village.code} {code}: the data says {data_says}; a decision "
                "against the data needs --reason",
            )
        )
    decision = Decision(quarter, village.code, code, passed, reason, default_actor(), now_text())
    with store.transaction() as tx:
        tx.decide(decision)
    verdict = STATE_NAMES[verdict_state(passed)].get(session.lang)
    session.say(
        f"{quarter} {village.code}（{village.name}）{code}：会议决定{verdict}（数据：{data_says}）",
        f"{quarter} {village.code} ({village.name}) {code}: the meeting decided {verdict} "
        f"(data: {data_says})",
    )
    return 0


# Placeholders for commands the actions layer implements; their bodies are replaced on merge.


def run_returns_withdraw(session: Session, args: argparse.Namespace) -> int:
    """`pingan returns withdraw --unit UNIT --quarter Q`: take back a unit's filed return."""
    raise CliError(
        session.text("pingan returns withdraw：尚未实现", "not yet: pingan returns withdraw")
    )
