"""The emergency office (应急办): accidents and hazards; criteria G5 and N7."""

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
from plugins.builtin.rules_support import absence, by_choice, choices, plural, share_at_least
from store import Record

ACCIDENT = "emergency.accident"
HAZARD = "emergency.hazard"

MIN_RECTIFIED_RATIO = "min_rectified_ratio"

UNIT = UnitSpec(
    code="emergency",
    name=Text("应急办", "Emergency office"),
    criteria=("G5", "N7"),
    thresholds=(
        Threshold(
            MIN_RECTIFIED_RATIO,
            0.9,
            Text("到期隐患最低按期整改率", "Minimum share of due hazards rectified on time"),
            ThresholdKind.RATIO,
        ),
    ),
)

_SUMMARY = Field(
    "summary",
    Kind.TEXT,
    Text("简要情况", "Summary"),
    synonyms=("情况", "摘要", "备注", "简要案情", "内容", "说明"),
)

RECORD_TYPES = (
    RecordType(
        ACCIDENT,
        "emergency",
        Text("安全事故", "Accident"),
        (
            Field(
                "category",
                Kind.ENUM,
                Text("事故类别", "Category"),
                required=True,
                synonyms=("类别", "类型", "事故类型"),
                choices=choices(
                    ("fire", "火灾", "Fire"),
                    ("traffic", "交通", "Traffic"),
                    ("production", "生产", "Production"),
                    ("gas", "燃气", "Gas"),
                    ("electrical", "用电", "Electrical"),
                    ("drowning", "溺水", "Drowning"),
                    ("other", "其他", "Other"),
                ),
            ),
            Field("deaths", Kind.INT, Text("死亡人数", "Deaths"), minimum=0, synonyms=("死亡",)),
            Field(
                "injuries", Kind.INT, Text("受伤人数", "Injuries"), minimum=0, synonyms=("受伤",)
            ),
            _SUMMARY,
        ),
    ),
    RecordType(
        HAZARD,
        "emergency",
        Text("安全隐患", "Hazard"),
        (
            Field("date", Kind.DATE, Text("发现日期", "Found on"), required=True),
            Field(
                "deadline",
                Kind.DATE,
                Text("整改期限", "Deadline"),
                required=True,
                synonyms=("期限", "整改时限"),
            ),
            Field(
                "rectified_on",
                Kind.DATE,
                Text("整改完成日期", "Rectified on"),
                synonyms=("整改日期", "完成日期"),
            ),
            Field("major", Kind.BOOL, Text("重大隐患", "Major"), synonyms=("是否重大",)),
            _SUMMARY,
        ),
    ),
)


def overdue_at(hazard: Record, day: date) -> bool:
    """Whether a hazard is overdue on day: its deadline is before day and it was not rectified
    on or before day (rectified on the deadline itself is on time).
    """
    deadline = hazard.day("deadline")
    if deadline is None or deadline >= day:
        return False
    rectified_on = hazard.day("rectified_on")
    return rectified_on is None or rectified_on > day


def rectified_on_time(hazard: Record) -> bool:
    """Whether a hazard was rectified on or before its deadline."""
    deadline = hazard.day("deadline")
    rectified_on = hazard.day("rectified_on")
    return rectified_on is not None and deadline is not None and rectified_on <= deadline


def check_hazards(ctx: CheckContext) -> Finding:
    """G5: over every hazard found up to the quarter's end, FAIL when a major hazard is overdue at
    quarter end, even one found in an earlier quarter (evidence those hazards); else FAIL when,
    of the hazards whose deadline falls within the quarter, the share rectified by their deadline
    is below min_rectified_ratio (exactly the threshold passes; evidence the late ones).

    Overdue on day D means deadline < D and not rectified on or before D, so a deadline on the
    quarter's last day is not overdue at quarter end. None due: PASS.
    """
    start, end = ctx.quarter.start, ctx.quarter.end
    major_overdue: list[Record] = []
    due: list[Record] = []
    for hazard in ctx.history(HAZARD):
        deadline = hazard.day("deadline")
        if deadline is None:
            continue
        if deadline < end and hazard.flag("major") and overdue_at(hazard, end):
            major_overdue.append(hazard)
        if start <= deadline <= end:
            due.append(hazard)
    if major_overdue:
        return Finding.failed(
            f"季末有逾期未整改的重大隐患 {len(major_overdue)} 处",
            f"{plural(len(major_overdue), 'major hazard', 'major hazards')} overdue at quarter end",
            evidence=major_overdue,
        )
    if not due:
        return Finding.passed("本季度无到期隐患", "No hazards due this quarter")
    late = [h for h in due if not rectified_on_time(h)]
    return share_at_least(
        len(due) - len(late),
        len(due),
        ctx.threshold(MIN_RECTIFIED_RATIO),
        "本季度到期隐患按期整改率",
        "of the hazards due this quarter rectified by their deadline",
        late,
    )


