"""Rendering for the command line: the grid in four formats and tables for people.

Tables for people go through tabulate, which measures Chinese text with wcwidth so that
columns stay aligned; cell symbols are one cell wide and never East-Asian-ambiguous.
"""

from __future__ import annotations

import csv
import io
import json
import re
import textwrap
from collections.abc import Sequence
from typing import Any, TextIO

from tabulate import tabulate
from wcwidth import wcswidth

from plugins.api import STATE_NAMES, State
from plugins.criteria import CRITERIA
from plugins.engine import Grid
from plugins.i18n import Text
from plugins.schema import MULTI_SEPARATOR, Field, Kind
from plugins.spreadsheet import safe_mapping, safe_row
from tui.symbols import ASCII_SYMBOLS, STATE_SYMBOLS

GRID_COLUMNS: tuple[str, ...] = (
    "code",
    "name",
    "office",
    *(c.code for c in CRITERIA),
    "complies",
)
"""The columns of `pingan grid --format csv`, a contract other tools rely on."""

LEGEND_WIDTH = 100

VALUES_WIDTH = 60
"""Display cells of the values column before a list of choices wraps."""


def field_values(fld: Field, lang: str) -> str:
    """What a column accepts, as people read it: choices with labels, yes/no, a range, a date."""
    if fld.kind in (Kind.ENUM, Kind.MULTI_ENUM):
        choices = [_choice(c.value, c.label.get(lang), lang) for c in fld.choices]
        lead = Text(
            f"可多选，用 {MULTI_SEPARATOR} 分隔：", f"any of, separated by {MULTI_SEPARATOR}: "
        )
        shown = lead.get(lang) if fld.kind is Kind.MULTI_ENUM else ""
        return _wrap(choices, ", " if lang == "en" else "、", shown)
    if fld.kind is Kind.INT:
        return _int_range(fld).get(lang)
    return KIND_VALUES[fld.kind].get(lang)


KIND_VALUES: dict[Kind, Text] = {
    Kind.DATE: Text("日期，如 2023-07-05、2023/7/5", "date such as 2023-07-05, 2023/7/5"),
    Kind.BOOL: Text("是/否（true/false、1/0、Y/N）", "yes/no (true/false, 1/0, Y/N)"),
    Kind.TEXT: Text("文字", "text"),
    Kind.VILLAGE: Text(
        "村代码或村名（见 pingan villages list）",
        "village code or name (see pingan villages list)",
    ),
}


def _choice(value: str, label: str, lang: str) -> str:
    if label.casefold() == value.casefold():
        return value
    return f"{value}（{label}）" if lang == "zh" else f"{value} ({label})"


def _int_range(fld: Field) -> Text:
    low, high = fld.minimum, fld.maximum
    if low is not None and high is not None:
        return Text(f"整数，{low} 至 {high}", f"whole number from {low} to {high}")
    if low is not None:
        return Text(f"整数，不小于 {low}", f"whole number, at least {low}")
    if high is not None:
        return Text(f"整数，不大于 {high}", f"whole number, at most {high}")
    return Text("整数", "whole number")


def _wrap(items: list[str], separator: str, lead: str = "") -> str:
    """lead, then items joined by separator, broken into lines of at most VALUES_WIDTH cells."""
    lines: list[str] = []
    current, fresh = lead, True
    for item in items:
        candidate = current + item if fresh else current + separator + item
        if not fresh and wcswidth(candidate) > VALUES_WIDTH:
            lines.append(current + separator.rstrip())
            candidate = item
        current, fresh = candidate, False
    lines.append(current)
    return "\n".join(lines)


def symbols_for(stream: TextIO) -> dict[State, str]:
    """The cell symbols the stream can encode: check marks, else plain ASCII (e.g. on GBK)."""
    encoding = getattr(stream, "encoding", None) or "utf-8"
    try:
        "".join(STATE_SYMBOLS.values()).encode(encoding)
    except (UnicodeEncodeError, LookupError):
        return ASCII_SYMBOLS
    return STATE_SYMBOLS


def table(
    rows: Sequence[Sequence[Any]],
    headers: Sequence[str],
    *,
    fmt: str = "simple",
    colalign: Sequence[str] | None = None,
) -> str:
    """A tabulate table that keeps codes such as 007 as text."""
    return str(
        tabulate(
            rows, headers=list(headers), tablefmt=fmt, disable_numparse=True, colalign=colalign
        )
    )


_WRAP_TOKENS = re.compile(r"[\x21-\x7e]+|\s+|.")
"""An ASCII word (kept whole, so a command or name can be copied), spaces, or one character."""


def wrap_cells(text: str, width: int) -> list[str]:
    """text in lines of at most width terminal cells, Chinese breaking between characters.

    An ASCII word wider than width is cut; otherwise words are never split.
    """
    lines: list[str] = []
    line = ""
    for token in _WRAP_TOKENS.findall(" ".join(text.split())):
        if token.isspace():
            line += " " if line else ""
            continue
        while wcswidth(token) > width:
            if line.strip():
                lines.append(line.rstrip())
            lines.append(token[:width])
            line, token = "", token[width:]
        if line and wcswidth(line + token) > width:
            lines.append(line.rstrip())
            line = ""
        line += token
    if line.strip():
        lines.append(line.rstrip())
    return lines


