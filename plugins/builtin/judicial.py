"""The judicial office (司法所): disputes and lawsuits; criteria G3 and N4."""

from __future__ import annotations

from datetime import date

from plugins import (
    Check,
    CheckContext,
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
    Threshold,
    ThresholdKind,
    UnitSpec,
    ViewSpec,
    WarningContext,
    WarningRule,
)
from plugins.builtin.rules_support import (
    absence,
    by_choice,
    choices,
    percent,
    plural,
    share_at_least,
)
from store import Record

DISPUTE = "judicial.dispute"
LAWSUIT = "judicial.lawsuit"

MIN_RESOLVED_RATIO = "min_resolved_ratio"

UNIT = UnitSpec(
    code="judicial",
    name=Text("司法所", "Judicial office"),
    criteria=("G3", "N4"),
    thresholds=(
        Threshold(
            MIN_RESOLVED_RATIO,
            0.9,
            Text("季度纠纷最低化解率", "Minimum share of the quarter's disputes resolved"),
            ThresholdKind.RATIO,
        ),
    ),
)

RECORD_TYPES = (
    RecordType(
        DISPUTE,
        "judicial",
        Text("矛盾纠纷", "Dispute"),
        (
            Field("date", Kind.DATE, Text("登记日期", "Registered on"), required=True),
            Field(
                "category",
                Kind.ENUM,
                Text("纠纷类别", "Category"),
                required=True,
                synonyms=("类别", "类型", "纠纷类型"),
                choices=choices(
                    ("land", "土地", "Land"),
                    ("neighbour", "邻里", "Neighbours"),
                    ("family", "婚姻家庭", "Family"),
                    ("labour", "劳资", "Labour"),
                    ("contract", "合同", "Contract"),
                    ("other", "其他", "Other"),
                ),
            ),
            Field(
                "status",
                Kind.ENUM,
                Text("状态", "Status"),
                required=True,
                synonyms=("调处状态", "化解状态", "办理状态"),
                choices=choices(
                    ("open", "待调处", "Open"),
                    ("mediating", "调处中", "Mediating"),
                    ("resolved", "已化解", "Resolved"),
                ),
            ),
            Field("resolved_on", Kind.DATE, Text("化解日期", "Resolved on")),
            Field(
                "resolved_level",
                Kind.ENUM,
                Text("化解层级", "Resolved at"),
                choices=choices(
                    ("village", "村级", "Village"),
                    ("town", "镇级", "Town"),
                    ("above", "镇以上", "Above the town"),
                ),
            ),
            Field("turned_criminal", Kind.BOOL, Text("民转刑", "Turned criminal")),
        ),
    ),
    RecordType(
        LAWSUIT,
        "judicial",
        Text("诉讼", "Lawsuit"),
        (
            Field("date", Kind.DATE, Text("立案日期", "Filed on"), required=True),
            Field(
                "case_no",
                Kind.TEXT,
                Text("案号", "Case number"),
                synonyms=("案件编号", "编号", "case no", "case number"),
            ),
            Field(
                "summary",
                Kind.TEXT,
                Text("简要情况", "Summary"),
                synonyms=("情况", "摘要", "备注", "简要案情", "内容", "说明"),
            ),
        ),
        natural_key=("case_no",),
    ),
)


def resolved_by(dispute: Record, day: date) -> bool:
    """Whether a dispute counts as resolved on day: status resolved, resolved_on empty or <= day."""
    if dispute.text("status") != "resolved":
        return False
    resolved_on = dispute.day("resolved_on")
    return resolved_on is None or resolved_on <= day


def check_disputes(ctx: CheckContext) -> Finding:
    """G3: FAIL when a dispute registered in the quarter turned criminal or was resolved above
    the town (evidence those disputes); else FAIL when the share resolved by quarter end is below
    min_resolved_ratio (exactly the threshold passes; evidence the unresolved disputes).

    A dispute is resolved by quarter end when its status is resolved and resolved_on is empty
    or not after the quarter's last day. No disputes: PASS.
    """
    disputes = ctx.records(DISPUTE)
    if not disputes:
        return Finding.passed("本季度无矛盾纠纷", "No disputes this quarter")
    criminal = [r for r in disputes if r.flag("turned_criminal")]
    above = [r for r in disputes if r.text("resolved_level") == "above"]
    if criminal or above:
        return Finding.failed(
            f"本季度纠纷民转刑 {len(criminal)} 件、镇以上化解 {len(above)} 件",
            f"{plural(len(criminal), 'dispute', 'disputes')} of the quarter turned criminal, "
            f"{len(above)} resolved above the town",
            evidence=criminal + above,
        )
    end = ctx.quarter.end
    unresolved = [r for r in disputes if not resolved_by(r, end)]
    return share_at_least(
        len(disputes) - len(unresolved),
        len(disputes),
        ctx.threshold(MIN_RESOLVED_RATIO),
        "本季度纠纷化解率",
        "of the quarter's disputes resolved by quarter end",
        unresolved,
    )


