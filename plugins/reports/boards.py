"""The villages' public display boards (公示展板): what each shows, and its printable HTML.

A board is built only from the quarter's grid (the finalized snapshot, else the live grid
marked draft), the village's results in earlier quarters and its rectification items'
criterion, unit, deadline and status: results and counts, never a record's names, case
numbers or free text, since the board hangs in public.
"""

from __future__ import annotations

import functools
import hashlib
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

from plugins.api import STATE_NAMES, State
from plugins.criteria import BY_CODE, CRITERIA
from plugins.i18n import Text
from plugins.manager import PluginHost
from plugins.quarters import QuarterGrid, VillageRow, quarter_grid, rows_of_snapshot
from plugins.rectification import STATUS_WORDS, status_of
from plugins.reports.stamp import Stamp
from store import Quarter, Store

TREND_QUARTERS = 8
"""How many quarters, up to the board's own, its trend row shows."""

SYMBOLS: dict[State, str] = {
    State.PASS: "✔",
    State.FAIL: "✘",
    State.PENDING: "?",
    State.ERROR: "!",
}
"""The same symbols as the grid's, so a board reads like the screen, in black and white too."""

INDEX_FILE = "index.html"
ALL_FILE = "all.html"

OVERALL_WORDS: dict[State, Text] = {
    State.PASS: Text("达标", "compliant"),
    State.FAIL: Text("不达标", "not compliant"),
    State.PENDING: Text("待定", "pending"),
    State.ERROR: Text("出错待查", "error, being checked"),
}


@dataclass(frozen=True, slots=True)
class CriterionResult:
    """One criterion on a board: its code, name and state."""

    code: str
    name: Text
    state: State


@dataclass(frozen=True, slots=True)
class TrendPoint:
    """The village's overall result in one quarter; None when that quarter is not finalized."""

    quarter: Quarter
    state: State | None
    finalized: bool


@dataclass(frozen=True, slots=True)
class Commitment:
    """An open rectification commitment: criterion, responsible unit, deadline and status."""

    criterion: str
    unit: Text
    deadline: date
    status: Text


@dataclass(frozen=True, slots=True)
class Board:
    """Everything one village's board shows."""

    quarter: Quarter
    finalized: bool
    code: str
    name: str
    office: str
    results: tuple[CriterionResult, ...]
    overall: State
    trend: tuple[TrendPoint, ...]
    commitments: tuple[Commitment, ...]

    def count(self, state: State) -> int:
        """How many criteria are in state."""
        return sum(1 for r in self.results if r.state is state)


def overall_state(states: dict[str, State], *, finalized: bool) -> State:
    """PASS when every criterion passes; else FAIL, or while open ERROR or PENDING if none fails.

    A finalized quarter's village complies or does not: cells it froze PENDING or ERROR
    count as not complying, as the quarter's lists and report count them.
    """
    values = [states.get(c.code, State.PENDING) for c in CRITERIA]
    if all(s is State.PASS for s in values):
        return State.PASS
    if finalized:
        return State.FAIL
    for state in (State.FAIL, State.ERROR):
        if state in values:
            return state
    return State.PENDING


def known_quarters(store: Store) -> list[Quarter]:
    """Quarters the store holds anything for (records, returns, decisions, a snapshot)."""
    main = store.main()
    found = set(store.record_quarters()) | {r.quarter for r in main.returns}
    found |= {d.quarter for d in main.decisions}
    for path in store.layout.snapshots_dir.glob("*.json"):
        try:
            found.add(Quarter.parse(path.stem))
        except ValueError:
            continue
    return sorted(found)


