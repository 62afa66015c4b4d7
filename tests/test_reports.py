"""The quarterly report to the district: figures in every format, DRAFT, the stamp, plugins."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import openpyxl
import pytest
from docx import Document

from plugins import ReportBody, ReportContext, ReportSection, Text, hookimpl
from plugins.actions import ActionContext, Actor, Refusal
from plugins.actions.quarter import finalize, reopen
from plugins.actions.reports import write_report, write_report_file
from plugins.criteria import CRITERION_CODES
from plugins.demo import build_demo
from plugins.lists import lists
from plugins.manager import PluginHost
from plugins.quarters import quarter_grid
from plugins.reports.formats import FORMATS, codes_in
from plugins.reports.stamp import check_code, find_codes, stamp_of
from plugins.reports.workbook import sheet_name
from store import NewRecord, Quarter, Store, Village
from tests.report_support import Q1, Q2, TODAY, small_town

DEMO_FINAL, DEMO_DRAFT = Quarter(2023, 3), Quarter(2023, 4)
DEMO_TODAY = date(2024, 1, 10)


# stores


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory, host: PluginHost) -> ActionContext:
    """The demo town, shared read-only by this module's tests."""
    built = Store(tmp_path_factory.mktemp("demo") / "town.json")
    built.init("")
    store = built.open()
    build_demo(store, host)
    return ActionContext(store, host, Actor("tester"), DEMO_TODAY)


@pytest.fixture
def town(tmp_path: Path, host: PluginHost) -> ActionContext:
    return small_town(tmp_path, host)


# reading each format back with its own library


def md_tables(text: str) -> dict[str, list[list[str]]]:
    """Each `### title` table of a Markdown report as rows of cells (header first)."""
    found: dict[str, list[list[str]]] = {}
    title = ""
    for line in text.splitlines():
        if line.startswith("### "):
            title = line[4:]
            found[title] = []
        elif line.startswith("|") and title and not re.match(r"^\|[-| ]+\|$", line):
            found[title].append([c.strip() for c in line.strip("|").split("|")])
    return found


