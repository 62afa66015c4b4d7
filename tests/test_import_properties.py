"""Generated CSV and XLSX files, good and bad: an import stores all its rows or refuses all.

Each import either lands whole or raises one ImportRefused whose every problem names its line
and field; it never raises anything else and never leaves part of a file in the store.
"""

from __future__ import annotations

import csv
import io
import itertools
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from plugins.actions import ActionContext, RecordImport, import_records, import_villages
from plugins.importing import ImportRefused
from plugins.manager import PluginHost
from store import Store
from tests.cli_support import write_csv
from tests.store_support import data_revision

HEADER = ["日期", "村名", "类型", "标签", "案号", "summary"]
GOOD_DATES = ["2023-07-05", "2023/7/5", "2023.7.5", "2023年7月5日", "20230705", "45112"]
BAD_DATES = ["2023-02-30", "2023/13/1", "7/5/2023", "昨天", "2023", "0"]
GOOD_VILLAGES = ["V01", "东庄村", "西庄", "V02"]
BAD_VILLAGES = ["V99", "新村", "=HYPERLINK()"]
GOOD_KINDS = ["刑事", "治安", "criminal", "Security"]
BAD_KINDS = ["盗窃", "x", "-1"]
GOOD_TAGS = ["", "涉赌", "涉赌、涉毒", "gang;fraud"]
BAD_TAGS = ["涉枪", "gang;;unicorn"]
SETTINGS = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
)
_counter = itertools.count()


@dataclass
class Town:
    """One store shared by every example of a test, with the villages rows may name."""

    store: Store
    ctx: ActionContext
    folder: Path

    def file(self, suffix: str) -> Path:
        return self.folder / f"f{next(_counter)}{suffix}"

    def record_count(self) -> int:
        return sum(len(self.store.records(q)) for q in self.store.record_quarters())


@pytest.fixture(scope="module")
def town(host: PluginHost) -> Iterator[Town]:
    with tempfile.TemporaryDirectory() as folder:
        store = Store(Path(folder) / "town.json")
        store.init("桑村镇")
        ctx = ActionContext(store.open(), host)
        villages = [
            ["code", "name", "office"],
            ["V01", "东庄村", "东片"],
            ["V02", "西庄村", "东片"],
            ["V03", "新村", "西片"],
            ["V04", "新村", "北片"],
        ]
        import_villages(ctx, write_csv(Path(folder) / "villages.csv", villages))
        yield Town(store, ctx, Path(folder))


def cell(good: list[str], bad: list[str]) -> st.SearchStrategy[str]:
    """Mostly good values, some bad ones, some empty, some huge or arbitrary text."""
    return st.one_of(
        st.sampled_from(good),
        st.sampled_from(good),
        st.sampled_from(bad),
        st.just(""),
        st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=8),
        st.just("很长" * 5000),
    )


ROW = st.lists(
    st.tuples(
        cell(GOOD_DATES, BAD_DATES),
        cell(GOOD_VILLAGES, BAD_VILLAGES),
        cell(GOOD_KINDS, BAD_KINDS),
        cell(GOOD_TAGS, BAD_TAGS),
        st.one_of(st.just(""), st.uuids().map(str)),
        cell(["打架", ""], ["=1+1", "@x"]),
    ).map(list),
    min_size=0,
    max_size=12,
)


GOOD_ROWS = st.lists(
    st.tuples(
        st.sampled_from(GOOD_DATES),
        st.sampled_from(GOOD_VILLAGES),
        st.sampled_from(GOOD_KINDS),
        st.sampled_from(GOOD_TAGS),
        st.one_of(st.just(""), st.uuids().map(str)),
        st.sampled_from(["", "打架", "很长" * 5000, "=1+1"]),
    ).map(list),
    min_size=1,
    max_size=12,
)


def data_rows(rows: list[list[Any]]) -> int:
    return sum(1 for row in rows if any(str(c).strip() for c in row if c is not None))


