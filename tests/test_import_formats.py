"""Files as offices make them: GBK or BOM CSV, Chinese headers and labels, any date, sheets."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from plugins.actions import ActionContext, import_records, import_villages
from plugins.importing import ImportRefused
from plugins.manager import PluginHost
from plugins.schema import DATE_FIELD, FieldProblem, not_a_date
from store import Quarter, Store
from tests.cli_support import write_csv
from tests.store_support import data_revision

VILLAGES = [
    ["code", "name", "office"],
    ["V01", "东庄村", "东片"],
    ["V02", "西庄村", "东片"],
    ["V03", "新村", "西片"],
    ["V04", "新村", "北片"],
]
CHINESE_CASES = [
    ["日期", "村名", "类型", "标签", "案号", "简要情况"],
    ["2023/7/5", "东庄村", "刑事", "涉赌、涉毒", "A-1", "打牌"],
    ["2023年8月1日", "西庄", "治安", "", "A-2", ""],
]


@pytest.fixture
def town(store: Store, host: PluginHost, tmp_path: Path) -> Store:
    """The store with four villages, two of them both named 新村."""
    import_villages(ActionContext(store, host), write_csv(tmp_path / "villages.csv", VILLAGES))
    return store


def excel_csv(path: Path, rows: list[list[str]], encoding: str) -> Path:
    """A CSV as Chinese Excel saves it: CRLF lines in the given encoding."""
    text = "\r\n".join(",".join(row) for row in rows) + "\r\n"
    path.write_bytes(text.encode(encoding))
    return path


def kinds(store: Store, quarter: Quarter) -> list[tuple[str, str, str]]:
    return [(r.village, r.date.isoformat(), r.text("kind")) for r in store.records(quarter)]


@pytest.mark.parametrize(
    ("encoding", "named"), [("gbk", "gb18030"), ("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig")]
)
def test_a_chinese_excel_csv_imports_without_conversion(
    town: Store, host: PluginHost, tmp_path: Path, encoding: str, named: str
) -> None:
    path = excel_csv(tmp_path / "cases.csv", CHINESE_CASES, encoding)
    result = import_records(ActionContext(town, host), path, "police.case")
    assert (result.encoding, result.sheet, result.total) == (named, None, 2)
    assert kinds(town, Quarter(2023, 3)) == [
        ("V01", "2023-07-05", "criminal"),
        ("V02", "2023-08-01", "security"),
    ]
    (first, _) = town.records(Quarter(2023, 3))
    assert first.tags("tags") == {"gambling", "drugs"} and first.text("case_no") == "A-1"


def test_a_forced_encoding_is_used_and_a_wrong_one_refused(
    town: Store, host: PluginHost, tmp_path: Path
) -> None:
    path = excel_csv(tmp_path / "cases.csv", CHINESE_CASES, "gbk")
    with pytest.raises(ImportRefused) as info:
        import_records(ActionContext(town, host), path, "police.case", encoding="utf-8")
    assert [(p.line, p.field) for p in info.value.problems] == [(1, "")]
    assert "not valid utf-8" in info.value.lines("en")[0]
    with pytest.raises(ImportRefused) as info:
        import_records(ActionContext(town, host), path, "police.case", encoding="klingon")
    assert info.value.lines("en") == [f"{path}: encoding: unknown encoding 'klingon'"]
    result = import_records(ActionContext(town, host), path, "police.case", encoding="gbk")
    assert (result.encoding, result.total) == ("gbk", 2)


@pytest.mark.parametrize(
    "written",
    [
        "2023-07-05",
        "2023-7-5",
        "2023/7/5",
        "2023.7.5",
        "2023年7月5日",
        "2023 年 7 月 5 日",
        "20230705",
        "２０２３/７/５",
        "2023-07-05 00:00:00",
        "45112",
        45112,
        45112.0,
        date(2023, 7, 5),
        datetime(2023, 7, 5),
    ],
)
def test_every_date_form_offices_write_is_read(written: object) -> None:
    assert DATE_FIELD.parse(written) == "2023-07-05"


@pytest.mark.parametrize(
    "written",
    [
        "2023-02-30",
        "2023/13/1",
        "2023年7月",
        "7/5/2023",
        "20231305",
        "2023",
        2023,
        45112.5,
        True,
        "yesterday",
        datetime(2023, 7, 5, 9, 30),
    ],
)
def test_every_refused_date_has_the_one_wording(written: object) -> None:
    with pytest.raises(FieldProblem) as info:
        DATE_FIELD.parse(written)
    assert info.value.message == not_a_date(written)
    assert info.value.message.zh.startswith("不是日期：")
    assert info.value.message.en.startswith("not a date: ")


def test_booleans_read_y_n_and_chinese_and_excel_true(
    town: Store, host: PluginHost, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "petitions.csv",
        [
            ["日期", "村", "层级", "越级", "集访", "非访"],
            ["2023-05-01", "V01", "镇", "Y", "N", "是"],
            ["2023-05-02", "V02", "区", "TRUE", "否", "0"],
        ],
    )
    import_records(ActionContext(town, host), path, "civil.petition")
    flags = sorted(
        (r.village, r.text("level"), r.flag("skip_level"), r.flag("collective"), r.flag("abnormal"))
        for r in town.records(Quarter(2023, 2))
    )
    assert flags == [("V01", "town", True, False, True), ("V02", "district", True, False, False)]


def test_a_village_name_shared_by_two_villages_is_refused_naming_both(
    town: Store, host: PluginHost, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "patrols.csv",
        [["日期", "村庄", "人数"], ["2023-07-01", "新村", "3"], ["2023-07-02", "南村", "3"]],
    )
    revision = data_revision(town)
    with pytest.raises(ImportRefused) as info:
        import_records(ActionContext(town, host), path, "police.patrol")
    assert [(p.line, p.field) for p in info.value.problems] == [(2, "village"), (3, "village")]
    assert "V03, V04" in info.value.problems[0].reason
    assert info.value.problems[1].message.zh == "没有这个村（代码或村名）：'南村'"
    assert data_revision(town) == revision


def test_headers_by_label_synonym_and_field_name_in_any_case_and_width(
    town: Store, host: PluginHost, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "hazards.csv",
        [
            ["发现日期", "VILLAGE", "期限", "ｒｅｃｔｉｆｉｅｄ_ｏｎ", "重大隐患*", "备注"],
            ["2023-04-03", "东庄村", "2023/5/1", "", "否", "电线"],
        ],
    )
    import_records(ActionContext(town, host), path, "emergency.hazard")
    (hazard,) = town.records(Quarter(2023, 2))
    assert (hazard.village, hazard.text("deadline"), hazard.flag("major")) == (
        "V01",
        "2023-05-01",
        False,
    )
    assert hazard.text("summary") == "电线"


def workbook(path: Path, sheets: dict[str, list[list[object]]], active: str) -> Path:
    """A workbook with real date cells (as Excel saves them) and the given active sheet."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.active = list(sheets).index(active)
    book.save(path)
    return path


