"""The quarter's report to the district built from the store, worded in one language.

Built from the finalized snapshot; an open quarter is built from the live grid and marked
DRAFT. Sections: the town's summary, offices, failures per criterion, the negative list with
rectification items, streak flags and commendation candidates, the units' returns, the rate
per quarter against the target, then each unit's own section.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from plugins.api import State
from plugins.criteria import BY_CODE, CRITERIA
from plugins.i18n import Text
from plugins.lists import commendation, flagged, negative_entry, target
from plugins.manager import PluginHost
from plugins.quarters import QuarterGrid, VillageRow, quarter_grid, quarter_status
from plugins.rectification import STATUS_WORDS, items
from plugins.reports.model import Cell, Labels, Rate, RatePoint, Report, Section, Table
from plugins.reports.sections import unit_sections
from plugins.reports.stamp import stamp_of
from store import Quarter, Store, quarter_range

RETURN_DUE = "office.return_due_days"
RETURN_DUE_DEFAULT = 3
"""Days after a quarter's end by which a unit's return counts as on time."""
TREND_QUARTERS = 12
"""How many quarters, the reported one last, the rate chart shows at most."""

_NUMERALS = "一二三四"


def quarter_words(quarter: Quarter) -> Text:
    """2023年第三季度 / 2023 Q3."""
    return Text(
        f"{quarter.year}年第{_NUMERALS[quarter.number - 1]}季度",
        f"{quarter.year} Q{quarter.number}",
    )


def chinese_number(n: int) -> str:
    """1..99 in Chinese numerals, as section numbers are written (十一, 二十)."""
    digits = "零一二三四五六七八九"
    tens, ones = divmod(n, 10)
    if tens == 0:
        return digits[ones]
    return f"{'' if tens == 1 else digits[tens]}十{digits[ones] if ones else ''}"


def date_words(day: date) -> Text:
    """2026年12月2日 / 2 December 2026."""
    return Text(f"{day.year}年{day.month}月{day.day}日", f"{day.day} {day:%B} {day.year}")


def has_data(store: Store, quarter: Quarter) -> bool:
    """Whether the store knows anything of the quarter: a snapshot, records or returns."""
    return (
        store.snapshot(quarter) is not None
        or bool(store.partition(quarter).by_id)
        or bool(store.returns(quarter))
    )


def _rate(grid: QuarterGrid) -> float:
    return grid.compliant / len(grid.rows) if grid.rows else 0.0


class _Builder:
    """Builds the sections of one report; `t` and `w` word a label in the report's language."""

    def __init__(
        self, store: Store, host: PluginHost, quarter: Quarter, lang: str, today: date
    ) -> None:
        self.store = store
        self.host = host
        self.quarter = quarter
        self.lang = lang
        self.today = today
        self.grid = quarter_grid(store, host, quarter)
        self.names = {v.code: v.name for v in store.villages(active_only=False)}
        self.waiting = {r.code for r in self.grid.waiting}

    def t(self, zh: str, en: str) -> str:
        return en if self.lang == "en" else zh

    def w(self, text: Text) -> str:
        return text.get(self.lang)

    def unit_name(self, code: str) -> str:
        unit = self.host.registry.units.get(code)
        return self.w(unit.name) if unit else code

    def criterion_name(self, code: str) -> str:
        found = BY_CODE.get(code)
        return f"{code} {self.w(found.name)}" if found else code

    def village(self, code: str) -> str:
        return self.names.get(code, code)

    def table(self, title: Text, headers: list[Text], rows: list[list[Cell]]) -> Table:
        return Table(self.w(title), [self.w(h) for h in headers], rows)

    # sections

    def waiting_words(self, grid: QuarterGrid) -> str:
        """'35 个村待定（35 村等民政办报表，35 村等会议决定）': the open quarter's waiting."""
        causes = grid.causes
        parts = [
            self.t(
                f"{count} 村等{self.unit_name(code)}报表",
                f"{count} await {self.unit_name(code)}'s return",
            )
            for code, count in causes.returns
        ]
        if causes.meeting:
            parts.append(self.t(f"{causes.meeting} 村等会议决定", f"{causes.meeting} the meeting"))
        return self.t(
            f"{len(grid.waiting)} 个村待定（{'，'.join(parts)}）",
            f"{len(grid.waiting)} villages pending ({', '.join(parts)})",
        )

    def summary(self) -> Section:
        grid, q = self.grid, self.quarter
        goal = target(grid)
        rate = _rate(grid)
        prev_q = q.previous()
        rate_label = self.t("达标率（暂定）", "Compliance rate (provisional)")
        rows: list[list[Cell]] = [
            [self.t("行政村总数", "Villages"), len(grid.rows)],
            [self.t("达标村数", "Compliant villages"), grid.compliant],
            [self.t("不达标村数", "Failing villages"), grid.failing],
            [self.t("待定村数", "Pending villages"), len(grid.waiting)],
            [
                rate_label if grid.provisional else self.t("达标率", "Compliance rate"),
                Rate(rate),
            ],
        ]
        if grid.provisional:
            rows.append(
                [
                    self.t("待定村全部达标时的达标率", "Rate if every pending village complies"),
                    Rate(grid.best_rate),
                ]
            )
        rows += [
            [self.t(f"{q.year}年目标", f"Target for {q.year}"), Rate(grid.target)],
            [self.t("距目标尚差（村）", "Villages still needed for the target"), goal.needed],
        ]
        paragraphs = [
            self.t(
                f"{self.store.settings().town}共有行政村 {len(grid.rows)} 个，"
                f"{self.w(quarter_words(q))}达标 {grid.compliant} 个，达标率 {Rate(rate)}；"
                f"{q.year}年目标为 {Rate(grid.target)}，"
                + ("已达到目标。" if goal.needed == 0 else f"尚差 {goal.needed} 个村达标。"),
                f"{len(grid.rows)} villages, of which {grid.compliant} complied in "
                f"{self.w(quarter_words(q))}: a rate of {Rate(rate)} against the {q.year} "
                f"target of {Rate(grid.target)}; "
                + (
                    "the target is met."
                    if goal.needed == 0
                    else f"{goal.needed} more villages must comply to meet it."
                ),
            )
        ]
        if grid.provisional:
            paragraphs.append(
                self.t(
                    f"达标率为暂定值：{self.waiting_words(grid)}，待报表和会议决定后方能判定，"
                    f"不计为不达标；确定不达标 {grid.failing} 个。待定村全部达标时，达标率可达 "
                    f"{Rate(grid.best_rate)}。",
                    f"The rate is provisional: {self.waiting_words(grid)}, neither compliant nor "
                    f"failing; {grid.failing} fail. Were every pending village to comply, the "
                    f"rate would reach {Rate(grid.best_rate)}.",
                )
            )
        if has_data(self.store, prev_q):
            prev = quarter_grid(self.store, self.host, prev_q)
            before = _rate(prev)
            rows.append(
                [
                    self.t(f"上季度（{prev_q}）达标率", f"Rate of {prev_q}")
                    + (self.t("（暂定）", " (provisional)") if prev.provisional else ""),
                    Rate(before),
                ]
            )
            if grid.provisional or prev.provisional:
                waits = self.t("本季度", "this quarter") if grid.provisional else str(prev_q)
                rows.append(
                    [
                        self.t("较上季度变化", "Change"),
                        self.t("待定，暂不比较", "pending, not compared"),
                    ]
                )
                paragraphs.append(
                    self.t(
                        f"上季度（{prev_q}）达标率 {Rate(before)}（达标 {prev.compliant} 个）；"
                        f"{waits}尚有村待定，暂不作升降比较。",
                        f"The rate of {prev_q} was {Rate(before)} ({prev.compliant} compliant); "
                        f"villages of {waits} are still pending, so the two are not compared.",
                    )
                )
            else:
                points = (rate - before) * 100
                rows += [
                    [
                        self.t("较上季度变化（百分点）", "Change (percentage points)"),
                        round(points, 1),
                    ],
                    [
                        self.t("较上季度达标村数变化", "Change in compliant villages"),
                        grid.compliant - prev.compliant,
                    ],
                ]
                if abs(points) < 0.05:
                    moved = self.t("与上季度持平", "unchanged from the previous quarter")
                elif points > 0:
                    moved = self.t(
                        f"较上季度上升 {points:.1f} 个百分点", f"up {points:.1f} points on {prev_q}"
                    )
                else:
                    moved = self.t(
                        f"较上季度下降 {-points:.1f} 个百分点",
                        f"down {-points:.1f} points on {prev_q}",
                    )
                paragraphs.append(
                    self.t(
                        f"达标率{moved}（上季度 {Rate(before)}，达标 {prev.compliant} 个）。",
                        f"The rate is {moved} ({Rate(before)}, {prev.compliant} compliant).",
                    )
                )
        else:
            rows.append([self.t("较上季度变化", "Change"), self.t("上季度无数据", "no data")])
            paragraphs.append(
                self.t(
                    f"上季度（{prev_q}）无数据，不作比较。",
                    f"No data for the previous quarter ({prev_q}); no comparison.",
                )
            )
        status = quarter_status(self.store, q)
        paragraphs.append(self.w(status.deadline_text(self.today)) + self.t("。", "."))
        if not grid.finalized:
            paragraphs.append(
                self.t(
                    "本季度尚未定稿，以下为实时数据，仅供参考（草稿）。",
                    "This quarter is not finalized: the figures are live data (DRAFT).",
                )
            )
        return Section(
            "summary",
            self.t("一、总体情况", "1. Summary"),
            paragraphs,
            [
                self.table(
                    Text("总体情况", "Summary"), [Text("项目", "Item"), Text("数值", "Value")], rows
                )
            ],
        )

    def offices(self) -> Section:
        order: list[str] = []
        by_office: dict[str, list[VillageRow]] = {}
        for row in self.grid.rows:
            if row.office not in by_office:
                order.append(row.office)
            by_office.setdefault(row.office, []).append(row)
        rows: list[list[Cell]] = []
        for office in order:
            members = by_office[office]
            ok = sum(1 for r in members if r.complies)
            pending = sum(1 for r in members if r.code in self.waiting)
            rows.append(
                [
                    office or self.t("（未分办事处）", "(no office)"),
                    len(members),
                    ok,
                    len(members) - ok - pending,
                    pending,
                    Rate(ok / len(members)),
                ]
            )
        rows.append(
            [
                self.t("合计", "Total"),
                len(self.grid.rows),
                self.grid.compliant,
                self.grid.failing,
                len(self.grid.waiting),
                Rate(_rate(self.grid)),
            ]
        )
        headers = [
            Text("办事处", "Office"),
            Text("村数", "Villages"),
            Text("达标", "Compliant"),
            Text("未达标", "Not compliant"),
            Text("待定", "Pending"),
            Text("达标率（暂定）", "Rate (provisional)")
            if self.grid.provisional
            else Text("达标率", "Rate"),
        ]
        return Section(
            "offices",
            self.t("二、各办事处情况", "2. By office"),
            [],
            [self.table(Text("各办事处达标情况", "Compliance by office"), headers, rows)],
        )

    def criteria(self) -> Section:
        rows: list[list[Cell]] = []
        for criterion in CRITERIA:
            states = [r.states.get(criterion.code) for r in self.grid.rows]
            owners = [
                self.unit_name(u.code)
                for u in self.host.registry.units.values()
                if criterion.code in u.criteria
            ]
            rows.append(
                [
                    criterion.code,
                    self.w(criterion.name),
                    states.count(State.FAIL),
                    states.count(State.PENDING),
                    states.count(State.ERROR),
                    self.t("、", ", ").join(owners),
                ]
            )
        headers = [
            Text("代码", "Code"),
            Text("指标", "Criterion"),
            Text("不达标村数", "Failing"),
            Text("待定村数", "Pending"),
            Text("出错村数", "Error"),
            Text("责任单位", "Responsible units"),
        ]
        failing = sum(1 for row in rows if row[2])
        return Section(
            "criteria",
            self.t("三、各项指标未达标情况", "3. Failures by criterion"),
            [
                self.t(
                    f"十五项指标中有 {failing} 项存在不达标的村。",
                    f"{failing} of the fifteen criteria have failing villages.",
                )
            ],
            [
                self.table(
                    Text("各项指标未达标村数", "Failing villages per criterion"), headers, rows
                )
            ],
        )

    def negative(self) -> Section:
        sep = self.t("、", ", ")
        negative_rows: list[list[Cell]] = []
        pending_rows: list[list[Cell]] = []
        for row in self.grid.rows:
            if row.complies:
                continue
            entry = negative_entry(self.host, row)
            (pending_rows if row.code in self.waiting else negative_rows).append(
                [
                    row.code,
                    row.name,
                    row.office,
                    sep.join(self.criterion_name(c) for c in entry["failing"]),
                    sep.join(self.criterion_name(c) for c in entry["pending"]),
                    sep.join(self.unit_name(u) for u in entry["units"]),
                ]
            )
        q = self.quarter
        item_rows: list[list[Cell]] = []
        for item in items(self.store, self.today):
            opened = Quarter.parse(item.opened)
            closed = Quarter.parse(item.closed) if item.closed else None
            if opened > q or (closed is not None and closed < q):
                continue
            item_rows.append(
                [
                    item.id,
                    f"{item.village} {self.village(item.village)}",
                    self.criterion_name(item.criterion),
                    self.unit_name(item.unit),
                    item.opened,
                    item.deadline.isoformat(),
                    self.w(STATUS_WORDS[item.status]),
                    item.closed or "",
                ]
            )
        open_items = sum(1 for r in item_rows if not r[7])
        paragraphs = [
            self.t(
                f"未达标村 {len(negative_rows)} 个，列入负面清单；"
                f"涉及本季度的整改事项 {len(item_rows)} 项，其中未销号 {open_items} 项。",
                f"{len(negative_rows)} villages do not comply and are on the negative list; "
                f"{len(item_rows)} rectification items concern this quarter, "
                f"{open_items} of them still open.",
            )
        ]
        if pending_rows:
            paragraphs.append(
                self.t(
                    f"另有 {self.waiting_words(self.grid)}，没有不达标的指标，未列入负面清单，"
                    "见待定村表。",
                    f"Besides, {self.waiting_words(self.grid)} fail no criterion and are not on "
                    "the negative list; see the table of pending villages.",
                )
            )
        if not self.grid.finalized:
            paragraphs.append(
                self.t(
                    "本季度的整改事项在定稿时生成，下表为以前季度仍在整改的事项。",
                    "This quarter's own items open when it is finalized; the table shows "
                    "earlier items still being rectified.",
                )
            )
        return Section(
            "negative",
            self.t("四、负面清单及整改", "4. Negative list and rectification"),
            paragraphs,
            [
                self.table(
                    Text("负面清单", "Negative list"),
                    [
                        Text("村代码", "Code"),
                        Text("村名", "Village"),
                        Text("办事处", "Office"),
                        Text("不达标指标", "Failing criteria"),
                        Text("待定指标", "Pending criteria"),
                        Text("责任单位", "Responsible units"),
                    ],
                    negative_rows,
                ),
                *(
                    [
                        self.table(
                            Text("待定村", "Pending villages"),
                            [
                                Text("村代码", "Code"),
                                Text("村名", "Village"),
                                Text("办事处", "Office"),
                                Text("待定指标", "Pending criteria"),
                                Text("责任单位", "Responsible units"),
                            ],
                            [row[:3] + row[4:] for row in pending_rows],
                        )
                    ]
                    if pending_rows
                    else []
                ),
                self.table(
                    Text("整改事项", "Rectification items"),
                    [
                        Text("编号", "No."),
                        Text("村", "Village"),
                        Text("指标", "Criterion"),
                        Text("责任单位", "Responsible unit"),
                        Text("立项季度", "Opened"),
                        Text("整改期限", "Deadline"),
                        Text("状态", "Status"),
                        Text("销号季度", "Closed"),
                    ],
                    item_rows,
                ),
            ],
        )

    def flags(self) -> Section:
        q = self.quarter
        as_of = q if self.grid.finalized else q.previous()
        supervision, notice = flagged(self.store, as_of)

        def flag_rows(found: list[dict[str, Any]]) -> list[list[Cell]]:
            return [[str(f["code"]), self.village(str(f["code"])), f["quarters"]] for f in found]

        headers = [
            Text("村代码", "Code"),
            Text("村名", "Village"),
            Text("连续不达标季度数", "Quarters failing in a row"),
        ]
        year_quarters = [Quarter(q.year, n) for n in range(1, q.number + 1)]
        full_year = q.number == 4 and all(self.store.is_locked(y) for y in year_quarters)
        still_open: list[str] = []
        if full_year:
            candidates = [str(c["code"]) for c in commendation(self.store, q.year)]
        else:
            kept: set[str] | None = None
            for yq in year_quarters:
                grid = self.grid if yq == q else quarter_grid(self.store, self.host, yq)
                ok = {r.code for r in grid.rows if r.complies}
                if yq == q:
                    still_open = sorted(self.waiting & kept if kept is not None else self.waiting)
                kept = ok if kept is None else kept & ok
            candidates = sorted(kept or set())
        paragraphs = [
            self.t(
                f"连续两个及以上季度不达标、列为重点督导的村 {len(supervision)} 个；"
                f"连续四个及以上季度不达标、予以通报的村 {len(notice)} 个"
                f"（按截至 {as_of} 的已定稿季度计）。",
                f"{len(supervision)} villages are under focused supervision and "
                f"{len(notice)} on public notice for failing quarters in a row (finalized "
                f"quarters up to {as_of}).",
            ),
            self.t(
                f"{q.year}年四个季度均达标的村 {len(candidates)} 个，列为表彰候选。"
                if full_year
                else f"{q.year}年截至本季度各季度均达标的村 {len(candidates)} 个，"
                "全年四个季度均达标的方可列为表彰候选。",
                f"{len(candidates)} villages complied in all four quarters of {q.year} and "
                "are candidates for commendation."
                if full_year
                else f"{len(candidates)} villages complied in every quarter of {q.year} so "
                "far; villages compliant in all four are candidates for commendation.",
            ),
        ]
        if still_open:
            paragraphs.append(
                self.t(
                    f"另有 {len(still_open)} 个村此前各季度均达标、本季度待定，结果确定后再定。",
                    f"{len(still_open)} more villages complied in every earlier quarter of "
                    f"{q.year} and are pending this quarter; they count once decided.",
                )
            )
        return Section(
            "flags",
            self.t("五、重点督导、通报与表彰候选", "5. Supervision, public notice, commendation"),
            paragraphs,
            [
                self.table(
                    Text("重点督导", "Focused supervision"), headers, flag_rows(supervision)
                ),
                self.table(Text("予以通报", "Public notice"), headers, flag_rows(notice)),
                self.table(
                    Text("表彰候选", "Commendation candidates"),
                    [Text("村代码", "Code"), Text("村名", "Village")],
                    [[c, self.village(c)] for c in candidates],
                ),
            ],
        )

    def returns(self) -> Section:
        q = self.quarter
        days = int(self.store.settings().threshold(RETURN_DUE, RETURN_DUE_DEFAULT))
        due = q.end + timedelta(days=days)
        filed = {r.unit: r.filed_at for r in self.store.returns(q)}
        rows: list[list[Cell]] = []
        on_time = 0
        units = [u for u in self.host.registry.units.values() if u.files_returns]
        for unit in units:
            at = filed.get(unit.code, "")
            if at:
                day = _day_of(at)
                late = (day - due).days if day else 0
                if late > 0:
                    state = self.t(f"逾期 {late} 天", f"{late} d late")
                else:
                    on_time += 1
                    state = self.t("按时", "on time")
                shown = day.isoformat() if day else at
            else:
                shown = ""
                state = (
                    self.t("未报送（已逾期）", "not filed (overdue)")
                    if self.today > due
                    else self.t("未报送", "not filed")
                )
            rows.append([self.unit_name(unit.code), shown, due.isoformat(), state])
        done = sum(1 for u in units if u.code in filed)
        return Section(
            "returns",
            self.t("六、各单位季度报表报送情况", "6. Units' returns"),
            [
                self.t(
                    f"应报送单位 {len(units)} 家，已报送 {done} 家，按时报送 {on_time} 家"
                    f"（季度结束后 {days} 天内，即 {due.isoformat()} 前为按时）。",
                    f"{done} of {len(units)} units filed their return, {on_time} on time "
                    f"(due {days} days after the quarter, by {due.isoformat()}).",
                )
            ],
            [
                self.table(
                    Text("季度报表报送情况", "Returns"),
                    [
                        Text("单位", "Unit"),
                        Text("报送日期", "Filed on"),
                        Text("截止日期", "Due"),
                        Text("情况", "Timeliness"),
                    ],
                    rows,
                )
            ],
        )

    def trend(self) -> tuple[Section, list[RatePoint]]:
        q = self.quarter
        known = list(self.store.record_quarters(until=q))
        known += [r.quarter for r in self.store.main().returns if r.quarter <= q]
        first = min(known, default=q)
        quarters = quarter_range(first, q)[-TREND_QUARTERS:]
        points: list[RatePoint] = []
        rows: list[list[Cell]] = []
        for each in quarters:
            grid = self.grid if each == q else quarter_grid(self.store, self.host, each)
            rate = _rate(grid)
            points.append(RatePoint(str(each), rate, grid.target, grid.finalized, grid.provisional))
            if rate + 1e-9 >= grid.target:
                met = self.t("达到", "met")
            elif grid.provisional:
                met = self.t("待定", "pending")
            else:
                met = self.t("未达到", "not met")
            rows.append(
                [
                    str(each),
                    len(grid.rows),
                    grid.compliant,
                    Rate(rate),
                    Rate(grid.target),
                    len(grid.waiting),
                    met,
                    self.t("已定稿", "finalized") if grid.finalized else self.t("草稿", "draft"),
                ]
            )
        section = Section(
            "trend",
            self.t("七、各季度达标率与目标", "7. Rate per quarter against the target"),
            [
                self.t(
                    "草稿季度的达标率为暂定值（图中标“?”），待定村既不计为达标也不计为不达标。",
                    "A draft quarter's rate is provisional (marked “?” in the chart): its "
                    "pending villages count neither as compliant nor as failing.",
                )
            ]
            if any(p.provisional for p in points)
            else [],
            [
                self.table(
                    Text("各季度达标率", "Rate per quarter"),
                    [
                        Text("季度", "Quarter"),
                        Text("村数", "Villages"),
                        Text("达标", "Compliant"),
                        Text("达标率", "Rate"),
                        Text("目标", "Target"),
                        Text("待定", "Pending"),
                        Text("目标情况", "Target met"),
                        Text("数据", "Data"),
                    ],
                    rows,
                )
            ],
            chart=True,
        )
        return section, points


