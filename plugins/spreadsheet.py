"""Cells written for spreadsheets, made safe: text a spreadsheet would run as a formula is escaped.

OWASP's rule for CSV injection: a cell starting with `=`, `+`, `-`, `@`, a tab or a carriage
return is prefixed with a single quote, so Excel and WPS show it as text. Every CSV or XLSX
that pingan writes passes its cells through `safe_cell`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""What a cell may not start with unescaped: a spreadsheet would read it as a formula."""


def safe_cell(value: Any) -> Any:
    """The value, or for text that starts like a formula, that text behind a single quote."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(values: Iterable[Any]) -> list[Any]:
    """Every cell of a row made safe."""
    return [safe_cell(v) for v in values]


def safe_mapping(row: Mapping[str, Any]) -> dict[str, Any]:
    """Every value of a row given by column name made safe (the names too)."""
    return {safe_cell(k): safe_cell(v) for k, v in row.items()}