XLSX_CASES: list[list[object]] = [
    ["日期", "村", "性质", "案号"],
    [datetime(2023, 7, 5), "东庄村", "刑事", "X-1"],
    [45143, "V02", "治安", None],
]


def test_the_active_sheet_is_read_and_named(town: Store, host: PluginHost, tmp_path: Path) -> None:
    notes = [["说明"], ["本表由派出所填写"]]
    path = workbook(tmp_path / "cases.xlsx", {"说明": notes, "案件": XLSX_CASES}, "案件")
    result = import_records(ActionContext(town, host), path, "police.case")
    assert (result.sheet, result.encoding, result.notes, result.total) == ("案件", None, (), 2)
    assert kinds(town, Quarter(2023, 3)) == [
        ("V01", "2023-07-05", "criminal"),
        ("V02", "2023-08-05", "security"),
    ]


def test_a_sheet_without_the_columns_falls_back_to_the_one_that_has_them(
    town: Store, host: PluginHost, tmp_path: Path
) -> None:
    notes = [["说明"], ["本表由派出所填写"]]
    path = workbook(tmp_path / "cases.xlsx", {"说明": notes, "案件": XLSX_CASES}, "说明")
    result = import_records(ActionContext(town, host), path, "police.case")
    assert result.sheet == "案件" and result.total == 2
    (note,) = result.notes
    assert "说明" in note.zh and "案件" in note.zh and "'案件'" in note.en


def test_sheet_names_a_sheet_and_an_unknown_one_is_refused(
    town: Store, host: PluginHost, tmp_path: Path
) -> None:
    older = [XLSX_CASES[0], [date(2023, 1, 9), "V01", "治安", "Y-1"]]
    path = workbook(tmp_path / "cases.xlsx", {"七月": XLSX_CASES, "一月": older}, "七月")
    result = import_records(ActionContext(town, host), path, "police.case", sheet="一月")
    assert (result.sheet, result.counts) == ("一月", {Quarter(2023, 1): 1})
    with pytest.raises(ImportRefused) as info:
        import_records(ActionContext(town, host), path, "police.case", sheet="八月")
    assert [(p.line, p.field) for p in info.value.problems] == [(None, "sheet")]
    assert "七月、一月" in info.value.problems[0].message.zh


def test_two_sheets_with_the_columns_leave_the_choice_to_the_user(
    town: Store, host: PluginHost, tmp_path: Path
) -> None:
    notes = [["说明"], ["x"]]
    sheets = {"说明": notes, "A": XLSX_CASES, "B": XLSX_CASES}
    path = workbook(tmp_path / "cases.xlsx", sheets, "说明")
    with pytest.raises(ImportRefused) as info:
        import_records(ActionContext(town, host), path, "police.case")
    assert {(p.line, p.field) for p in info.value.problems} >= {(1, "date"), (1, "village")}


def test_sheet_and_encoding_options_refused_where_they_do_not_apply(
    town: Store, host: PluginHost, tmp_path: Path
) -> None:
    path = excel_csv(tmp_path / "cases.csv", CHINESE_CASES, "utf-8")
    with pytest.raises(ImportRefused) as info:
        import_records(ActionContext(town, host), path, "police.case", sheet="Sheet1")
    assert [(p.line, p.field) for p in info.value.problems] == [(None, "sheet")]
