"""The file formats pingan imports out of the box: CSV (UTF-8, with or without BOM) and XLSX.

Both yield `(line, cells)` like any outside reader; pingan builds the table from them, so
blank lines, header names and cells beyond the header are treated the same whatever the format.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator, Sequence
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from plugins import Importer, Text, hookimpl
from plugins.importing import ImportRefused, Problem


def read_csv(path: Path) -> Iterator[tuple[int, Sequence[str]]]:
    """Rows of a UTF-8 CSV file, each with the physical line it starts on (the header is line 1)."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        bad = data[exc.start : exc.start + 1].hex()
        reason = Text(
            f"不是有效的 UTF-8（字节 0x{bad}）；请另存为“CSV UTF-8”后重试",
            f"not valid UTF-8 (byte 0x{bad}); save the file as CSV UTF-8 and try again",
        )
        raise ImportRefused(path, [Problem(line, "", reason)]) from None
    yield from _csv_lines(path, text)


def _csv_lines(path: Path, text: str) -> Iterator[tuple[int, Sequence[str]]]:
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    start = 1
    try:
        for cells in reader:
            yield start, cells
            start = reader.line_num + 1
    except csv.Error as exc:
        reason = Text(f"CSV 格式有误：{exc}", f"malformed CSV: {exc}")
        raise ImportRefused(path, [Problem(start, "", reason)]) from None


def read_xlsx(path: Path) -> Iterator[tuple[int, Sequence[Any]]]:
    """Rows of the first sheet of an .xlsx workbook, each with its row number (the header is 1)."""
    import openpyxl  # slow to import; only XLSX imports need it

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds on a bad workbook
        reason = Text(
            f"不是可读的 .xlsx 工作簿（{type(exc).__name__}: {exc}）",
            f"not a readable .xlsx workbook ({type(exc).__name__}: {exc})",
        )
        raise ImportRefused(path, [Problem(None, "", reason)]) from None
    try:
        if not workbook.worksheets:
            return
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()
        rows = sheet.iter_rows(min_row=1, min_col=1, values_only=True)
        for number, row in enumerate(rows, 1):
            yield number, [_xlsx_value(v) for v in row]
    finally:
        workbook.close()


def _xlsx_value(value: Any) -> Any:
    """A cell value as the schema expects: whole floats as ints, midnight datetimes as dates."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, datetime):
        return value.date() if value.time() == time(0) else value.isoformat(sep=" ")
    if isinstance(value, date | str | int | bool) or value is None:
        return value
    return str(value)


CSV = Importer("csv", Text("CSV 文件（UTF-8）", "CSV file (UTF-8)"), (".csv",), read_csv)
XLSX = Importer(
    "xlsx", Text("Excel 工作簿（.xlsx）", "Excel workbook (.xlsx)"), (".xlsx",), read_xlsx
)


@hookimpl
def register_importers(register: Callable[[Importer], None]) -> None:
    """Declare the CSV and XLSX readers."""
    register(CSV)
    register(XLSX)
