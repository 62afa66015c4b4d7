"""The report's file formats: each name's suffix and writer, and reading a code back out."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from plugins.reports import csvfile, document, markdown, webpage, workbook
from plugins.reports.model import Report
from plugins.reports.stamp import find_codes


@dataclass(frozen=True, slots=True)
class Format:
    """A report format: its name, usual suffix and what writes a report's bytes."""

    name: str
    suffix: str
    write: Callable[[Report], bytes]


def _text(render: Callable[[Report], str], encoding: str = "utf-8") -> Callable[[Report], bytes]:
    return lambda report: render(report).encode(encoding)


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("md", ".md", _text(markdown.render)),
        # Excel opens a CSV as UTF-8 only behind a byte order mark.
        Format("csv", ".csv", _text(csvfile.render, "utf-8-sig")),
        Format("xlsx", ".xlsx", workbook.render),
        Format("docx", ".docx", document.render),
        Format("html", ".html", _text(webpage.render)),
    )
}


def _docx_text(data: bytes) -> str:
    from docx import Document

    doc = Document(io.BytesIO(data))
    parts = [doc.core_properties.subject or "", doc.core_properties.keywords or ""]
    parts += [p.text for p in doc.paragraphs]
    for table in doc.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    for section in doc.sections:
        parts += [p.text for p in section.header.paragraphs]
        parts += [p.text for p in section.footer.paragraphs]
    return "\n".join(parts)


def _xlsx_text(data: bytes) -> str:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data), read_only=True)
    parts = [book.properties.subject or ""]
    for sheet in book.worksheets:
        for row in sheet.iter_rows(values_only=True):
            parts += [str(v) for v in row if v is not None]
    book.close()
    return "\n".join(parts)


def file_text(path: Path) -> str:
    """The words of a report file of any format: a docx's or xlsx's read with its library.

    OSError if it cannot be read; ValueError if it is a zip that is neither.
    """
    data = path.read_bytes()
    if data[:4] == b"PK\x03\x04":
        try:
            names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
        except zipfile.BadZipFile as exc:
            raise ValueError(f"a damaged zip file: {exc}") from None
        if "word/document.xml" in names:
            return _docx_text(data)
        if "xl/workbook.xml" in names:
            return _xlsx_text(data)
        raise ValueError("a zip file that is neither a docx nor an xlsx")
    return data.decode("utf-8-sig", errors="replace")


def codes_in(path: Path) -> list[str]:
    """The report codes a file carries, in order (a report carries one)."""
    return find_codes(file_text(path))
