"""The report as one CSV: a row per heading and paragraph, then each table, every cell escaped."""

from __future__ import annotations

import csv
import io

from plugins.reports.model import Cell, Rate, Report
from plugins.spreadsheet import safe_row


def _value(cell: Cell) -> str | int | float:
    return str(cell) if isinstance(cell, Rate) else cell


def render(report: Report) -> str:
    """The report's rows as CSV text; a draft's first row says DRAFT."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    if report.draft:
        writer.writerow(safe_row([report.labels.draft, report.labels.contents_note]))
    writer.writerow(safe_row([report.title]))
    writer.writerow(safe_row([report.issuer, report.date]))
    for section in report.sections:
        writer.writerow([])
        writer.writerow(safe_row([section.title]))
        for paragraph in section.paragraphs:
            writer.writerow(safe_row([paragraph]))
        for table in section.tables:
            writer.writerow(safe_row([table.title]))
            writer.writerow(safe_row(table.headers))
            if not table.rows:
                writer.writerow(safe_row([report.labels.none]))
            for row in table.rows:
                writer.writerow(safe_row([_value(c) for c in row]))
    writer.writerow([])
    writer.writerow(safe_row([report.stamp_title]))
    for line in report.stamp_lines:
        writer.writerow(safe_row([line]))
    return out.getvalue()
