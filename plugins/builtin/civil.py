"""The civil affairs office (民政办): petitions and key populations; criteria G6 and N5."""

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
    UnitSpec,
    ViewSpec,
    WarningContext,
    WarningRule,
)
from plugins.builtin.rules_support import by_choice, choices, plural
from store import Record

PETITION = "civil.petition"
KEY_POPULATION = "civil.key_population"

UNIT = UnitSpec(
    code="civil",
    name=Text("民政办", "Civil affairs office"),
    criteria=("G6", "N5"),
)

RECORD_TYPES = (
    RecordType(
        PETITION,
        "civil",
        Text("信访", "Petition"),
        (
            Field(
                "level",
                Kind.ENUM,
                Text("信访层级", "Level"),
                required=True,
                synonyms=("层级", "级别", "信访级别"),
                choices=choices(
                    ("village", "村", "Village"),
                    ("town", "镇", "Town"),
                    ("district", "区", "District"),
                    ("city", "市", "City"),
                    ("province", "省", "Province"),
                    ("national", "国家", "National"),
                ),
            ),
            Field("skip_level", Kind.BOOL, Text("越级上访", "Skip-level"), synonyms=("越级",)),
            Field("collective", Kind.BOOL, Text("集访", "Collective"), synonyms=("集体访",)),
            Field("abnormal", Kind.BOOL, Text("非访", "Abnormal")),
            Field(
                "summary",
                Kind.TEXT,
                Text("简要情况", "Summary"),
                synonyms=("情况", "摘要", "备注", "简要案情", "内容", "说明"),
            ),
        ),
    ),
    RecordType(
        KEY_POPULATION,
        "civil",
        Text("重点人群", "Key population"),
        (
            Field("date", Kind.DATE, Text("统计日期", "Counted on"), required=True),
            Field(
                "category",
                Kind.ENUM,
                Text("人群类别", "Category"),
                required=True,
                synonyms=("类别", "类型", "人员类别"),
                choices=choices(
                    ("community_correction", "社区矫正对象", "Community correction"),
                    ("released_prisoner", "刑满释放人员", "Released prisoners"),
                    ("mental_disorder", "严重精神障碍患者", "Severe mental disorder"),
                    ("drug_user", "吸毒人员", "Drug users"),
                    ("threat_speaker", "扬言滋事人员", "Threat speakers"),
                    ("other", "其他", "Other"),
                ),
            ),
            Field(
                "registered",
                Kind.INT,
                Text("登记人数", "Registered"),
                required=True,
                minimum=0,
                synonyms=("登记",),
            ),
            Field(
                "served",
                Kind.INT,
                Text("服务管理人数", "Served"),
                required=True,
                minimum=0,
                synonyms=("服务管理", "管理人数"),
            ),
            Field(
                "incidents", Kind.INT, Text("肇事肇祸", "Incidents"), minimum=0, synonyms=("肇事",)
            ),
        ),
    ),
)

_PETITION_FLAGS = ("skip_level", "collective", "abnormal")


def check_petitions(ctx: CheckContext) -> Finding:
    """N5: FAIL on any petition of the quarter that was skip-level, collective or abnormal."""
    petitions = ctx.records(PETITION)
    found = [r for r in petitions if any(r.flag(name) for name in _PETITION_FLAGS)]
    if not found:
        return Finding.passed(
            f"本季度信访 {len(petitions)} 件，无越级访、集访、非访",
            f"{plural(len(petitions), 'petition', 'petitions')} this quarter, none skip-level, "
            "collective or abnormal",
        )
    skip, collective, abnormal = (sum(r.flag(name) for r in found) for name in _PETITION_FLAGS)
    return Finding.failed(
        f"本季度越级访 {skip} 件、集访 {collective} 件、非访 {abnormal} 件",
        f"{skip} skip-level, {collective} collective, {abnormal} abnormal "
        f"({plural(len(found), 'petition', 'petitions')}) this quarter",
        evidence=found,
    )