def percent(value: float) -> str:
    """0.7 as '70%', 0.305 as '30.5%'."""
    return f"{round(value * 100, 1):g}%"


def summary_line(grid: Grid, lang: str) -> str:
    """Compliant/total, the rate and the year's target, in one line."""
    total = len(grid.villages)
    rate = f"{grid.rate * 100:.1f}%"
    year = grid.quarter.year
    return Text(
        f"达标 {grid.compliant}/{total} 村，达标率 {rate}，{year} 年目标 {percent(grid.target)}",
        f"Compliant {grid.compliant}/{total} villages, rate {rate}, {year} target "
        f"{percent(grid.target)}",
    ).get(lang)


def legend_lines(symbols: dict[State, str], lang: str, *, wrap: bool = True) -> list[str]:
    """What the symbols and the criterion codes mean; English names wrap unless wrap is False."""
    states = "  ".join(f"{symbols[s]} {STATE_NAMES[s].get(lang)}" for s in State)
    names = [f"{c.code} {c.name.get(lang)}" for c in CRITERIA]
    if lang == "en":
        joined = "; ".join(names)
        return [f"Legend: {states}", *(textwrap.wrap(joined, LEGEND_WIDTH) if wrap else [joined])]
    return [
        f"图例：{states}",
        "六好：" + "，".join(names[:6]),
        "九无：" + "，".join(names[6:]),
    ]


def grid_headers(lang: str) -> list[str]:
    codes = [c.code for c in CRITERIA]
    if lang == "en":
        return ["code", "village", "office", *codes, "complies"]
    return ["代码", "村", "办事处", *codes, "达标"]


def grid_rows(grid: Grid, symbols: dict[State, str], lang: str) -> list[list[str]]:
    yes, no = ("yes", "no") if lang == "en" else ("是", "否")
    return [
        [
            v.code,
            v.name,
            v.office,
            *(symbols[grid.cell(v.code, c).state] for c in grid.criteria),
            yes if grid.complies(v.code) else no,
        ]
        for v in grid.villages
    ]


def render_grid(grid: Grid, fmt: str, *, lang: str, town: str, symbols: dict[State, str]) -> str:
    """The grid as plain text, Markdown, CSV or JSON; csv and json ignore the language."""
    if fmt == "csv":
        return grid_csv(grid)
    if fmt == "json":
        return json.dumps(grid.to_doc(), ensure_ascii=False, indent=2) + "\n"
    title = Text(f"{town} {grid.quarter} 平安村创建达标情况", f"{town} {grid.quarter} compliance")
    rows = grid_rows(grid, symbols, lang)
    empty = Text("没有在册的村。", "No active villages.").get(lang)
    align = ("left", "left", "left", *("center",) * (len(grid.criteria) + 1))
    tablefmt = "github" if fmt == "md" else "simple"
    body = table(rows, grid_headers(lang), fmt=tablefmt, colalign=align) if rows else empty
    heading = title.get(lang).strip()
    if fmt == "md":
        legend = "\n".join(f"- {line}" for line in legend_lines(symbols, lang, wrap=False))
        return "\n\n".join([f"## {heading}", body, legend, summary_line(grid, lang)]) + "\n"
    legend_text = legend_lines(symbols, lang)
    return "\n".join([heading, "", body, "", *legend_text, summary_line(grid, lang)]) + "\n"


def grid_csv(grid: Grid) -> str:
    """The grid for machines: the contract columns, one row per active village."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=GRID_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in grid.to_doc()["villages"]:
        writer.writerow(safe_mapping({column: row[column] for column in GRID_COLUMNS}))
    return buffer.getvalue()


def csv_text(rows: Sequence[Sequence[Any]], headers: Sequence[str]) -> str:
    """Rows as CSV text with a header line, every cell safe to open in a spreadsheet."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(safe_row(headers))
    writer.writerows(safe_row(row) for row in rows)
    return buffer.getvalue()


def grid_errors(grid: Grid, lang: str) -> list[str]:
    """One line per distinct plugin problem behind ERROR findings, with the cells it hit."""
    hits: dict[str, list[str]] = {}
    for (village, criterion), cell in grid.cells.items():
        for finding in cell.findings:
            if finding.state is State.ERROR:
                hits.setdefault(finding.message.get(lang), []).append(f"{village} {criterion}")
    lines = []
    for message, cells in hits.items():
        shown = ", ".join(cells[:3]) + (", ..." if len(cells) > 3 else "")
        lines.append(
            Text(
                f"错误：{message}（{len(cells)} 格：{shown}）",
                f"error: {message} ({len(cells)} cells: {shown})",
            ).get(lang)
        )
    return lines
