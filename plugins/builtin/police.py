"""The police station (派出所): cases, mass incidents, patrols; criteria G4, N1-N3, N6, N8, N9."""

from __future__ import annotations

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
    UnitSpec,
    ViewSpec,
    WarningContext,
    WarningRule,
)
from plugins.builtin.rules_support import absence, by_choice, choices, number, plural
from store import Record

CASE = "police.case"
MASS_INCIDENT = "police.mass_incident"
PATROL = "police.patrol"

MIN_PATROLS = "min_patrols"

UNIT = UnitSpec(
    code="police",
    name=Text("派出所", "Police station"),
    criteria=("G4", "N1", "N2", "N3", "N6", "N8", "N9"),
    thresholds=(
        Threshold(MIN_PATROLS, 6, Text("每季度最少巡逻次数", "Minimum patrols per quarter")),
    ),
)

_SUMMARY = Field(
    "summary",
    Kind.TEXT,
    Text("简要情况", "Summary"),
    synonyms=("情况", "摘要", "备注", "简要案情", "内容", "说明"),
)
_PARTICIPANTS = Field(
    "participants",
    Kind.INT,
    Text("参与人数", "Participants"),
    minimum=0,
    synonyms=("人数", "参加人数", "出动人数"),
)

RECORD_TYPES = (
    RecordType(
        CASE,
        "police",
        Text("案件", "Case"),
        (
            Field(
                "kind",
                Kind.ENUM,
                Text("案件性质", "Kind"),
                required=True,
                synonyms=("类型", "性质", "案件类型", "案件类别", "类别"),
                choices=choices(
                    ("criminal", "刑事", "Criminal"),
                    ("security", "治安", "Public security"),
                ),
            ),
            Field(
                "tags",
                Kind.MULTI_ENUM,
                Text("案件标签", "Tags"),
                synonyms=("标签", "涉案类型", "案件特征"),
                choices=choices(
                    ("gang", "涉黑恶", "Gang or evil forces"),
                    ("pornography", "涉黄", "Pornography"),
                    ("gambling", "涉赌", "Gambling"),
                    ("drugs", "涉毒", "Drugs"),
                    ("cult", "邪教", "Cult"),
                    ("homicide", "命案", "Homicide"),
                    ("fraud", "诈骗", "Fraud"),
                ),
            ),
            Field(
                "case_no",
                Kind.TEXT,
                Text("案件编号", "Case number"),
                synonyms=("案号", "编号", "警情编号", "case no", "case number"),
            ),
            _SUMMARY,
        ),
        natural_key=("case_no",),
    ),
    RecordType(
        MASS_INCIDENT,
        "police",
        Text("群体性事件", "Mass incident"),
        (_PARTICIPANTS, _SUMMARY),
    ),
    RecordType(
        PATROL,
        "police",
        Text("巡逻", "Patrol"),
        (_PARTICIPANTS, _SUMMARY),
    ),
)


def _tagged(ctx: CheckContext, *tags: str) -> list[Record]:
    """The quarter's cases carrying any of tags."""
    return [r for r in ctx.records(CASE) if r.tags("tags") & set(tags)]


def check_gang(ctx: CheckContext) -> Finding:
    """N1: FAIL on any case of the quarter tagged gang; evidence the cases."""
    return absence(
        _tagged(ctx, "gang"), "涉黑恶案件", "起", "gang-related case", "gang-related cases"
    )


def check_vice(ctx: CheckContext) -> Finding:
    """N2: FAIL on any case of the quarter tagged pornography, gambling or drugs (counted once)."""
    return absence(
        _tagged(ctx, "pornography", "gambling", "drugs"),
        "涉黄赌毒案件",
        "起",
        "pornography, gambling or drugs case",
        "pornography, gambling or drugs cases",
    )


def check_cult(ctx: CheckContext) -> Finding:
    """N3: FAIL on any case of the quarter tagged cult."""
    return absence(_tagged(ctx, "cult"), "邪教案件", "起", "cult case", "cult cases")


def check_mass_incidents(ctx: CheckContext) -> Finding:
    """N6: FAIL on any mass incident dated in the quarter."""
    return absence(
        ctx.records(MASS_INCIDENT), "群体性事件", "起", "mass incident", "mass incidents"
    )


def check_security_cases(ctx: CheckContext) -> Finding:
    """N8: FAIL on any case of the quarter whose kind is security (治安)."""
    found = [r for r in ctx.records(CASE) if r.text("kind") == "security"]
    return absence(found, "治安案件", "起", "public-security case", "public-security cases")


def check_criminal_cases(ctx: CheckContext) -> Finding:
    """N9: FAIL on any case of the quarter whose kind is criminal (刑事)."""
    found = [r for r in ctx.records(CASE) if r.text("kind") == "criminal"]
    return absence(found, "刑事案件", "起", "criminal case", "criminal cases")