def check_accidents(ctx: CheckContext) -> Finding:
    """N7: FAIL on any accident dated in the quarter."""
    return absence(ctx.records(ACCIDENT), "安全事故", "起", "accident", "accidents")


def warn_late_hazards(ctx: WarningContext) -> list[EarlyWarning]:
    """Hazards past their deadline and not rectified by the day the warnings look from."""
    out = []
    for hazard in ctx.history(HAZARD):
        deadline = hazard.day("deadline")
        done = hazard.day("rectified_on")
        if deadline is None or deadline >= ctx.as_of or (done is not None and done <= ctx.as_of):
            continue
        late = (ctx.as_of - deadline).days
        major = hazard.flag("major")
        out.append(
            EarlyWarning.of(
                hazard.village,
                Severity.HIGH if major else Severity.MEDIUM,
                f"{'重大' if major else ''}隐患逾期 {late} 天未整改（期限 {deadline}）",
                f"{'major ' if major else ''}hazard {late} days past its deadline ({deadline})",
                [hazard],
            )
        )
    return out


def report_safety(ctx: ReportContext) -> ReportBody:
    """The quarter's accidents by category with casualties, and hazards found and rectified."""
    accidents = ctx.records(ACCIDENT)
    count = by_choice(RECORD_TYPES[0], "category", accidents)
    deaths = by_choice(RECORD_TYPES[0], "category", accidents, lambda r: r.number("deaths"))
    injuries = by_choice(RECORD_TYPES[0], "category", accidents, lambda r: r.number("injuries"))
    hazards = ctx.records(HAZARD)
    major = sum(1 for h in hazards if h.flag("major"))
    due = [h for h in hazards if (d := h.day("deadline")) is not None and ctx.quarter.contains(d)]
    on_time = sum(1 for h in due if rectified_on_time(h))
    dead = sum(n for _, n in deaths.values())
    hurt = sum(n for _, n in injuries.values())
    paragraph = Text(
        f"本季度安全事故 {len(accidents)} 起，死亡 {dead} 人，受伤 {hurt} 人；"
        f"排查隐患 {len(hazards)} 处（重大 {major} 处），本季度到期 {len(due)} 处，"
        f"按期整改 {on_time} 处。",
        f"{plural(len(accidents), 'accident', 'accidents')} this quarter, {dead} dead, "
        f"{hurt} injured; {plural(len(hazards), 'hazard', 'hazards')} found ({major} major), "
        f"{len(due)} due this quarter, {on_time} rectified by their deadline.",
    )
    rows = tuple(
        (label, n, deaths[value][1], injuries[value][1]) for value, (label, n) in count.items()
    )
    return ReportBody(
        (paragraph,),
        (
            ReportTable(
                Text("安全事故（按类别）", "Accidents by category"),
                (
                    Text("类别", "Category"),
                    Text("起数", "Accidents"),
                    Text("死亡", "Deaths"),
                    Text("受伤", "Injuries"),
                ),
                rows,
            ),
        ),
    )


plugin = Plugin(
    units=(UNIT,),
    record_types=RECORD_TYPES,
    checks=(
        Check(
            "G5",
            "emergency",
            "emergency.G5",
            check_hazards,
            Text("隐患整改", "Hazard rectification"),
        ),
        Check("N7", "emergency", "emergency.N7", check_accidents, Text("安全事故", "Accidents")),
    ),
    views=(
        ViewSpec(
            "emergency",
            "records",
            Text("事故与隐患", "Accidents and hazards"),
            "plugins.builtin.views.emergency:EmergencyRecords",
        ),
    ),
    warnings=(
        WarningRule(
            "emergency",
            "emergency.late_hazards",
            warn_late_hazards,
            Text("隐患逾期未整改", "Hazards past their deadline"),
        ),
    ),
    report_sections=(
        ReportSection(
            "emergency",
            "emergency.safety",
            Text("应急办：安全事故与隐患", "Emergency office: accidents and hazards"),
            report_safety,
        ),
    ),
)