def _trend(
    store: Store, quarter: Quarter, grid: QuarterGrid, earliest: Quarter | None
) -> dict[str, list[TrendPoint]]:
    """Per village, its result in the TREND_QUARTERS quarters ending at quarter, oldest first.

    Earlier quarters count only when finalized (their snapshot); the board's own quarter is
    its grid, draft or not.
    """
    points: dict[str, list[TrendPoint]] = {row.code: [] for row in grid.rows}
    quarters = [quarter]
    while len(quarters) < TREND_QUARTERS and earliest is not None and quarters[0] > earliest:
        quarters.insert(0, quarters[0].previous())
    for q in quarters:
        if q == quarter:
            finalized = grid.finalized
            states = {row.code: overall_state(row.states, finalized=finalized) for row in grid.rows}
        else:
            snap = store.snapshot(q)
            finalized = bool(snap and snap.get("locked") and isinstance(snap.get("grid"), dict))
            rows = rows_of_snapshot(snap["grid"]) if snap and finalized else []
            states = {row.code: overall_state(row.states, finalized=True) for row in rows}
        for code, trend in points.items():
            trend.append(TrendPoint(q, states.get(code), finalized))
    return points


def _commitments(
    store: Store, host: PluginHost, quarter: Quarter, today: date
) -> dict[str, list[Commitment]]:
    """Per village, the rectification items open at the end of quarter, by deadline.

    An item opened by quarter or earlier and not closed by then; only its criterion, unit,
    deadline and status are read (its notes are free text and never reach a board).
    """
    units = host.registry.units
    found: dict[str, list[Commitment]] = {}
    for doc in store.rectification_items().values():
        try:
            opened = Quarter.parse(str(doc["opened"]))
            closed = Quarter.parse(str(doc["closed"])) if doc.get("closed") else None
            deadline = date.fromisoformat(str(doc["deadline"]))
        except (KeyError, ValueError):
            continue
        if opened > quarter or (closed is not None and closed <= quarter):
            continue
        unit_code = str(doc.get("unit", ""))
        spec = units.get(unit_code)
        unit = spec.name if spec is not None else Text(unit_code, unit_code)
        if closed is not None:
            status = Text(f"已于 {closed} 销号", f"closed in {closed}")
        else:
            status = STATUS_WORDS[status_of(doc, today)]
        found.setdefault(str(doc["village"]), []).append(
            Commitment(str(doc["criterion"]), unit, deadline, status)
        )
    for items in found.values():
        items.sort(key=lambda c: (c.deadline, c.criterion))
    return found


def build_boards(
    store: Store, host: PluginHost, quarter: Quarter, today: date, village: str | None = None
) -> list[Board]:
    """The boards of quarter's villages (or only village), in the grid's order."""
    grid = quarter_grid(store, host, quarter)
    rows: list[VillageRow] = [r for r in grid.rows if village is None or r.code == village]
    known = known_quarters(store)
    trend = _trend(store, quarter, grid, known[0] if known else None)
    commitments = _commitments(store, host, quarter, today)
    return [
        Board(
            quarter,
            grid.finalized,
            row.code,
            row.name,
            row.office,
            tuple(
                CriterionResult(c.code, c.name, row.states.get(c.code, State.PENDING))
                for c in CRITERIA
            ),
            overall_state(row.states, finalized=grid.finalized),
            tuple(trend.get(row.code, [])),
            tuple(commitments.get(row.code, [])),
        )
        for row in rows
    ]


_SAFE_CODE = re.compile(r"[0-9A-Za-z][0-9A-Za-z_-]{0,63}")


def board_file_names(codes: list[str]) -> dict[str, str]:
    """Each village code's board file name, unique even where file names ignore case."""
    names: dict[str, str] = {}
    taken: set[str] = set()
    for code in codes:
        stem = code if _SAFE_CODE.fullmatch(code) else ""
        if not stem or stem.lower() in taken:
            digest = hashlib.sha256(code.encode("utf-8")).hexdigest()[:10]
            stem = f"{stem}-{digest}" if stem else digest
        taken.add(stem.lower())
        names[code] = f"board-{stem}.html"
    return names