def _day_of(stamp: str) -> date | None:
    """The calendar day of an ISO time stamp in its own offset."""
    try:
        return datetime.fromisoformat(stamp).date()
    except ValueError:
        return None


def build_report(
    store: Store, host: PluginHost, quarter: Quarter, lang: str, today: date
) -> Report:
    """The quarter's report worded in lang, stamped with the store as it is now."""
    stamp = stamp_of(store, host, quarter)
    b = _Builder(store, host, quarter, lang, today)
    trend, points = b.trend()
    builders: list[Callable[[], Section]] = [
        b.summary,
        b.offices,
        b.criteria,
        b.negative,
        b.flags,
        b.returns,
    ]
    sections = [build() for build in builders] + [trend]
    units, failed = unit_sections(store, host, quarter, not stamp.draft, lang)
    for index, section in enumerate(units, start=len(sections) + 1):
        number = b.t(f"{chinese_number(index)}、", f"{index}. ")
        sections.append(
            Section(
                section.key,
                number + section.title,
                section.paragraphs,
                section.tables,
                section.unit,
            )
        )
    failed_words = [b.w(f) for f in failed]
    if failed_words:
        sections.append(
            Section(
                "failed",
                b.t("未写入的章节", "Sections left out"),
                failed_words,
            )
        )
    town = store.settings().town
    q_words = b.w(quarter_words(quarter))
    return Report(
        lang=lang,
        quarter=str(quarter),
        town=town,
        title=b.t(
            f"{town}平安村（社区）创建“六好九无”{q_words}工作情况报告",
            f"{town}: the safe-village campaign (六好九无), quarterly report for {q_words}",
        ),
        issuer=b.t(f"{town}平安建设领导小组办公室", f"Safe-village leadership office of {town}"),
        date=b.w(date_words(today)),
        draft=stamp.draft,
        stamp=stamp,
        stamp_title=b.t("核验信息", "Verification"),
        stamp_lines=stamp.lines(lang),
        sections=sections,
        chart=points,
        chart_title=b.t("各季度达标率与年度目标", "Compliance rate per quarter against the target"),
        labels=Labels(
            draft=b.t("草稿", "DRAFT"),
            page=b.t("第 {page} 页 共 {pages} 页", "Page {page} of {pages}"),
            none=b.t("（无）", "(none)"),
            chart_rate=b.t("达标率", "Rate"),
            chart_target=b.t("目标", "Target"),
            contents_note=b.t(
                "本报告依据定稿快照生成。", "This report is built from the finalized snapshot."
            )
            if not stamp.draft
            else b.t(
                "本季度尚未定稿，数据可能变化。",
                "The quarter is not finalized; figures may change.",
            ),
        ),
        failed=failed_words,
    )