def assert_whole_or_nothing(town: Town, path: Path, rows: list[list[Any]]) -> None:
    """Import the file: every data row stored, or a refusal naming lines and fields, none stored."""
    revision, count = data_revision(town.store), town.record_count()
    try:
        result = import_records(town.ctx, path, "police.case", again=True)
    except ImportRefused as refusal:
        event("refused")
        assert refusal.problems
        for problem in refusal.problems:
            assert problem.line is not None and problem.field, problem
            assert problem.render(path, "zh").startswith(f"{path}:{problem.line}: ")
        assert (data_revision(town.store), town.record_count()) == (revision, count)
        return
    assert isinstance(result, RecordImport)
    event("stored")
    assert result.total == data_rows(rows)
    assert town.record_count() == count + result.total


CSV_ENCODINGS = st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "gbk", "utf-16"])


@settings(SETTINGS, max_examples=300)
@given(rows=st.one_of(GOOD_ROWS, ROW), encoding=CSV_ENCODINGS, crlf=st.booleans())
def test_generated_csv_files_import_whole_or_not_at_all(
    town: Town, rows: list[list[str]], encoding: str, crlf: bool
) -> None:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n" if crlf else "\n").writerows([HEADER, *rows])
    try:
        data = buffer.getvalue().encode(encoding)
    except UnicodeEncodeError:
        data = buffer.getvalue().encode("utf-8")
    path = town.file(".csv")
    path.write_bytes(data)
    assert_whole_or_nothing(town, path, rows)


XLSX_DATES = st.one_of(
    st.dates(min_value=date(2020, 1, 1), max_value=date(2024, 12, 31)),
    st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2024, 12, 31)),
    st.integers(min_value=-5, max_value=80000),
    st.floats(allow_nan=False, allow_infinity=False, min_value=-1e6, max_value=1e6),
    cell(GOOD_DATES, BAD_DATES),
    st.none(),
)


def xlsx_text(good: list[str], bad: list[str]) -> st.SearchStrategy[Any]:
    """Cells openpyxl can store: no control characters, sometimes numbers or nothing."""
    printable = st.text(alphabet=st.characters(exclude_categories=("Cc", "Cs")), max_size=8)
    return st.one_of(
        st.sampled_from(good), st.sampled_from(bad), printable, st.none(), st.integers(-3, 3)
    )


XLSX_ROW = st.lists(
    st.tuples(
        XLSX_DATES,
        xlsx_text(GOOD_VILLAGES, BAD_VILLAGES),
        xlsx_text(GOOD_KINDS, BAD_KINDS),
        xlsx_text(GOOD_TAGS, BAD_TAGS),
        st.one_of(st.none(), st.uuids().map(str)),
        xlsx_text(["打架"], ["=1+1"]),
    ).map(list),
    min_size=0,
    max_size=10,
)


@settings(SETTINGS, max_examples=200)
@given(rows=st.one_of(GOOD_ROWS, XLSX_ROW), blank_first=st.booleans())
def test_generated_workbooks_import_whole_or_not_at_all(
    town: Town, rows: list[list[Any]], blank_first: bool
) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    if blank_first:
        sheet.append([])
    rows = [[_formula_safe(value) for value in row] for row in rows]
    for row in [HEADER, *rows]:
        sheet.append(row)
    path = town.file(".xlsx")
    book.save(path)
    assert_whole_or_nothing(town, path, rows)


def _formula_safe(value: Any) -> Any:
    """Text as Excel can hold it: no control characters, a leading = typed as text."""
    if not isinstance(value, str):
        return value
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return "'" + value if value.startswith("=") else value


@settings(SETTINGS, max_examples=40)
@given(garbage=st.binary(min_size=1, max_size=200))
def test_arbitrary_bytes_are_refused_or_read_never_a_traceback(town: Town, garbage: bytes) -> None:
    path = town.file(".csv")
    path.write_bytes("日期,村,类型\n".encode() + garbage)
    revision = data_revision(town.store)
    try:
        import_records(town.ctx, path, "police.case", again=True)
    except ImportRefused as refusal:
        assert all(p.line is not None for p in refusal.problems)
        assert data_revision(town.store) == revision
