"""Importing villages and records from CSV and XLSX: all or nothing, every bad row named."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from plugins import Choice, Field, Importer, Kind, Text, hookimpl
from plugins.actions import ActionContext, import_records, import_villages
from plugins.i18n import LANGS
from plugins.importing import ImportRefused, UnknownRecordType, read_table
from plugins.manager import PluginHost
from plugins.schema import DATE_FIELD, FieldProblem, summarize
from store import Quarter, Store, Village
from tests.cli_support import write_csv, write_xlsx
from tests.store_support import data_revision

CHINESE = re.compile(r"[\u4e00-\u9fff]")
DATE_FORMS = Text(
    "（可写 2023-07-05、2023/7/5、2023.7.5、2023年7月5日 或 20230705）",
    " (write 2023-07-05, 2023/7/5, 2023.7.5, 2023年7月5日 or 20230705)",
)
CASE_HEADER = ["date", "village", "kind", "tags", "case_no"]
VILLAGE_ROWS = [
    ["code", "name", "office", "secretary", "population", "households"],
    ["V01", "东庄村", "东片", "张三", "1200", "380"],
    ["V02", "西庄村", "东片", "", "", ""],
    ["V03", "南庄村", "西片", "李四", "860", "250"],
]


@pytest.fixture
def town(store: Store, host: PluginHost, tmp_path: Path) -> Store:
    """The store with three villages, imported from a CSV file."""
    import_villages(ActionContext(store, host), write_csv(tmp_path / "villages.csv", VILLAGE_ROWS))
    return store


def refused(call: Callable[[], object]) -> ImportRefused:
    with pytest.raises(ImportRefused) as info:
        call()
    return info.value


def where(exc: ImportRefused) -> set[tuple[int | None, str]]:
    return {(p.line, p.field) for p in exc.problems}


def assert_rendered(exc: ImportRefused, path: Path) -> None:
    """In each language every problem reads `FILE:LINE: field: reason` (or `FILE: reason`).

    pingan's own reasons are given in Chinese too, and never as the English words.
    """
    for lang in LANGS:
        for problem, line in zip(exc.problems, exc.lines(lang), strict=True):
            head = f"{path}:{problem.line}" if problem.line is not None else f"{path}"
            head += f": {problem.field}: " if problem.field else ": "
            assert line == head + problem.reason_in(lang)
    for problem in exc.problems:
        assert isinstance(problem.message, Text), problem
        assert problem.reason == problem.message.en
        assert CHINESE.search(problem.message.zh) and problem.message.zh != problem.message.en


# reasons, in both languages

COUNT = Field("count", Kind.INT, Text("人数", "Count"), minimum=0, maximum=9)
FLAG = Field("flag", Kind.BOOL, Text("标记", "Flag"))
SIDE = Field(
    "side",
    Kind.ENUM,
    Text("片区", "Side"),
    choices=(Choice("east", Text("东片", "East")), Choice("west", Text("西片", "West"))),
)


@pytest.mark.parametrize(
    ("field", "raw", "zh", "en"),
    [
        (
            DATE_FIELD,
            "2022-2-33",
            "不是日期：'2022-2-33'" + DATE_FORMS.zh,
            "not a date: '2022-2-33'" + DATE_FORMS.en,
        ),
        (
            DATE_FIELD,
            "2022-02-30",
            "不是日期：'2022-02-30'" + DATE_FORMS.zh,
            "not a date: '2022-02-30'" + DATE_FORMS.en,
        ),
        (
            DATE_FIELD,
            "July 5",
            "不是日期：'July 5'" + DATE_FORMS.zh,
            "not a date: 'July 5'" + DATE_FORMS.en,
        ),
        (
            DATE_FIELD,
            datetime(2022, 1, 5, 9, 30),
            "不是日期：'2022-01-05 09:30:00'" + DATE_FORMS.zh,
            "not a date: '2022-01-05 09:30:00'" + DATE_FORMS.en,
        ),
        (COUNT, "three", "不是整数：'three'", "expected a whole number, got 'three'"),
        (COUNT, True, "不是整数：True", "expected a whole number, got True"),
        (COUNT, "-1", "-1 小于最小值 0", "-1 is below the minimum 0"),
        (COUNT, 10, "10 大于最大值 9", "10 is above the maximum 9"),
        (
            FLAG,
            "maybe",
            "应为 是/否（true/false、1/0、Y/N）：'maybe'",
            "expected yes/no (true/false, 1/0, Y/N, 是/否), got 'maybe'",
        ),
        (
            SIDE,
            "north",
            "'north' 不是可选值之一：east（东片）、west（西片）",
            "'north' is not one of east, west",
        ),
    ],
)
def test_a_refused_value_says_why_in_both_languages(
    field: Field, raw: Any, zh: str, en: str
) -> None:
    with pytest.raises(FieldProblem) as info:
        field.parse(raw)
    assert info.value.message == Text(zh, en)
    assert str(info.value) == en and isinstance(info.value, ValueError)


def test_unknown_fields_required_ones_and_unknown_villages_say_why_in_both_languages(
    host: PluginHost,
) -> None:
    rtype = host.registry.record_types["police.case"]
    _, errors = rtype.validate({"date": "2022-01-05", "village": "V09", "colour": "red"}, {"V01"})
    assert {e.field: e.message for e in errors} == {
        "colour": Text("记录类型 police.case 没有这个字段", "unknown field for police.case"),
        "village": Text("没有这个村代码：'V09'", "unknown village code 'V09'"),
        "kind": Text("必填", "required"),
    }
    assert [e.reason for e in errors] == [e.message.en for e in errors]


# villages


def test_villages_csv_with_bom_are_stored_with_every_column(town: Store) -> None:
    v01 = town.village("V01")
    assert v01 == Village("V01", "东庄村", "东片", "张三", 1200, 380)
    assert town.village("V02") == Village("V02", "西庄村", "东片")
    assert [v.code for v in town.villages()] == ["V01", "V02", "V03"]


def test_villages_xlsx_with_chinese_headers_and_numeric_codes(
    store: Store, host: PluginHost, tmp_path: Path
) -> None:
    path = write_xlsx(
        tmp_path / "villages.xlsx",
        [
            ["代码", "村名", "办事处", "人口"],
            [101, "东庄村", "东片", 1200.0],
            [],
            [102, "西庄村", "西片"],
        ],
    )
    result = import_villages(ActionContext(store, host), path)
    assert (result.added, result.updated) == (2, 0)
    assert store.village("101") == Village("101", "东庄村", "东片", population=1200)
    assert store.village("102") == Village("102", "西庄村", "西片")


def test_villages_upsert_by_code_keeps_the_active_flag(
    town: Store, host: PluginHost, tmp_path: Path
) -> None:
    with town.transaction() as tx:
        tx.put_village(Village("V03", "南庄村", "西片", active=False))
    path = write_csv(
        tmp_path / "again.csv",
        [
            ["code", "name", "office"],
            ["V01", "东庄新村", "北片"],
            ["V03", "南庄村", "西片"],
            ["V04", "北庄村", "北片"],
        ],
    )
    result = import_villages(ActionContext(town, host), path)
    assert (result.added, result.updated) == (1, 2)
    assert town.village("V01") == Village("V01", "东庄新村", "北片")
    assert town.village("V03") == Village("V03", "南庄村", "西片", active=False)
    assert town.village("V04") == Village("V04", "北庄村", "北片")


def test_villages_refused_with_every_bad_line_and_nothing_stored(
    store: Store, host: PluginHost, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "villages.csv",
        [
            ["code", "name", "office", "population"],
            ["V01", "东庄村", "东片", "1200"],
            ["V02", "", "东片", "abc"],
            ["V01", "重复村", "西片", "-5"],
            ["V04", "北庄村", "北片", "10", "多余"],
        ],
        bom=True,
    )
    exc = refused(lambda: import_villages(ActionContext(store, host), path))
    assert where(exc) == {
        (3, "name"),
        (3, "population"),
        (4, "code"),
        (4, "population"),
        (5, "column 5"),
    }
    assert "first on line 2" in next(p.reason for p in exc.problems if p.field == "code")
    assert_rendered(exc, path)
    assert store.villages(active_only=False) == []


def test_villages_header_problems_are_reported_once_on_the_header_line(
    store: Store, host: PluginHost, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "villages.csv",
        [[], ["code", "name", "town"], ["V01", "东庄村", "x"], ["V02", "西庄村", "y"]],
    )
    exc = refused(lambda: import_villages(ActionContext(store, host), path))
    assert where(exc) == {(2, "town"), (2, "office")}
    assert_rendered(exc, path)
    assert set(exc.lines("zh")) == {
        f"{path}:2: office: 缺少必填的列",
        f"{path}:2: town: 村名单没有这一列；可用的列：code（代码）、name（村名）、"
        "office（办事处）、secretary（书记）、population（人口）、households（户数）",
    }


def test_a_column_named_twice_refuses_the_file(
    store: Store, host: PluginHost, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "v.csv", [["code", "name", "office", "name "], ["V1", "a", "b", "c"]]
    )
    exc = refused(lambda: import_villages(ActionContext(store, host), path))
    assert where(exc) == {(1, "name")}
    assert_rendered(exc, path)


# records


def test_records_csv_stored_in_one_batch_and_counted_per_quarter(
    town: Store, host: PluginHost, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "cases.csv",
        [
            CASE_HEADER,
            ["2022-09-30", "V01", "security", "gambling;drugs", "A1"],
            [],
            ["2022-10-01", "V02", "刑事", "命案", "A2"],
            ["2022-07-01", "V03", "criminal", "", ""],
        ],
    )
    counts = import_records(ActionContext(town, host), path, "police.case").counts
    assert counts == {Quarter(2022, 3): 2, Quarter(2022, 4): 1}
    (first,) = town.village_records(Quarter(2022, 3), "V01", "police.case")
    assert first.date == date(2022, 9, 30)
    assert first.tags("tags") == {"gambling", "drugs"}
    assert first.unit == "police" and first.text("case_no") == "A1"
    (second,) = town.village_records(Quarter(2022, 4), "V02", "police.case")
    assert second.text("kind") == "criminal" and second.tags("tags") == {"homicide"}


def test_booleans_accept_true_false_1_0_and_chinese(
    town: Store, host: PluginHost, tmp_path: Path
) -> None:
    header = ["date", "village", "level", "skip_level", "collective", "abnormal"]
    path = write_csv(
        tmp_path / "petitions.csv",
        [
            header,
            ["2022-05-01", "V01", "town", "true", "0", "是"],
            ["2022-05-02", "V02", "district", "1", "false", "否"],
        ],
    )
    import_records(ActionContext(town, host), path, "civil.petition")
    flags = [
        (r.village, r.flag("skip_level"), r.flag("collective"), r.flag("abnormal"))
        for r in town.records(Quarter(2022, 2), "civil.petition")
    ]
    assert sorted(flags) == [("V01", True, False, True), ("V02", True, False, False)]


def test_every_bad_record_row_is_named_and_nothing_is_stored(
    town: Store, host: PluginHost, tmp_path: Path
) -> None:
    header = ["date", "village", "category", "status", "resolved_on", "turned_criminal"]
    path = write_csv(
        tmp_path / "disputes.csv",
        [
            header,
            ["2022-02-28", "V01", "land", "resolved", "2022-03-01", "否"],
            ["2022-02-30", "V01", "land", "open", "", ""],
            ["2022-03-01", "V01", "feud", "open", "", ""],
            ["2022-03-02", "V01", "land", "open", "", "maybe"],
            ["2022-03-03", "V01", "", "open", "", ""],
            ["2022-03-04", "V99", "family", "open", "", ""],
            ["2022-03-05", "V02", "family", "open", "2022-13-01", "1", "extra"],
        ],
    )
    revision = data_revision(town)
    exc = refused(lambda: import_records(ActionContext(town, host), path, "judicial.dispute"))
    assert where(exc) == {
        (3, "date"),
        (4, "category"),
        (5, "turned_criminal"),
        (6, "category"),
        (7, "village"),
        (8, "resolved_on"),
        (8, "column 7"),
    }
    assert "2022-02-30" in exc.lines("en")[0]
    assert_rendered(exc, path)
    assert data_revision(town) == revision
    assert town.record_quarters() == []


def test_unknown_and_missing_columns_are_named_on_the_header(
    town: Store, host: PluginHost, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "cases.csv",
        [["date", "village", "tags", "colour"], ["2022-01-05", "V01", "gang", "red"]],
    )
    exc = refused(lambda: import_records(ActionContext(town, host), path, "police.case"))
    assert where(exc) == {(1, "colour"), (1, "kind")}
    assert_rendered(exc, path)
    assert town.record_quarters() == []


def test_header_only_file_stores_nothing(town: Store, host: PluginHost, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "cases.csv", [CASE_HEADER])
    revision = data_revision(town)
    assert import_records(ActionContext(town, host), path, "police.case").counts == {}
    assert data_revision(town) == revision


def test_unknown_record_type_lists_the_known_ones(
    town: Store, host: PluginHost, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "cases.csv", [CASE_HEADER])
    with pytest.raises(UnknownRecordType, match="police.case") as info:
        import_records(ActionContext(town, host), path, "police.burglary")
    assert "police.burglary" in str(info.value)
    assert str(info.value) == info.value.message.en
    assert info.value.message.zh.startswith("没有记录类型 'police.burglary'；可用的类型：")
    assert "police.case" in info.value.message.zh


def test_unknown_suffix_names_the_supported_ones(
    town: Store, host: PluginHost, tmp_path: Path
) -> None:
    path = tmp_path / "cases.txt"
    path.write_text("date,village\n", encoding="utf-8")
    exc = refused(lambda: import_records(ActionContext(town, host), path, "police.case"))
    (line,) = exc.lines("en")
    assert line.startswith(f"{path}: unsupported file type .txt") and ".csv, .xlsx" in line
    assert exc.lines("zh") == [f"{path}: 不支持的文件类型 .txt；支持：.csv, .xlsx"]
    assert_rendered(exc, path)


def test_gbk_bytes_are_read_and_the_encoding_is_named(
    town: Store, host: PluginHost, tmp_path: Path
) -> None:
    path = tmp_path / "cases.csv"
    path.write_bytes(",".join(CASE_HEADER).encode() + b"\n2022-01-05,V01,\xd0\xcc\xca\xc2,,\n")
    result = import_records(ActionContext(town, host), path, "police.case")
    assert result.encoding == "gb18030" and result.total == 1
    (case,) = town.records(Quarter(2022, 1))
    assert case.text("kind") == "criminal"


def test_bytes_neither_utf8_nor_gbk_are_refused_with_the_file_and_line(
    town: Store, host: PluginHost, tmp_path: Path
) -> None:
    path = tmp_path / "cases.csv"
    path.write_bytes(",".join(CASE_HEADER).encode() + b"\n2022-01-05,V01,\x80\xff,,\n")
    exc = refused(lambda: import_records(ActionContext(town, host), path, "police.case"))
    (line,) = exc.lines("en")
    assert line.startswith(f"{path}:2: neither UTF-8 nor GB18030/GBK (byte 0x80)")
    assert exc.lines("zh")[0].startswith(f"{path}:2: 既不是 UTF-8 也不是 GB18030/GBK 编码")
    assert town.record_quarters() == []


def test_csv_lines_are_physical_lines_across_quoted_newlines(
    town: Store, host: PluginHost, tmp_path: Path
) -> None:
    path = tmp_path / "cases.csv"
    path.write_text(
        "date,village,kind,summary\n"
        '2022-01-05,V01,security,"two\nlines"\n'
        "\n"
        "2022-01-06,V01,robbery,\n",
        encoding="utf-8",
    )
    exc = refused(lambda: import_records(ActionContext(town, host), path, "police.case"))
    assert where(exc) == {(5, "kind")}


def test_malformed_csv_names_its_line(town: Store, host: PluginHost, tmp_path: Path) -> None:
    path = tmp_path / "cases.csv"
    path.write_text('date,village,kind\n2022-01-05,V01,"security"x\n', encoding="utf-8")
    exc = refused(lambda: import_records(ActionContext(town, host), path, "police.case"))
    assert [p.line for p in exc.problems] == [2]


def test_xlsx_records_use_typed_cells_and_row_numbers(
    town: Store, host: PluginHost, tmp_path: Path
) -> None:
    header = ["date", "village", "category", "registered", "served", "incidents"]
    good = write_xlsx(
        tmp_path / "kp.xlsx",
        [
            header,
            [date(2022, 4, 1), "V01", "released_prisoner", 3, 3.0, 0],
            [],
            ["2022-06-30", "V02", "刑满释放人员", 2, 1, None],
        ],
    )
    assert import_records(ActionContext(town, host), good, "civil.key_population").counts == {
        Quarter(2022, 2): 2
    }
    rows = sorted(town.records(Quarter(2022, 2)), key=lambda r: r.village)
    assert [(r.village, r.date, r.number("registered"), r.number("served")) for r in rows] == [
        ("V01", date(2022, 4, 1), 3, 3),
        ("V02", date(2022, 6, 30), 2, 1),
    ]
    bad = write_xlsx(
        tmp_path / "bad.xlsx",
        [
            header,
            [date(2022, 4, 1), "V01", "other", 3, 3, 0],
            [],
            [date(2022, 4, 2), "V01", "other", "three", 3, 0],
        ],
    )
    exc = refused(lambda: import_records(ActionContext(town, host), bad, "civil.key_population"))
    assert where(exc) == {(4, "registered")}


def test_a_file_that_is_not_a_workbook_is_refused(
    town: Store, host: PluginHost, tmp_path: Path
) -> None:
    path = tmp_path / "cases.xlsx"
    path.write_text("date,village\n", encoding="utf-8")
    exc = refused(lambda: import_records(ActionContext(town, host), path, "police.case"))
    (line,) = exc.lines("en")
    assert line.startswith(f"{path}: not a readable .xlsx workbook")


def test_a_missing_file_is_refused(town: Store, host: PluginHost, tmp_path: Path) -> None:
    path = tmp_path / "nowhere.csv"
    exc = refused(lambda: import_records(ActionContext(town, host), path, "police.case"))
    assert exc.lines("en") == [f"{path}: no such file"]
    assert exc.lines("zh") == [f"{path}: 文件不存在"]


def test_rows_in_a_finalized_quarter_are_refused(
    town: Store, host: PluginHost, tmp_path: Path
) -> None:
    with town.transaction() as tx:
        tx.save_snapshot(Quarter(2022, 1), {}, locked=True)
    path = write_csv(
        tmp_path / "cases.csv",
        [
            CASE_HEADER,
            ["2022-04-01", "V01", "security", "", ""],
            ["2022-03-31", "V01", "security", "", ""],
        ],
    )
    exc = refused(lambda: import_records(ActionContext(town, host), path, "police.case"))
    assert where(exc) == {(3, "date")}
    assert_rendered(exc, path)
    assert town.record_quarters() == []


class BrokenReader:
    """An outside plugin whose reader fails halfway through a file."""

    @staticmethod
    def read(path: Path) -> list[tuple[int, dict[str, object]]]:
        raise RuntimeError("cannot parse this dialect")

    @hookimpl
    def register_importers(self, register: Callable[[Importer], None]) -> None:
        register(Importer("tsv", Text("制表符文件", "TSV"), (".tsv",), self.read))


def test_a_failing_outside_reader_is_refused_naming_it(store: Store, tmp_path: Path) -> None:
    host = PluginHost.load(entry_points=False, extra=[("tsv", BrokenReader())])
    path = tmp_path / "villages.tsv"
    path.write_text("code\tname\n", encoding="utf-8")
    exc = refused(lambda: import_villages(ActionContext(store, host), path))
    assert exc.lines("en") == [
        f"{path}: the tsv reader failed: RuntimeError: cannot parse this dialect"
    ]
    assert exc.lines("zh") == [
        f"{path}: 读取程序 tsv 出错：RuntimeError: cannot parse this dialect"
    ]


class TsvReader:
    """An outside plugin whose reader yields tab-separated lines as cells, as the guide shows."""

    @staticmethod
    def read(path: Path) -> list[tuple[int, list[str]]]:
        lines = path.read_text(encoding="utf-8").splitlines()
        return [(number, line.split("\t")) for number, line in enumerate(lines, start=1)]

    @hookimpl
    def register_importers(self, register: Callable[[Importer], None]) -> None:
        register(Importer("tsv", Text("制表符文件", "TSV"), (".tsv",), self.read))


def test_an_outside_reader_gets_the_header_line_and_columns_a_built_in_gets(
    store: Store, tmp_path: Path
) -> None:
    host = PluginHost.load(entry_points=False, extra=[("tsv", TsvReader())])
    rows = [[], ["code", "name", "town"], ["V01", "东庄村", "x", "extra"], ["V02", "西庄村", "y"]]
    tsv = tmp_path / "villages.tsv"
    tsv.write_text("\n".join("\t".join(row) for row in rows) + "\n", encoding="utf-8")
    csv_path = write_csv(tmp_path / "villages.csv", rows)
    tsv_table = read_table(host.registry, tsv)
    csv_table = read_table(host.registry, csv_path)
    assert (tsv_table.header_line, tsv_table.columns) == (2, ["code", "name", "town"])
    assert (csv_table.header_line, csv_table.columns, list(csv_table)) == (
        tsv_table.header_line,
        tsv_table.columns,
        list(tsv_table),
    )
    exc = refused(lambda: import_villages(ActionContext(store, host), tsv))
    assert where(exc) == {(2, "town"), (2, "office"), (3, "column 4")}


def test_a_reader_yielding_rows_as_mappings_is_refused_naming_it(
    store: Store, tmp_path: Path
) -> None:
    class DictReader(TsvReader):
        @staticmethod
        def read(path: Path) -> list[tuple[int, list[str]]]:
            return [(1, {"code": "V01"})]  # type: ignore[list-item]

    host = PluginHost.load(entry_points=False, extra=[("tsv", DictReader())])
    path = tmp_path / "villages.tsv"
    path.write_text("code\n", encoding="utf-8")
    exc = refused(lambda: import_villages(ActionContext(store, host), path))
    assert exc.lines("en") == [
        f"{path}: the tsv reader failed: TypeError: line 1: cells must be a list, not dict"
    ]


def test_stored_values_display_as_people_read_them(host: PluginHost) -> None:
    case = host.registry.record_types["police.case"]
    fields = {"kind": "security", "tags": ["gang", "drugs"], "case_no": "X-1", "summary": ""}
    assert summarize(case, fields, "zh") == "案件性质: 治安; 案件标签: 涉黑恶、涉毒; 案件编号: X-1"
    assert summarize(case, fields, "en", skip=("case_no",), width=30) == (
        "Kind: Public security; Tags..."
    )
    assert summarize(None, {"b": [1, 2], "a": 3}, "zh") == "a: 3; b: 1, 2"
    dispute = host.registry.record_types["judicial.dispute"]
    turned = dispute.field("turned_criminal")
    assert turned is not None and turned.display(True, "zh") == "是"
    village = dispute.field("village")
    assert village is not None and village.display("V01", "zh", {"V01": "东庄"}) == "东庄"
