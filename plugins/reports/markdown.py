"""The report as Markdown: headings, paragraphs and tables (tabulate's GitHub style)."""

from __future__ import annotations

from tabulate import tabulate

from plugins.reports.model import Report, Table, cell_text


def _escape(text: str) -> str:
    """Text safe inside a Markdown table cell: no pipe or line break breaks the row."""
    return text.replace("|", "\\|").replace("\n", " ")


def _table(table: Table, none: str) -> list[str]:
    lines = [f"### {table.title}", ""]
    if not table.rows:
        return [*lines, none, ""]
    rows = [[_escape(cell_text(c)) for c in row] for row in table.rows]
    headers = [_escape(h) for h in table.headers]
    lines.append(tabulate(rows, headers=headers, tablefmt="github", disable_numparse=True))
    return [*lines, ""]


def render(report: Report) -> str:
    """The whole report; a draft says so above the title."""
    lines: list[str] = []
    if report.draft:
        lines += [f"> **{report.labels.draft}** — {report.labels.contents_note}", ""]
    lines += [f"# {report.title}", "", f"{report.issuer}  ", f"{report.date}", ""]
    for section in report.sections:
        lines += [f"## {section.title}", ""]
        for paragraph in section.paragraphs:
            lines += [paragraph, ""]
        for table in section.tables:
            lines += _table(table, report.labels.none)
    lines += [f"## {report.stamp_title}", ""]
    lines += [f"- {line}" for line in report.stamp_lines]
    return "\n".join(lines) + "\n"