def check_key_populations(ctx: CheckContext) -> Finding:
    """G6: FAIL when a key-population row of the quarter has incidents > 0 or served < registered
    (evidence those rows). No rows: PASS.
    """
    rows = ctx.records(KEY_POPULATION)
    if not rows:
        return Finding.passed("本季度无重点人群记录", "No key-population rows this quarter")
    registered = sum(r.number("registered") for r in rows)
    served = sum(r.number("served") for r in rows)
    incidents = sum(r.number("incidents") for r in rows)
    bad = [
        r for r in rows if r.number("incidents") > 0 or r.number("served") < r.number("registered")
    ]
    if not bad:
        return Finding.passed(
            f"本季度重点人群登记 {registered} 人，全部服务管理，无肇事肇祸",
            f"{registered} key-population people registered this quarter, all served, no incidents",
        )
    return Finding.failed(
        f"本季度重点人群登记 {registered} 人、服务管理 {served} 人、肇事肇祸 {incidents} 起"
        f"（{len(bad)} 条记录不达标）",
        f"{registered} key-population people registered, {served} served, "
        f"{plural(incidents, 'incident', 'incidents')} this quarter "
        f"({plural(len(bad), 'row', 'rows')} failing)",
        evidence=bad,
    )


def warn_town_petitions(ctx: WarningContext) -> list[EarlyWarning]:
    """Petitions of the quarter at town level: one step from going above the town."""
    by_village: dict[str, list[Record]] = {}
    for petition in ctx.records(PETITION):
        if petition.text("level") == "town":
            by_village.setdefault(petition.village, []).append(petition)
    return [
        EarlyWarning.of(
            village,
            Severity.MEDIUM if len(found) > 1 else Severity.LOW,
            f"本季度镇级信访 {len(found)} 件，有越级风险",
            f"{len(found)} petitions at town level this quarter: risk of escalation",
            found,
        )
        for village, found in sorted(by_village.items())
    ]


def report_people(ctx: ReportContext) -> ReportBody:
    """The quarter's petitions by level and key populations by category: counts only."""
    petitions = ctx.records(PETITION)
    levels = by_choice(RECORD_TYPES[0], "level", petitions)
    skip, collective, abnormal = (
        sum(1 for r in petitions if r.flag(name)) for name in _PETITION_FLAGS
    )
    rows = ctx.records(KEY_POPULATION)
    registered = by_choice(RECORD_TYPES[1], "category", rows, lambda r: r.number("registered"))
    served = by_choice(RECORD_TYPES[1], "category", rows, lambda r: r.number("served"))
    incidents = by_choice(RECORD_TYPES[1], "category", rows, lambda r: r.number("incidents"))
    paragraph = Text(
        f"本季度信访 {len(petitions)} 件，其中越级 {skip} 件、集访 {collective} 件、"
        f"非访 {abnormal} 件；重点人群登记 {sum(n for _, n in registered.values())} 人，"
        f"服务管理 {sum(n for _, n in served.values())} 人，"
        f"肇事肇祸 {sum(n for _, n in incidents.values())} 起。",
        f"{plural(len(petitions), 'petition', 'petitions')} this quarter: {skip} skip-level, "
        f"{collective} collective, {abnormal} abnormal; key populations: "
        f"{sum(n for _, n in registered.values())} registered, "
        f"{sum(n for _, n in served.values())} served, "
        f"{sum(n for _, n in incidents.values())} incidents.",
    )
    return ReportBody(
        (paragraph,),
        (
            ReportTable(
                Text("信访（按层级）", "Petitions by level"),
                (Text("层级", "Level"), Text("件数", "Petitions")),
                tuple((label, n) for label, n in levels.values()),
            ),
            ReportTable(
                Text("重点人群（按类别）", "Key populations by category"),
                (
                    Text("类别", "Category"),
                    Text("登记", "Registered"),
                    Text("服务管理", "Served"),
                    Text("肇事肇祸", "Incidents"),
                ),
                tuple(
                    (label, n, served[value][1], incidents[value][1])
                    for value, (label, n) in registered.items()
                ),
            ),
        ),
    )


plugin = Plugin(
    units=(UNIT,),
    record_types=RECORD_TYPES,
    checks=(
        Check(
            "G6", "civil", "civil.G6", check_key_populations, Text("重点人群", "Key populations")
        ),
        Check("N5", "civil", "civil.N5", check_petitions, Text("越级上访", "Skip-level petitions")),
    ),
    views=(
        ViewSpec(
            "civil",
            "records",
            Text("信访与重点人群", "Petitions and key populations"),
            "plugins.builtin.views.civil:CivilRecords",
        ),
    ),
    warnings=(
        WarningRule(
            "civil",
            "civil.town_petitions",
            warn_town_petitions,
            Text("镇级信访", "Petitions at town level"),
        ),
    ),
    report_sections=(
        ReportSection(
            "civil",
            "civil.people",
            Text("民政办：信访与重点人群", "Civil affairs: petitions and key populations"),
            report_people,
        ),
    ),
)
