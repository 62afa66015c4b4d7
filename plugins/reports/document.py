"""The report as a Word document (python-docx): real headings, tables, page numbers, chart.

An unfinalized quarter's report carries DRAFT in the page header, so on every page; the
footer holds the check code and `第 X 页 共 Y 页` from PAGE and NUMPAGES fields. The chart
is the PNG of `plugins.reports.chart`, its words in the caption beneath.
"""

from __future__ import annotations

import io

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.table import _Row
from docx.text.font import Font
from docx.text.paragraph import Paragraph

from plugins.reports import chart
from plugins.reports.model import Report, Table, cell_text

BODY_FONT = "SimSun"
"""宋体, the official body typeface; Word substitutes where it is missing."""
HEADING_FONT = "SimHei"
"""黑体, for headings."""


def _east_asian(style_font: Font, name: str) -> None:
    """Set the East Asian typeface of a style's or run's font (python-docx sets Latin only)."""
    element = style_font.element
    rpr = element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    fonts.set(qn("w:eastAsia"), name)


def _field(paragraph: Paragraph, instruction: str) -> None:
    """A simple field (PAGE, NUMPAGES) Word fills in when it lays out the page."""
    simple = OxmlElement("w:fldSimple")
    simple.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    simple.append(run)
    paragraph._p.append(simple)


def _page_numbers(paragraph: Paragraph, pattern: str) -> None:
    """`第 {page} 页 共 {pages} 页` with the numbers as fields."""
    rest = pattern
    for name, field in (("{page}", "PAGE"), ("{pages}", "NUMPAGES")):
        before, _, rest = rest.partition(name)
        paragraph.add_run(before)
        _field(paragraph, field)
    paragraph.add_run(rest)


def _repeat_header(row: _Row) -> None:
    trpr = row._tr.get_or_add_trPr()
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    trpr.append(flag)


def _table(doc: DocxDocument, table: Table, none: str) -> None:
    doc.add_heading(table.title, level=2)
    if not table.rows:
        doc.add_paragraph(none)
        return
    grid = doc.add_table(rows=1, cols=len(table.headers))
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, header in zip(grid.rows[0].cells, table.headers, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(header).bold = True
    _repeat_header(grid.rows[0])
    for values in table.rows:
        cells = grid.add_row().cells
        for cell, value in zip(cells, values, strict=True):
            cell.text = cell_text(value)
    doc.add_paragraph()


def render(report: Report) -> bytes:
    """The document's bytes."""
    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name = BODY_FONT
    normal.font.size = Pt(12)
    _east_asian(normal.font, BODY_FONT)
    for name in ("Title", "Heading 1", "Heading 2"):
        style = doc.styles[name]
        style.font.name = HEADING_FONT
        style.font.color.rgb = RGBColor(0, 0, 0)
        _east_asian(style.font, HEADING_FONT)
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.6)
    section.top_margin, section.bottom_margin = Cm(3.0), Cm(2.5)
    header = section.header.paragraphs[0]
    header.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if report.draft:
        run = header.add_run(f"{report.labels.draft}  {report.labels.contents_note}")
        run.bold = True
        run.font.size = Pt(16)
    else:
        header.add_run(report.title).font.size = Pt(9)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run(f"{report.stamp.code}    ").font.size = Pt(9)
    _page_numbers(footer, report.labels.page)

    title = doc.add_heading(report.title, level=0)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for part in report.sections:
        doc.add_heading(part.title, level=1)
        for text in part.paragraphs:
            doc.add_paragraph(text)
        for table in part.tables:
            _table(doc, table, report.labels.none)
        if part.chart and report.chart:
            picture = io.BytesIO(chart.png(report.chart))
            doc.add_picture(picture, width=Cm(15.5))
            doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
            caption = doc.add_paragraph(
                f"{report.chart_title}（{report.labels.chart_rate}：■，"
                f"{report.labels.chart_target}：- - -，□ = {report.labels.draft}）"
                if report.lang == "zh"
                else f"{report.chart_title} ({report.labels.chart_rate}: bars; "
                f"{report.labels.chart_target}: dashed line; hollow bar: {report.labels.draft})"
            )
            caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for text in (report.issuer, report.date):
        signed = doc.add_paragraph(text)
        signed.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    doc.add_heading(report.stamp_title, level=1)
    for line in report.stamp_lines:
        doc.add_paragraph(line).runs[0].font.size = Pt(9)
    props = doc.core_properties
    props.title = report.title
    props.subject = report.stamp.code
    props.keywords = report.stamp.code
    props.author = report.issuer
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
