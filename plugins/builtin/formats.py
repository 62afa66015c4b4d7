"""The file formats pingan imports out of the box: CSV (UTF-8 or GB18030/GBK) and XLSX.

Both yield `(line, cells)` like any outside reader; pingan builds the table from them, so
blank lines, header names and cells beyond the header are treated the same whatever the format.
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from plugins import Importer, Plugin, Text
from plugins.importing import ImportRefused, Problem, ReadReport

BOMS: tuple[tuple[bytes, str], ...] = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)
"""Byte-order marks and the encoding each announces (Excel's "Unicode text" is UTF-16)."""
GUESSED = ("utf-8", "gb18030")
"""Encodings tried in turn on a file without a byte-order mark: GB18030 reads GBK and GB2312."""


def read_csv(
    path: Path, *, encoding: str | None = None, report: ReadReport | None = None
) -> Iterator[tuple[int, Sequence[str]]]:
    """Rows of a CSV file, each with the physical line it starts on (the header is line 1).

    The encoding is the one forced, else the one a byte-order mark announces, else UTF-8 if
    the bytes are valid UTF-8, else GB18030 (what Chinese Excel writes); report names it.
    The file is checked in chunks first, then read a line at a time: a big file is never
    held whole.
    """
    name = _encoding_of(path, encoding)
    if report is not None:
        report.encoding = name
    with open(path, encoding=name, newline="") as handle:
        yield from _csv_lines(path, handle)


def _encoding_of(path: Path, forced: str | None) -> str:
    """The encoding to read the file in; refuses as _decode does if its bytes do not decode.

    Only a refusal reads the whole file at once, to name the line of the byte that fails.
    """
    with open(path, "rb") as handle:
        head = handle.read(4)
    marked = next((name for mark, name in BOMS if head.startswith(mark)), None)
    candidates = [forced] if forced is not None else [marked] if marked else list(GUESSED)
    for name in candidates:
        if _decodes_as(path, name):
            return name
    return _decode(path, path.read_bytes(), forced)[0]


def _decodes_as(path: Path, name: str) -> bool:
    """Whether the whole file decodes in that encoding, read a chunk at a time."""
    try:
        decoder = codecs.getincrementaldecoder(name)()
    except LookupError:
        reason = Text(f"没有这种编码：{name!r}", f"unknown encoding {name!r}")
        raise ImportRefused(path, [Problem(None, "encoding", reason)]) from None
    try:
        with open(path, "rb") as handle:
            while chunk := handle.read(1 << 20):
                decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _decode(path: Path, data: bytes, forced: str | None) -> tuple[str, str]:
    """The encoding used and the text; refuses naming the line of the first byte that fails."""
    if forced is not None:
        return forced, _decode_as(path, data, forced)
    for mark, name in BOMS:
        if data.startswith(mark):
            return name, _decode_as(path, data, name)
    first_error: UnicodeDecodeError | None = None
    for name in GUESSED:
        try:
            return name, data.decode(name)
        except UnicodeDecodeError as exc:
            first_error = first_error or exc
    assert first_error is not None
    line, bad = _where(data, first_error)
    reason = Text(
        f"既不是 UTF-8 也不是 GB18030/GBK 编码（字节 0x{bad}）；请另存为“CSV UTF-8”，"
        "或用 --encoding 指定编码",
        f"neither UTF-8 nor GB18030/GBK (byte 0x{bad}); save the file as CSV UTF-8 "
        "or name its encoding with --encoding",
    )
    raise ImportRefused(path, [Problem(line, "", reason)])


def _decode_as(path: Path, data: bytes, name: str) -> str:
    try:
        return data.decode(name)
    except LookupError:
        reason = Text(f"没有这种编码：{name!r}", f"unknown encoding {name!r}")
        raise ImportRefused(path, [Problem(None, "encoding", reason)]) from None
    except UnicodeDecodeError as exc:
        line, bad = _where(data, exc)
        reason = Text(
            f"不是有效的 {name} 编码（字节 0x{bad}）",
            f"not valid {name} (byte 0x{bad})",
        )
        raise ImportRefused(path, [Problem(line, "", reason)]) from None


def _where(data: bytes, exc: UnicodeDecodeError) -> tuple[int, str]:
    """The line of the byte that failed to decode, and that byte in hex."""
    return data[: exc.start].count(b"\n") + 1, data[exc.start : exc.start + 1].hex()


def _csv_lines(path: Path, text: Iterable[str]) -> Iterator[tuple[int, Sequence[str]]]:
    reader = csv.reader(text, strict=True)
    start = 1
    try:
        for cells in reader:
            yield start, cells
            start = reader.line_num + 1
    except csv.Error as exc:
        reason = Text(f"CSV 格式有误：{exc}", f"malformed CSV: {exc}")
        raise ImportRefused(path, [Problem(start, "", reason)]) from None


def _open_workbook(path: Path) -> Any:
    import openpyxl  # slow to import; only XLSX imports need it

    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds on a bad workbook
        reason = Text(
            f"不是可读的 .xlsx 工作簿（{type(exc).__name__}: {exc}）",
            f"not a readable .xlsx workbook ({type(exc).__name__}: {exc})",
        )
        raise ImportRefused(path, [Problem(None, "", reason)]) from None


def xlsx_sheets(path: Path) -> list[str]:
    """The names of a workbook's worksheets, the active one first."""
    workbook = _open_workbook(path)
    try:
        names = [ws.title for ws in workbook.worksheets]
        active = _active(workbook)
    finally:
        workbook.close()
    return sorted(names, key=lambda name: name != (active.title if active else None))


def _active(workbook: Any) -> Any:
    """The worksheet Excel shows on opening (the first worksheet if that is not one)."""
    active = workbook.active
    if active is not None and active in workbook.worksheets:
        return active
    return workbook.worksheets[0] if workbook.worksheets else None


def read_xlsx(
    path: Path, *, sheet: str | None = None, report: ReadReport | None = None
) -> Iterator[tuple[int, Sequence[Any]]]:
    """Rows of a workbook's active sheet (or the named one), each with its row number."""
    workbook = _open_workbook(path)
    try:
        names = [ws.title for ws in workbook.worksheets]
        if sheet is not None and sheet not in names:
            listed = "、".join(names)
            reason = Text(
                f"工作簿里没有工作表 {sheet!r}；有：{listed}",
                f"no sheet {sheet!r} in the workbook; it has: {', '.join(names)}",
            )
            raise ImportRefused(path, [Problem(None, "sheet", reason)])
        worksheet = workbook[sheet] if sheet is not None else _active(workbook)
        if worksheet is None:
            return
        if report is not None:
            report.sheet = worksheet.title
        worksheet.reset_dimensions()
        rows = worksheet.iter_rows(min_row=1, min_col=1, values_only=True)
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


CSV = Importer(
    "csv",
    Text("CSV 文件（UTF-8 或 GBK）", "CSV file (UTF-8 or GBK)"),
    (".csv",),
    read_csv,
    options=("encoding", "report"),
)
XLSX = Importer(
    "xlsx",
    Text("Excel 工作簿（.xlsx）", "Excel workbook (.xlsx)"),
    (".xlsx",),
    read_xlsx,
    options=("sheet", "report"),
    sheets=xlsx_sheets,
)


plugin = Plugin(importers=(CSV, XLSX))