class _Html(HTMLParser):
    """Tables under their <h3> titles, headings, and the classes and styles of the page."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.h2: list[str] = []
        self.classes: list[str] = []
        self.meta: dict[str, str] = {}
        self.style = ""
        self.svg = 0
        self._tag = ""
        self._title = ""
        self._row: list[str] | None = None
        self._text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.classes += (a.get("class") or "").split()
        if tag == "meta" and a.get("name"):
            self.meta[str(a["name"])] = str(a.get("content"))
        if tag == "svg":
            self.svg += 1
        if tag == "tr":
            self._row = []
        self._tag, self._text = tag, ""

    def handle_data(self, data: str) -> None:
        self._text += data
        if self._tag == "style":
            self.style += data

    def handle_endtag(self, tag: str) -> None:
        text = self._text.strip()
        if tag == "h3":
            self._title = text
            self.tables[text] = []
        elif tag == "h2":
            self.h2.append(text)
        elif tag in ("td", "th") and self._row is not None:
            self._row.append(text)
        elif tag == "tr" and self._row is not None:
            self.tables[self._title].append(self._row)
            self._row = None
        self._text = ""


def html_page(path: Path) -> _Html:
    page = _Html()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def docx_tables(path: Path) -> dict[str, list[list[str]]]:
    """Each table of a document under the Heading 2 before it."""
    doc = Document(str(path))
    body = doc.element.body
    found: dict[str, list[list[str]]] = {}
    title = ""
    tables = iter(doc.tables)
    paragraphs = {p._p: p for p in doc.paragraphs}
    for child in body.iterchildren():
        if child in paragraphs and paragraphs[child].style.name == "Heading 2":
            title = paragraphs[child].text
        elif child.tag.endswith("}tbl"):
            table = next(tables)
            found[title] = [[c.text for c in row.cells] for row in table.rows]
    return found


def csv_rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))


def xlsx_values(path: Path) -> dict[str, list[list[object]]]:
    book = openpyxl.load_workbook(path)
    return {
        sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)]
        for sheet in book.worksheets
    }


def row_of(rows: list[list[object]], first: object) -> list[object]:
    """The first row whose first cell is first."""
    return next(r for r in rows if r and r[0] == first)


# figures in every format


def test_every_format_gives_the_summary_and_negative_list_of_the_finalized_grid(
    tmp_path: Path, demo: ActionContext
) -> None:
    grid = quarter_grid(demo.store, demo.host, DEMO_FINAL)
    doc = lists(demo.store, demo.host, DEMO_FINAL)
    negative = [n["code"] for n in doc["negative"]]
    assert grid.finalized and 0 < grid.compliant < len(grid.rows) and negative
    rate = f"{grid.compliant / len(grid.rows) * 100:.1f}%"
    paths = {
        fmt: write_report(demo, DEMO_FINAL, fmt, tmp_path / f"r.{fmt}", "zh") for fmt in FORMATS
    }

    md = md_tables(paths["md"].read_text(encoding="utf-8"))
    assert row_of(md["总体情况"], "行政村总数")[1] == str(len(grid.rows))
    assert row_of(md["总体情况"], "达标村数")[1] == str(grid.compliant)
    assert row_of(md["总体情况"], "达标率")[1] == rate
    assert [r[0] for r in md["负面清单"][1:]] == negative

    page = html_page(paths["html"])
    assert row_of(page.tables["总体情况"], "达标村数")[1] == str(grid.compliant)
    assert row_of(page.tables["总体情况"], "达标率")[1] == rate
    assert [r[0] for r in page.tables["负面清单"][1:]] == negative
    assert page.svg == 1 and "@page" in page.style and "size: A4" in page.style

    tables = docx_tables(paths["docx"])
    assert row_of(tables["总体情况"], "达标村数")[1] == str(grid.compliant)
    assert [r[0] for r in tables["负面清单"][1:]] == negative
    document = Document(str(paths["docx"]))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings[:7] == [
        "一、总体情况",
        "二、各办事处情况",
        "三、各项指标未达标情况",
        "四、负面清单及整改",
        "五、重点督导、通报与表彰候选",
        "六、各单位季度报表报送情况",
        "七、各季度达标率与目标",
    ]
    assert len(document.inline_shapes) == 1, "the rate chart as an image"
    footer = document.sections[0].footer._element.xml
    assert 'w:instr="PAGE"' in footer and 'w:instr="NUMPAGES"' in footer

    sheets = xlsx_values(paths["xlsx"])
    summary = sheets["一、总体情况"]
    assert row_of(summary, "达标村数")[1] == grid.compliant
    assert row_of(summary, "达标率")[1] == pytest.approx(grid.compliant / len(grid.rows))
    negative_sheet = sheets["四、负面清单及整改"]
    heads = ["村代码", "村名", "办事处", "不达标指标", "待定指标", "责任单位"]
    start = next(i for i, r in enumerate(negative_sheet) if r[:6] == heads)
    assert [r[0] for r in negative_sheet[start + 1 : start + 1 + len(negative)]] == negative
    with zipfile.ZipFile(paths["xlsx"]) as archive:
        charts = [n for n in archive.namelist() if n.startswith("xl/charts/chart")]
        assert len(charts) == 1
        xml = archive.read(charts[0]).decode()
    assert re.search(r"<(c:)?barChart>", xml) and re.search(r"<(c:)?lineChart>", xml)

    rows = csv_rows(paths["csv"])
    assert row_of(rows, "达标村数")[1] == str(grid.compliant)
    assert row_of(rows, "达标率")[1] == rate


def test_one_sheet_per_section_and_the_stamp_sheet(tmp_path: Path, demo: ActionContext) -> None:
    written = write_report_file(demo, DEMO_FINAL, "xlsx", tmp_path / "r.xlsx", "en")
    book = openpyxl.load_workbook(written.path)
    taken: set[str] = set()
    titles = [s.title for s in written.report.sections] + ["Verification"]
    assert book.sheetnames == [sheet_name(t, taken) for t in titles]
    assert book.sheetnames[3] == "4. Negative list and rectificat"


def test_small_town_figures_offices_criteria_rectification_and_returns(
    tmp_path: Path, town: ActionContext
) -> None:
    path = write_report(town, Q1, "md", tmp_path / "r.md", "zh")
    tables = md_tables(path.read_text(encoding="utf-8"))
    assert row_of(tables["总体情况"], "达标村数")[1] == "1"
    assert row_of(tables["总体情况"], "达标率")[1] == "33.3%"
    assert tables["各办事处达标情况"][1:] == [
        ["城区办事处", "2", "1", "1", "0", "50.0%"],
        ["东部办事处", "1", "0", "1", "0", "0.0%"],
        ["合计", "3", "1", "2", "0", "33.3%"],
    ]
    failing = {r[0]: r[2] for r in tables["各项指标未达标村数"][1:]}
    assert failing == {c: "1" if c in ("N7", "N9") else "0" for c in CRITERION_CODES}
    items = tables["整改事项"][1:]
    assert sorted((r[1], r[2], r[3]) for r in items) == [
        ("V02 东庄", "N9 无刑事案件", "派出所"),
        ("V03 南楼", "N7 无安全事故", "应急办"),
    ]
    returns = {r[0]: (r[1], r[3]) for r in tables["季度报表报送情况"][1:]}
    assert returns == {
        "派出所": ("2024-04-02", "按时"),
        "司法所": ("2024-04-02", "按时"),
        "应急办": ("2024-04-02", "按时"),
        "民政办": ("2024-04-08", "逾期 5 天"),
    }
    assert tables["案件（按性质）"][1:] == [["刑事", "1"], ["治安", "0"]]
    text = path.read_text(encoding="utf-8")
    assert "XA-2024-0042" not in text, "a report carries counts, never case numbers"


def test_a_report_never_replaces_a_file_unless_asked(tmp_path: Path, town: ActionContext) -> None:
    path = tmp_path / "r.md"
    write_report(town, Q1, "md", path, "zh")
    first = path.read_bytes()
    path.write_bytes(b"printed and sent")
    with pytest.raises(Refusal) as refused:
        write_report(town, Q1, "md", path, "zh")
    assert refused.value.field == "overwrite" and refused.value.path == path
    assert "--overwrite" in refused.value.message.en
    assert path.read_bytes() == b"printed and sent"
    write_report(town, Q1, "md", path, "zh", overwrite=True)
    assert path.read_bytes() == first


# pending villages in a draft


def test_a_draft_counts_pending_villages_apart_and_compares_no_quarters(
    tmp_path: Path, demo: ActionContext
) -> None:
    """Civil affairs has not filed 2023Q4: its villages wait, so the rate is provisional."""
    listed = lists(demo.store, demo.host, DEMO_DRAFT)
    negative = [n["code"] for n in listed["negative"]]
    pending = [n["code"] for n in listed["pending"]]
    assert pending and negative, "the demo's draft has both failing and waiting villages"
    path = write_report(demo, DEMO_DRAFT, "md", tmp_path / "d.md", "zh")
    text = path.read_text(encoding="utf-8")
    tables = md_tables(text)
    summary = tables["总体情况"]
    assert "下降" not in text and "上升" not in text, "no measured change against 2023Q3"
    assert row_of(summary, "较上季度变化")[1] == "待定，暂不比较"
    assert row_of(summary, "待定村数")[1] == str(len(pending))
    assert row_of(summary, "不达标村数")[1] == str(len(negative))
    assert row_of(summary, "达标率（暂定）")[1] == "0.0%"
    assert f"达标率为暂定值：{len(pending)} 个村待定（{len(pending)} 村等民政办报表" in text
    assert "村等会议决定" in text
    assert [r[0] for r in tables["负面清单"][1:]] == negative
    assert [r[0] for r in tables["待定村"][1:]] == pending
    total = row_of(tables["各办事处达标情况"], "合计")
    assert total[3:5] == [str(len(negative)), str(len(pending))]
    last = tables["各季度达标率"][-1]
    assert last[0] == str(DEMO_DRAFT) and last[5:7] == [str(len(pending)), "待定"]
    html = write_report(demo, DEMO_DRAFT, "html", tmp_path / "d.html", "en")
    assert ">0.0%?</text>" in html.read_text(encoding="utf-8"), "the chart marks it provisional"
    english = write_report(demo, DEMO_DRAFT, "md", tmp_path / "e.md", "en").read_text("utf-8")
    assert "down " not in english and "The rate is provisional" in english


def test_a_finalized_quarter_after_another_is_compared_in_points(
    tmp_path: Path, demo: ActionContext
) -> None:
    text = write_report(demo, DEMO_FINAL, "md", tmp_path / "f.md", "zh").read_text("utf-8")
    summary = md_tables(text)["总体情况"]
    assert row_of(summary, "较上季度变化（百分点）")[1] == "7.5"
    assert row_of(summary, "待定村数")[1] == "0"
    assert "达标率较上季度上升 7.5 个百分点" in text


# DRAFT


def test_an_unfinalized_quarter_says_draft_on_every_page_of_every_format(
    tmp_path: Path, demo: ActionContext
) -> None:
    paths = {
        fmt: write_report(demo, DEMO_DRAFT, fmt, tmp_path / f"d.{fmt}", "zh") for fmt in FORMATS
    }
    assert paths["md"].read_text(encoding="utf-8").startswith("> **草稿**")
    assert csv_rows(paths["csv"])[0][0] == "草稿"

    document = Document(str(paths["docx"]))
    assert len(document.sections) == 1
    section = document.sections[0]
    assert not section.different_first_page_header_footer
    assert not document.settings.odd_and_even_pages_header_footer
    assert "草稿" in section.header.paragraphs[0].text

    page = html_page(paths["html"])
    assert "draft-mark" in page.classes
    assert re.search(r"\.draft-mark\s*\{[^}]*position:\s*fixed", page.style)
    assert re.search(r'@top-center\s*\{\s*content:\s*"草稿"', page.style)

    book = openpyxl.load_workbook(paths["xlsx"])
    for sheet in book.worksheets:
        assert str(sheet["A1"].value).startswith("草稿"), sheet.title
        assert sheet.oddHeader.center.text == "草稿", sheet.title


def test_a_finalized_report_is_not_marked_draft(tmp_path: Path, demo: ActionContext) -> None:
    md = write_report(demo, DEMO_FINAL, "md", tmp_path / "r.md", "zh").read_text(encoding="utf-8")
    html = write_report(demo, DEMO_FINAL, "html", tmp_path / "r.html", "zh")
    assert "草稿" not in md
    assert "draft-mark" not in html_page(html).classes
    document = Document(str(write_report(demo, DEMO_FINAL, "docx", tmp_path / "r.docx", "zh")))
    assert "草稿" not in document.sections[0].header.paragraphs[0].text


# languages


def test_chinese_survives_every_format_and_english_is_on_request(
    tmp_path: Path, town: ActionContext
) -> None:
    for fmt in FORMATS:
        zh = write_report(town, Q1, fmt, tmp_path / f"zh.{fmt}", "zh")
        words = _words(zh)
        for expected in ("桑村镇", "六好九无", "东庄", "城区办事处", "无刑事案件", "核验码"):
            assert expected in words, (fmt, expected)
        en = _words(write_report(town, Q1, fmt, tmp_path / f"en.{fmt}", "en"))
        assert "Summary" in en and "Check code" in en and "东庄" in en, fmt


def _words(path: Path) -> str:
    from plugins.reports.formats import file_text

    return file_text(path)


# the stamp


def test_a_reports_code_verifies_and_fails_once_the_snapshot_changes(
    tmp_path: Path, town: ActionContext
) -> None:
    path = write_report(town, Q1, "docx", tmp_path / "r.docx", "zh")
    [code] = codes_in(path)
    assert code == stamp_of(town.store, town.host, Q1).code
    result = check_code(town.store, town.host, code)
    assert result.matches and result.quarter == Q1 and not result.draft
    reopen(town, Q1, "a late case")
    with town.store.transaction() as tx:
        tx.add_records(
            [NewRecord("police.case", "V01", date(2024, 3, 1), {"kind": "security"}, "police")]
        )
    finalize(town, Q1)
    again = check_code(town.store, town.host, code)
    assert not again.matches and again.genuine
    assert "reopened" in again.message.en and "finalized again" in again.message.en
    assert check_code(town.store, town.host, stamp_of(town.store, town.host, Q1).code).matches


def test_a_draft_code_stops_matching_when_the_live_grid_changes(
    tmp_path: Path, town: ActionContext
) -> None:
    written = write_report_file(town, Q2, "md", tmp_path / "d.md", "zh")
    code = written.report.stamp.code
    assert "-DRAFT-" in code
    assert check_code(town.store, town.host, code).matches
    with town.store.transaction() as tx:
        tx.file_return("police", Q2)
    result = check_code(town.store, town.host, code)
    assert not result.matches and "live data changed" in result.message.en


def test_codes_that_do_not_belong_to_the_store_are_told_apart(town: ActionContext) -> None:
    code = stamp_of(town.store, town.host, Q1).code
    wrong = code[:-1] + ("0" if code[-1] != "0" else "1")
    assert "no snapshot" in check_code(town.store, town.host, wrong).message.en
    beyond = check_code(town.store, town.host, "2024Q1-99999-AAAA-BBBB-CCCC-DDDD")
    assert "not made from this store" in beyond.message.en
    assert "not a report code" in check_code(town.store, town.host, "hello").message.en
    assert find_codes(f"x {code.lower()} y") == [code]


# plugin sections


class _Broken:
    """An outside unit whose report section raises, beside one that works."""

    @hookimpl
    def register_units(self, register: Callable[[object], None]) -> None:
        from plugins import UnitSpec

        register(UnitSpec("watch", Text("巡查队", "Watch"), files_returns=False))

    @hookimpl
    def register_report_sections(self, register: Callable[[ReportSection], None]) -> None:
        def broken(ctx: ReportContext) -> ReportBody:
            raise RuntimeError("boom")

        def wrong(ctx: ReportContext) -> ReportBody:
            return "not a body"  # type: ignore[return-value]

        def fine(ctx: ReportContext) -> ReportBody:
            villages = len(ctx.villages())
            return ReportBody((Text(f"巡查 {villages} 个村", f"{villages} villages watched"),))

        register(ReportSection("watch", "watch.broken", Text("坏章节", "Broken"), broken))
        register(ReportSection("watch", "watch.wrong", Text("错章节", "Wrong"), wrong))
        register(ReportSection("watch", "watch.fine", Text("巡查", "Watch"), fine))


def test_a_section_that_raises_is_named_and_the_rest_is_written(tmp_path: Path) -> None:
    host = PluginHost.load(entry_points=False, extra=[("watch", _Broken())])
    assert not host.failed()
    town = small_town(tmp_path, host)
    written = write_report_file(town, Q1, "md", tmp_path / "r.md", "en")
    text = written.path.read_text(encoding="utf-8")
    assert "3 villages watched" in text and "Police: cases and patrols" in text
    [broken, wrong] = written.report.failed
    assert "watch.broken" in broken and "RuntimeError: boom" in broken
    assert "watch.wrong" in wrong and "not a ReportBody" in wrong
    assert "## Sections left out" in text and "RuntimeError: boom" in text


# refusals


def test_bad_inputs_are_refused_and_nothing_is_written(tmp_path: Path, town: ActionContext) -> None:
    out = tmp_path / "out"
    out.mkdir()

    def refused(call: Callable[[], object]) -> Refusal:
        with pytest.raises(Refusal) as caught:
            call()
        assert list(out.iterdir()) == []
        return caught.value

    unknown = refused(lambda: write_report(town, Q1, "pdf", out / "r.pdf", "zh"))
    assert "unknown report format pdf" in str(unknown) and unknown.field == "format"
    future = refused(lambda: write_report(town, Quarter(2030, 1), "md", out / "r.md", "zh"))
    assert "has not begun" in str(future)
    missing = refused(lambda: write_report(town, Q1, "md", out / "no" / "r.md", "zh"))
    assert missing.path == out / "no" / "r.md" and "does not exist" in str(missing)
    folder = refused(lambda: write_report(town, Q1, "md", out, "zh"))
    assert folder.path == out and "a folder" in str(folder)
    lang = refused(lambda: write_report(town, Q1, "md", out / "r.md", "fr"))
    assert lang.field == "lang"
    empty = refused(lambda: write_report(town, Quarter(2020, 1), "md", out / "r.md", "zh"))
    assert "holds nothing of 2020Q1" in str(empty)


def test_cells_a_spreadsheet_would_run_are_escaped(tmp_path: Path, town: ActionContext) -> None:
    with town.store.transaction() as tx:
        tx.add_village(Village("V09", "=1+2", "@办事处"))
        tx.file_return("police", Q2)
    csv_path = write_report(town, Q2, "csv", tmp_path / "r.csv", "zh")
    cells = {c for row in csv_rows(csv_path) for c in row}
    assert "'=1+2" in cells and "'@办事处" in cells and "=1+2" not in cells
    sheets = xlsx_values(write_report(town, Q2, "xlsx", tmp_path / "r.xlsx", "zh"))
    values = {v for rows in sheets.values() for row in rows for v in row}
    assert "'=1+2" in values and "'@办事处" in values and "=1+2" not in values


def test_a_store_without_villages_is_refused(
    tmp_path: Path, store: Store, host: PluginHost
) -> None:
    ctx = ActionContext(store, host, Actor("tester"), TODAY)
    with pytest.raises(Refusal, match="no villages"):
        write_report(ctx, Q1, "md", tmp_path / "r.md", "zh")
    assert not (tmp_path / "r.md").exists()


def test_a_report_replaces_an_older_file_whole(tmp_path: Path, town: ActionContext) -> None:
    path = tmp_path / "r.md"
    path.write_text("old", encoding="utf-8")
    write_report(town, Q1, "md", path, "zh", overwrite=True)
    assert path.read_text(encoding="utf-8").startswith("# 桑村镇")
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith("r.md")] == ["r.md"]
