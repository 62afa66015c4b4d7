"""The report as one HTML page (Jinja2, autoescaped) that prints cleanly on A4.

`@page` sets A4 margins and puts the page numbers and the check code in the margin boxes;
a draft has DRAFT in the top margin box and a fixed watermark, which Chromium repeats on
every printed page. The chart is inline SVG.
"""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from plugins.reports import chart
from plugins.reports.model import Rate, Report, cell_text

TEMPLATES = Path(__file__).parent / "templates"


def css_string(text: str) -> str:
    """text as a quoted CSS string (for `content:`), safe inside a <style> element."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\3C ")
    return f'"{escaped}"'


def page_counter(pattern: str) -> str:
    """`第 {page} 页 共 {pages} 页` as a CSS content value with the page counters."""
    before, _, rest = pattern.partition("{page}")
    middle, _, after = rest.partition("{pages}")
    return " ".join(
        (
            css_string(before),
            "counter(page)",
            css_string(middle),
            "counter(pages)",
            css_string(after),
        )
    )


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["cell"] = cell_text
    env.tests["number_cell"] = lambda value: isinstance(value, int | float | Rate)
    return env


def render(report: Report) -> str:
    """The page's HTML."""
    template = _environment().get_template("report.html.j2")
    svg = (
        chart.svg(
            report.chart, report.chart_title, report.labels.chart_rate, report.labels.chart_target
        )
        if report.chart
        else ""
    )
    return template.render(
        r=report,
        html_lang="zh-CN" if report.lang == "zh" else "en",
        page_css=page_counter(report.labels.page),
        code_css=css_string(report.stamp.code),
        draft_css=css_string(report.labels.draft),
        chart_svg=svg,
    )