def check_lawsuits(ctx: CheckContext) -> Finding:
    """N4: FAIL on any lawsuit filed in the quarter."""
    return absence(ctx.records(LAWSUIT), "诉讼案件", "件", "lawsuit", "lawsuits")


DISPUTE_DAYS = 30
"""A dispute still open after this many days is a warning; after three times as long, severe."""


def warn_old_disputes(ctx: WarningContext) -> list[EarlyWarning]:
    """Disputes open more than 30 days (not resolved by the day the warnings look from)."""
    out = []
    for dispute in ctx.history(DISPUTE):
        age = (ctx.as_of - dispute.date).days
        if age > DISPUTE_DAYS and not resolved_by(dispute, ctx.as_of):
            severity = Severity.HIGH if age > 3 * DISPUTE_DAYS else Severity.MEDIUM
            out.append(
                EarlyWarning.of(
                    dispute.village,
                    severity,
                    f"矛盾纠纷已登记 {age} 天未化解（{dispute.date}）",
                    f"dispute open for {age} days (registered {dispute.date})",
                    [dispute],
                )
            )
    return out


def report_disputes(ctx: ReportContext) -> ReportBody:
    """The quarter's disputes by category and how many were resolved, and lawsuits: counts."""
    disputes = ctx.records(DISPUTE)
    end = ctx.quarter.end
    registered = by_choice(RECORD_TYPES[0], "category", disputes)
    resolved = by_choice(
        RECORD_TYPES[0], "category", disputes, lambda r: 1 if resolved_by(r, end) else 0
    )
    done = sum(n for _, n in resolved.values())
    criminal = sum(1 for r in disputes if r.flag("turned_criminal"))
    above = sum(1 for r in disputes if r.text("resolved_level") == "above")
    lawsuits = len(ctx.records(LAWSUIT))
    share = percent(done, len(disputes)) if disputes else "-"
    paragraph = Text(
        f"本季度登记矛盾纠纷 {len(disputes)} 件，季末已化解 {done} 件（化解率 {share}），"
        f"民转刑 {criminal} 件，镇以上化解 {above} 件；诉讼 {lawsuits} 件。",
        f"{plural(len(disputes), 'dispute', 'disputes')} registered this quarter, {done} "
        f"resolved by its end ({share}), {criminal} turned criminal, {above} resolved above "
        f"the town; {plural(lawsuits, 'lawsuit', 'lawsuits')}.",
    )
    rows = tuple((label, n, resolved[value][1]) for value, (label, n) in registered.items())
    return ReportBody(
        (paragraph,),
        (
            ReportTable(
                Text("矛盾纠纷（按类别）", "Disputes by category"),
                (Text("类别", "Category"), Text("登记", "Registered"), Text("已化解", "Resolved")),
                rows,
            ),
        ),
    )


plugin = Plugin(
    units=(UNIT,),
    record_types=RECORD_TYPES,
    checks=(
        Check(
            "G3", "judicial", "judicial.G3", check_disputes, Text("纠纷化解", "Dispute resolution")
        ),
        Check("N4", "judicial", "judicial.N4", check_lawsuits, Text("诉讼案件", "Lawsuits")),
    ),
    views=(
        ViewSpec(
            "judicial",
            "records",
            Text("纠纷与诉讼", "Disputes and lawsuits"),
            "plugins.builtin.views.judicial:JudicialRecords",
        ),
    ),
    warnings=(
        WarningRule(
            "judicial",
            "judicial.old_disputes",
            warn_old_disputes,
            Text("纠纷超过30天未化解", "Disputes open over 30 days"),
        ),
    ),
    report_sections=(
        ReportSection(
            "judicial",
            "judicial.disputes",
            Text("司法所：矛盾纠纷化解", "Judicial office: disputes"),
            report_disputes,
        ),
    ),
)