def check_prevention(ctx: CheckContext) -> Finding:
    """G4: FAIL on any case of the quarter tagged homicide (evidence those cases); else FAIL when
    the quarter has fewer patrols than the threshold min_patrols (exactly the threshold passes;
    evidence the patrols there were).
    """
    homicides = _tagged(ctx, "homicide")
    if homicides:
        return Finding.failed(
            f"本季度发生命案 {len(homicides)} 起",
            f"{plural(len(homicides), 'homicide', 'homicides')} this quarter",
            evidence=homicides,
        )
    patrols = ctx.records(PATROL)
    minimum = ctx.threshold(MIN_PATROLS)
    if len(patrols) < minimum:
        return Finding.lacking(
            f"本季度巡逻 {len(patrols)} 次，少于 {number(minimum)} 次",
            f"{plural(len(patrols), 'patrol', 'patrols')} this quarter, fewer than "
            f"{number(minimum)}",
            evidence=patrols,
        )
    return Finding.passed(
        f"本季度巡逻 {len(patrols)} 次（不少于 {number(minimum)} 次），无命案",
        f"{plural(len(patrols), 'patrol', 'patrols')} this quarter (at least {number(minimum)}), "
        "no homicide",
    )


def warn_rising_cases(ctx: WarningContext) -> list[EarlyWarning]:
    """Villages with more cases so far this quarter than in the whole previous quarter."""
    now: dict[str, list[Record]] = {}
    for case in ctx.records(CASE):
        now.setdefault(case.village, []).append(case)
    before: dict[str, int] = {}
    for case in ctx.previous(CASE):
        before[case.village] = before.get(case.village, 0) + 1
    out = []
    for village, cases in sorted(now.items()):
        was = before.get(village, 0)
        if len(cases) > was:
            out.append(
                EarlyWarning.of(
                    village,
                    Severity.MEDIUM if len(cases) >= was + 2 else Severity.LOW,
                    f"案件上升：本季度 {len(cases)} 起，上季度 {was} 起",
                    f"cases rising: {len(cases)} this quarter, {was} the previous one",
                    cases,
                )
            )
    return out


def report_cases(ctx: ReportContext) -> ReportBody:
    """The quarter's cases by kind and by tag, mass incidents and patrols: counts only."""
    cases = ctx.records(CASE)
    kinds = by_choice(RECORD_TYPES[0], "kind", cases)
    tags = by_choice(RECORD_TYPES[0], "tags", cases)
    incidents = len(ctx.records(MASS_INCIDENT))
    patrols: dict[str, int] = {}
    for patrol in ctx.records(PATROL):
        patrols[patrol.village] = patrols.get(patrol.village, 0) + 1
    minimum = ctx.threshold(MIN_PATROLS)
    short = sum(1 for v in ctx.villages() if patrols.get(v.code, 0) < minimum)
    criminal, security = kinds["criminal"][1], kinds["security"][1]
    total_patrols = sum(patrols.values())
    paragraph = Text(
        f"本季度案件 {len(cases)} 起（刑事 {criminal} 起、治安 {security} 起），"
        f"群体性事件 {incidents} 起，巡逻 {total_patrols} 次；"
        f"巡逻不足 {number(minimum)} 次的村 {short} 个。",
        f"{plural(len(cases), 'case', 'cases')} this quarter ({criminal} criminal, "
        f"{security} public security), {plural(incidents, 'mass incident', 'mass incidents')}, "
        f"{plural(total_patrols, 'patrol', 'patrols')}; {short} villages had fewer than "
        f"{number(minimum)} patrols.",
    )
    count = Text("起数", "Cases")
    return ReportBody(
        (paragraph,),
        (
            ReportTable(
                Text("案件（按性质）", "Cases by kind"),
                (Text("性质", "Kind"), count),
                tuple((label, n) for label, n in kinds.values()),
            ),
            ReportTable(
                Text("案件（按标签）", "Cases by tag"),
                (Text("标签", "Tag"), count),
                tuple((label, n) for label, n in tags.values()),
            ),
        ),
    )


plugin = Plugin(
    units=(UNIT,),
    record_types=RECORD_TYPES,
    checks=(
        Check(
            "G4",
            "police",
            "police.G4",
            check_prevention,
            Text("命案与巡逻次数", "Homicides and patrols"),
        ),
        Check("N1", "police", "police.N1", check_gang, Text("涉黑恶案件", "Gang-related cases")),
        Check("N2", "police", "police.N2", check_vice, Text("涉黄赌毒案件", "Vice and drug cases")),
        Check("N3", "police", "police.N3", check_cult, Text("邪教案件", "Cult cases")),
        Check(
            "N6", "police", "police.N6", check_mass_incidents, Text("群体性事件", "Mass incidents")
        ),
        Check(
            "N8", "police", "police.N8", check_security_cases, Text("治安案件", "Security cases")
        ),
        Check(
            "N9", "police", "police.N9", check_criminal_cases, Text("刑事案件", "Criminal cases")
        ),
    ),
    views=(
        ViewSpec(
            "police", "cases", Text("案件台账", "Case log"), "plugins.builtin.views.police:CaseLog"
        ),
    ),
    warnings=(
        WarningRule(
            "police",
            "police.rising_cases",
            warn_rising_cases,
            Text("案件较上季度上升", "Cases rising against the previous quarter"),
        ),
    ),
    report_sections=(
        ReportSection(
            "police",
            "police.cases",
            Text("派出所：案件与巡逻", "Police: cases and patrols"),
            report_cases,
        ),
    ),
)