WORDS: dict[str, Text] = {
    "title": Text("平安村创建公示栏", "Safe-village campaign notice board"),
    "campaign": Text("“六好九无”平安村创建", "The “six goods, nine noes” safe-village campaign"),
    "quarter": Text("季度", "Quarter"),
    "village": Text("村", "Village"),
    "code": Text("代码", "Code"),
    "office": Text("片区", "Office"),
    "overall": Text("本季度总体结果", "This quarter's overall result"),
    "six": Text("六好", "Six goods"),
    "nine": Text("九无", "Nine noes"),
    "criterion": Text("准则", "Criterion"),
    "result": Text("结果", "Result"),
    "trend": Text("近几个季度", "Recent quarters"),
    "commitments": Text("整改承诺", "Rectification commitments"),
    "unit": Text("责任单位", "Responsible unit"),
    "deadline": Text("整改期限", "Deadline"),
    "status": Text("状态", "Status"),
    "none_open": Text("本季度没有未完成的整改事项。", "No open rectification items."),
    "not_final": Text("未定稿", "not finalized"),
    "no_data": Text("无", "none"),
    "draft": Text("草稿", "DRAFT"),
    "draft_note": Text(
        "草稿：本季度尚未定稿，结果可能变化，不作正式公示。",
        "DRAFT: this quarter is not finalized; results may still change. Not for posting.",
    ),
    "legend": Text(
        "✔ 达标　✘ 不达标　? 待定　! 出错待查",
        "✔ pass　✘ fail　? pending　! error, being checked",
    ),
    "made": Text("制作日期", "Made on"),
    "unsettled": Text(
        "定稿时仍有未定的项目，按不达标计。",
        "Items still open when the quarter was finalized count as not compliant.",
    ),
    "check_code": Text("核验码：", "Check code:"),
    "verify_with": Text("核验此件：", "To check this copy:"),
    "index_title": Text("展板索引", "Display boards"),
    "all_boards": Text("全部展板（一次打印）", "All boards (print at once)"),
    "board": Text("展板", "Board"),
    "villages": Text("村数", "Villages"),
    "compliant": Text("达标村数", "Compliant"),
    "failing": Text("不达标村数", "Not compliant"),
    "pending": Text("待定村数", "Pending"),
    "how_to_print": Text("如何打印", "How to print"),
    "print_steps": Text(
        "用浏览器（Chrome、Edge、Firefox）打开本页或某村的展板，选择“打印”（Ctrl+P），"
        "纸张选 A4、方向选横向，边距默认，黑白打印即可。"
        "打开“全部展板”一次打印所有村，每村一页；在打印对话框里选“另存为 PDF”可得 PDF 文件。",
        "Open this page or a village's board in a browser (Chrome, Edge, Firefox) and print it "
        "(Ctrl+P): paper A4, landscape, default margins; black and white is enough. Open "
        "“All boards” to print every village at once, one page each; choose “Save as PDF” in "
        "the print dialog for a PDF file.",
    ),
    "print_cli": Text(
        "不开浏览器直接生成 PDF：",
        "A PDF without opening a browser:",
    ),
}


