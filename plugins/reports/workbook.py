"""The report as an xlsx workbook (openpyxl): one sheet per section, a chart of the rate.

Every sheet carries the title, the DRAFT mark when unfinalized (in its first row and in its
printed header) and the check code in its printed footer; a last sheet holds the stamp.
Every cell goes through `safe_cell`.
"""

from __future__ import annotations

import io
import re

from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from plugins.reports.model import Cell, Rate, Report, Section
from plugins.spreadsheet import safe_cell

_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
RATE_FORMAT = "0.0%"


def sheet_name(title: str, taken: set[str]) -> str:
    """A valid, unused sheet name from a section title (31 characters at most)."""
    base = _BAD_SHEET_CHARS.sub(" ", title).strip()[:31] or "Sheet"
    name, n = base, 2
    while name.lower() in taken:
        suffix = f" ({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(name.lower())
    return name


def _put(sheet: Worksheet, row: int, column: int, value: Cell) -> None:
    if isinstance(value, Rate):
        cell = sheet.cell(row, column, value.value)
        cell.number_format = RATE_FORMAT
    else:
        sheet.cell(row, column, safe_cell(value))


def _heading(sheet: Worksheet, report: Report) -> int:
    """The rows every sheet starts with; the next free row."""
    row = 1
    if report.draft:
        sheet.cell(row, 1, safe_cell(f"{report.labels.draft} — {report.labels.contents_note}"))
        sheet.cell(row, 1).font = Font(bold=True, size=14)
        row += 1
    sheet.cell(row, 1, safe_cell(report.title)).font = Font(bold=True, size=13)
    sheet.cell(row + 1, 1, safe_cell(f"{report.issuer}  {report.date}"))
    return row + 3


def _print_setup(sheet: Worksheet, report: Report) -> None:
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    if report.draft:
        sheet.oddHeader.center.text = report.labels.draft
        sheet.oddHeader.center.size = 20
    sheet.oddFooter.left.text = report.stamp.code
    sheet.oddFooter.right.text = "&P / &N"


def _section(sheet: Worksheet, report: Report, section: Section) -> None:
    row = _heading(sheet, report)
    sheet.cell(row, 1, safe_cell(section.title)).font = Font(bold=True, size=12)
    row += 1
    for paragraph in section.paragraphs:
        sheet.cell(row, 1, safe_cell(paragraph)).alignment = Alignment(wrap_text=False)
        row += 1
    widths: dict[int, int] = {}
    for table in section.tables:
        row += 1
        sheet.cell(row, 1, safe_cell(table.title)).font = Font(bold=True)
        row += 1
        header_row = row
        for column, header in enumerate(table.headers, start=1):
            sheet.cell(row, column, safe_cell(header)).font = Font(bold=True)
            widths[column] = max(widths.get(column, 0), _width(header))
        row += 1
        if not table.rows:
            sheet.cell(row, 1, safe_cell(report.labels.none))
            row += 1
        for values in table.rows:
            for column, value in enumerate(values, start=1):
                _put(sheet, row, column, value)
                widths[column] = max(widths.get(column, 0), _width(str(value)))
            row += 1
        if section.chart and table.rows:
            _chart(sheet, report, header_row, row - 1, row + 1)
            row += 18
    for column, width in widths.items():
        letter = sheet.cell(1, column).column_letter
        sheet.column_dimensions[letter].width = min(60, max(8, width + 2))


def _width(text: str) -> int:
    """Columns of text: a CJK character takes two."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _chart(sheet: Worksheet, report: Report, header: int, last: int, at: int) -> None:
    """A bar chart of the rate column (4) with the target column (5) as a line over it."""
    bars = BarChart()
    bars.type = "col"
    bars.title = report.chart_title
    bars.y_axis.title = report.labels.chart_rate
    bars.y_axis.number_format = RATE_FORMAT
    bars.y_axis.scaling.min = 0
    bars.y_axis.scaling.max = 1
    bars.add_data(Reference(sheet, min_col=4, min_row=header, max_row=last), titles_from_data=True)
    quarters = Reference(sheet, min_col=1, min_row=header + 1, max_row=last)
    bars.set_categories(quarters)
    line = LineChart()
    line.add_data(Reference(sheet, min_col=5, min_row=header, max_row=last), titles_from_data=True)
    line.set_categories(quarters)
    bars += line
    bars.width, bars.height = 18, 8
    sheet.add_chart(bars, f"A{at}")


def render(report: Report) -> bytes:
    """The workbook's bytes."""
    book = Workbook()
    taken: set[str] = set()
    first = True
    for section in report.sections:
        sheet = book.active if first else book.create_sheet()
        assert sheet is not None
        first = False
        sheet.title = sheet_name(section.title, taken)
        _section(sheet, report, section)
        _print_setup(sheet, report)
    stamp = book.create_sheet(sheet_name(report.stamp_title, taken))
    row = _heading(stamp, report)
    for line in report.stamp_lines:
        stamp.cell(row, 1, safe_cell(line))
        row += 1
    stamp.column_dimensions["A"].width = 90
    _print_setup(stamp, report)
    book.properties.title = report.title
    book.properties.subject = report.stamp.code
    book.properties.creator = report.issuer
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
