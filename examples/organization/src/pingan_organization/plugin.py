"""The organization office (组织办): cadre violations recorded per village fail G1 (党员干部引领好).

A violation is failing evidence, so G1 fails without waiting for a meeting decision; the
meeting may still decide otherwise, giving its reason. Where nothing was recorded, G1 waits
for the office's quarterly return like any unit's criterion, and the meeting decides as before.
"""

from __future__ import annotations

from collections.abc import Iterable

import click

from plugins import (
    Check,
    CheckContext,
    Choice,
    EarlyWarning,
    Field,
    Finding,
    Kind,
    Plugin,
    RecordType,
    ReportBody,
    ReportContext,
    ReportSection,
    ReportTable,
    Severity,
    Text,
    UnitSpec,
    ViewSpec,
    WarningContext,
    WarningRule,
    hookimpl,
)
from plugins.actions import add_record
from plugins.commands import CommandSession, pass_session
from store import Quarter, Record

PINGAN_API = 1
"""The version of pingan's plugin API this plugin was written for."""

UNIT = "organization"
VIOLATION = "organization.cadre_violation"
KINDS = (
    Choice("discipline", Text("违反党纪", "Party discipline")),
    Choice("law", Text("违法", "Breach of law")),
    Choice("conduct", Text("作风问题", "Conduct")),
    Choice("duty", Text("履职不力", "Neglect of duty")),
)


def no_cadre_violations(ctx: CheckContext) -> Finding:
    """G1 fails for a village with a cadre violation dated in the quarter."""
    found = ctx.records(VIOLATION)
    if found:
        return Finding.failed(
            f"本季度干部违纪违法 {len(found)} 起",
            f"{len(found)} cadre violations this quarter",
            found,
        )
    return Finding.passed("本季度无干部违纪违法", "no cadre violations this quarter")


def violations_last_quarter(ctx: WarningContext) -> Iterable[EarlyWarning]:
    """Warn of villages with violations last quarter and none yet this one: watch G1."""
    this_quarter = {r.village for r in ctx.records(VIOLATION)}
    earlier: dict[str, list[Record]] = {}
    for record in ctx.previous(VIOLATION):
        if record.village not in this_quarter:
            earlier.setdefault(record.village, []).append(record)
    return [
        EarlyWarning.of(
            village,
            Severity.LOW,
            f"上季度干部违纪违法 {len(found)} 起，本季度请关注 G1",
            f"{len(found)} cadre violations last quarter; watch G1 this quarter",
            found,
        )
        for village, found in sorted(earlier.items())
    ]


def violations_by_kind(ctx: ReportContext) -> ReportBody:
    """Counts by kind and the villages concerned; no names or summaries leave the town."""
    counts = {choice.value: 0 for choice in KINDS}
    villages: set[str] = set()
    for record in ctx.records(VIOLATION):
        counts[str(record.fields.get("kind"))] += 1
        villages.add(record.village)
    total = sum(counts.values())
    if total:
        paragraph = Text(
            f"本季度干部违纪违法 {total} 起，涉及 {len(villages)} 个村，这些村 G1 不达标。",
            f"{total} cadre violations this quarter in {len(villages)} villages; "
            "G1 fails in those villages.",
        )
    else:
        paragraph = Text("本季度无干部违纪违法。", "No cadre violations this quarter.")
    table = ReportTable(
        Text("干部违纪违法（按类别）", "Cadre violations by kind"),
        (Text("类别", "Kind"), Text("起数", "Violations")),
        tuple((choice.label.zh, counts[choice.value]) for choice in KINDS),
    )
    return ReportBody((paragraph,), (table,))


plugin = Plugin(
    units=(UnitSpec(code=UNIT, name=Text("组织办", "Organization office"), criteria=("G1",)),),
    record_types=(
        RecordType(
            name=VIOLATION,
            unit=UNIT,
            label=Text("干部违纪违法", "Cadre violation"),
            fields=(
                Field(
                    "kind",
                    Kind.ENUM,
                    Text("类别", "Kind"),
                    required=True,
                    choices=KINDS,
                    synonyms=("类型", "违规类别"),
                ),
                Field("summary", Kind.TEXT, Text("摘要", "Summary"), synonyms=("情况",)),
            ),
        ),
    ),
    checks=(
        Check(
            "G1",
            UNIT,
            "organization.no_cadre_violations",
            no_cadre_violations,
            Text(
                "有干部违纪违法记录的村 G1 不达标", "G1 fails where a cadre violation is recorded"
            ),
        ),
    ),
    views=(
        ViewSpec(
            UNIT,
            "violations",
            Text("干部违纪违法台账", "Cadre violations"),
            "pingan_organization.views:ViolationLog",
        ),
    ),
    warnings=(WarningRule(UNIT, "organization.violations_last_quarter", violations_last_quarter),),
    report_sections=(
        ReportSection(
            UNIT,
            "organization.violations",
            Text("组织办：干部队伍", "Organization office: cadres"),
            violations_by_kind,
        ),
    ),
)
"""What the office contributes, as values; pingan registers it together with `register_commands`
below, the one hook a Plugin does not cover."""


@hookimpl
def register_commands(cli: click.Group) -> None:
    """Add `pingan organization add` and `pingan organization villages`."""

    @cli.group(UNIT, help="组织办：干部违纪违法 / organization office: cadre violations")
    def organization() -> None:
        pass

    @organization.command("add", help="登记一起干部违纪违法 / record a cadre violation")
    @click.option("--village", required=True, help="村代码 / village code")
    @click.option("--date", "day", required=True, help="日期 / date, e.g. 2024-05-03")
    @click.option(
        "--kind", required=True, help="discipline 违反党纪 | law 违法 | conduct 作风 | duty 履职"
    )
    @click.option("--summary", default="", help="摘要 / summary")
    @pass_session
    def add(session: CommandSession, village: str, day: str, kind: str, summary: str) -> None:
        values = {"date": day, "village": village, "kind": kind, "summary": summary}
        saved = add_record(session.context(), VIOLATION, values)
        session.say(
            f"已登记干部违纪违法 #{saved.record.id}（{village} 本季度 G1 不达标）",
            f"Recorded cadre violation #{saved.record.id} (G1 fails for {village} this quarter)",
        )

    @organization.command("villages", help="有违纪违法的村 / villages with violations")
    @click.option("--quarter", required=True, help="季度 / quarter, e.g. 2024Q2")
    @pass_session
    def villages(session: CommandSession, quarter: str) -> None:
        try:
            chosen = Quarter.parse(quarter)
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--quarter") from None
        counts: dict[str, int] = {}
        for record in session.store().records(chosen, VIOLATION):
            counts[record.village] = counts.get(record.village, 0) + 1
        for village, number in sorted(counts.items()):
            click.echo(f"{village}\t{number}")