@functools.cache
def _env() -> Environment:
    """The templates' environment, made once: compiling the templates is the slow part."""
    return Environment(
        loader=PackageLoader("plugins.reports", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _words(lang: str) -> dict[str, str]:
    return {key: text.get(lang) for key, text in WORDS.items()}


def _state_view(state: State | None, lang: str) -> dict[str, str]:
    """A state as the templates show it: symbol, word and a CSS class for its weight."""
    if state is None:
        return {"symbol": "–", "word": "", "css": "none"}
    return {
        "symbol": SYMBOLS[state],
        "word": STATE_NAMES[state].get(lang),
        "css": state.value.lower(),
    }


def _board_view(board: Board, lang: str) -> dict[str, Any]:
    """A board as plain strings in lang, for the templates."""
    words = WORDS

    def result(r: CriterionResult) -> dict[str, Any]:
        return {"code": r.code, "name": r.name.get(lang), **_state_view(r.state, lang)}

    overall = _state_view(board.overall, lang)
    overall["word"] = OVERALL_WORDS[board.overall].get(lang)
    counts = Text(
        "15 项准则中：{p} 项达标，{f} 项不达标，{q} 项待定，{e} 项出错",
        "Of 15 criteria: {p} pass, {f} fail, {q} pending, {e} error",
    ).format(
        p=board.count(State.PASS),
        f=board.count(State.FAIL),
        q=board.count(State.PENDING),
        e=board.count(State.ERROR),
    )
    trend = []
    for point in board.trend:
        view = _state_view(point.state, lang)
        if point.state is None:
            view["word"] = (words["no_data"] if point.finalized else words["not_final"]).get(lang)
        elif not point.finalized:
            view["word"] += f"（{words['draft'].get(lang)}）" if lang == "zh" else " (draft)"
        trend.append({"quarter": str(point.quarter), **view})
    commitments = [
        {
            "criterion": c.criterion,
            "name": BY_CODE[c.criterion].name.get(lang) if c.criterion in BY_CODE else "",
            "unit": c.unit.get(lang),
            "deadline": c.deadline.isoformat(),
            "status": c.status.get(lang),
        }
        for c in board.commitments
    ]
    unsettled = board.finalized and any(
        r.state in (State.PENDING, State.ERROR) for r in board.results
    )
    return {
        "unsettled": unsettled,
        "code": board.code,
        "name": board.name,
        "office": board.office,
        "quarter": str(board.quarter),
        "finalized": board.finalized,
        "six": [result(r) for r in board.results if r.code.startswith("G")],
        "nine": [result(r) for r in board.results if not r.code.startswith("G")],
        "overall": overall,
        "counts": counts.get(lang),
        "trend": trend,
        "commitments": commitments,
    }


def _page(
    lang: str, town: str, quarter: Quarter, finalized: bool, stamp: Stamp, today: date
) -> dict[str, Any]:
    """What every page shares: language, words, town, quarter, draft mark and the stamp."""
    return {
        "lang": "zh-CN" if lang == "zh" else "en",
        "w": _words(lang),
        "town": town,
        "quarter": str(quarter),
        "draft": not finalized,
        "stamp_code": stamp.code,
        "stamp_lines": stamp.lines(lang),
        "stamp_details": [line for line in stamp.lines(lang) if stamp.code not in line],
        "made": today.isoformat(),
    }


def render_board(
    board: Board, *, lang: str, town: str, stamp: Stamp, today: date, index: str = INDEX_FILE
) -> str:
    """One village's board as a standalone printable HTML page."""
    template = _env().get_template("board.html")
    return template.render(
        **_page(lang, town, board.quarter, board.finalized, stamp, today),
        boards=[_board_view(board, lang)],
        index=index,
    )


def render_all(
    boards: list[Board],
    *,
    quarter: Quarter,
    finalized: bool,
    lang: str,
    town: str,
    stamp: Stamp,
    today: date,
) -> str:
    """Every board in one HTML page, one printed page each, to print them all at once."""
    template = _env().get_template("board.html")
    return template.render(
        **_page(lang, town, quarter, finalized, stamp, today),
        boards=[_board_view(board, lang) for board in boards],
        index=INDEX_FILE,
    )


def render_index(
    boards: list[Board],
    files: dict[str, str],
    *,
    quarter: Quarter,
    finalized: bool,
    lang: str,
    town: str,
    stamp: Stamp,
    today: date,
) -> str:
    """The index page: every village's overall result and a link to its board."""
    template = _env().get_template("board_index.html")
    rows = []
    for board in boards:
        overall = _state_view(board.overall, lang)
        overall["word"] = OVERALL_WORDS[board.overall].get(lang)
        rows.append(
            {
                "code": board.code,
                "name": board.name,
                "office": board.office,
                "file": files[board.code],
                **overall,
            }
        )
    return template.render(
        **_page(lang, town, quarter, finalized, stamp, today),
        rows=rows,
        total=len(boards),
        compliant=sum(1 for b in boards if b.overall is State.PASS),
        failing=sum(1 for b in boards if b.overall in (State.FAIL, State.ERROR)),
        pending=sum(1 for b in boards if b.overall is State.PENDING),
        all_file=ALL_FILE,
    )
