"""Display boards: one printable page per village, an index, no personal data, the grid's results.

Built on the demo town (2021Q3 to 2023Q4, the last quarter open) with records, a meeting
reason and a rectification note carrying distinctive names, case numbers and summaries.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest

from plugins import UnitSpec, actions, hookimpl
from plugins.actions import ActionContext, Actor, Refusal
from plugins.actions.boards import write_boards
from plugins.api import STATE_NAMES, State
from plugins.criteria import CRITERION_CODES
from plugins.demo import FINALIZED, LAST_QUARTER, build_demo
from plugins.lists import lists
from plugins.manager import PluginHost
from plugins.quarters import quarter_grid
from plugins.rectification import items
from plugins.reports.boards import ALL_FILE, INDEX_FILE, SYMBOLS, board_file_names
from plugins.reports.stamp import check_code
from plugins.schema import Kind
from store import Decision, NewRecord, Quarter, Store, Village
from tests.chromium_support import (
    pdf_page_count,
    pdf_page_sizes,
    png_size,
    print_pdf,
    render_png,
    requires_chromium,
)
from tests.cli_support import run_pingan

TODAY = date(2024, 1, 10)
FINAL = FINALIZED[-1]
OPEN = LAST_QUARTER
LEAK_VILLAGE = "SC005"
MARKERS = (
    "王泄密",
    "LEAK-CASE-0777",
    "泄密测试摘要",
    "赵泄密",
    "泄密测试理由",
    "李泄密",
    "泄密测试备注",
)
"""Names, a case number and free text put where a careless board would pick them up."""


@pytest.fixture(scope="module")
def town(tmp_path_factory: pytest.TempPathFactory, host: PluginHost) -> Store:
    """The demo town, with distinctive personal data in a record, a decision and a note."""
    store = Store(tmp_path_factory.mktemp("boards") / "town.json")
    store.init("桑村镇")
    store.open()
    build_demo(store, host)
    with store.transaction("tester") as tx:
        tx.add_records(
            [
                NewRecord(
                    "police.case",
                    LEAK_VILLAGE,
                    date(2023, 11, 5),
                    {
                        "kind": "criminal",
                        "case_no": "LEAK-CASE-0777",
                        "summary": "王泄密家中被盗（泄密测试摘要）",
                    },
                    "police",
                )
            ]
        )
        tx.decide(
            Decision(
                OPEN, "SC006", "G1", False, "赵泄密酗酒闹事（泄密测试理由）", "tester", "2024-01-05"
            )
        )
    ctx = ActionContext(store, host, Actor("tester"), TODAY)
    item = next(i for i in items(store, TODAY, open_only=True))
    actions.add_rectification_note(ctx, item.id, "李泄密承诺月底前整改（泄密测试备注）")
    return store


def context(store: Store, host: PluginHost) -> ActionContext:
    return ActionContext(store, host, Actor("tester"), TODAY)


@pytest.fixture(scope="module")
def written(
    town: Store, host: PluginHost, tmp_path_factory: pytest.TempPathFactory
) -> dict[tuple[Quarter, str], list[Path]]:
    """The boards of the last finalized and the open quarter, in Chinese and English."""
    out: dict[tuple[Quarter, str], list[Path]] = {}
    for quarter in (FINAL, OPEN):
        for lang in ("zh", "en"):
            folder = tmp_path_factory.mktemp(f"boards-{quarter}-{lang}")
            out[(quarter, lang)] = write_boards(context(town, host), quarter, folder, lang=lang)
    return out


def personal_texts(store: Store, host: PluginHost) -> set[str]:
    """Every record's free text, meeting attendee, decision reason, note and village secretary."""
    text_fields = {
        name: {f.name for f in rtype.fields if f.kind is Kind.TEXT}
        for name, rtype in host.registry.record_types.items()
    }
    found = set(MARKERS)
    for quarter in store.record_quarters():
        for record in store.records(quarter):
            for field in text_fields.get(record.type, set()):
                value = record.fields.get(field)
                if isinstance(value, str) and value.strip():
                    found.add(value.strip())
        for meeting in store.meetings(quarter):
            found.update(str(name) for name in meeting.get("attendees", []))
        found.update(d.reason.strip() for d in store.decisions(quarter) if d.reason.strip())
    for item in store.rectification_items().values():
        found.update(str(note["text"]) for note in item.get("notes", []))
    found.update(v.secretary for v in store.villages(active_only=False) if v.secretary)
    return found


class Tables(HTMLParser):
    """The text of every table cell, by the table's class, row by row."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._rows: list[list[str]] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self._rows = self.tables.setdefault(dict(attrs).get("class") or "", [])
        elif tag == "tr" and self._rows is not None:
            self._rows.append([])
        elif tag in ("td", "th") and self._rows is not None:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._rows is not None and self._cell is not None:
            self._rows[-1].append("".join(self._cell).strip())
            self._cell = None
        elif tag == "table":
            self._rows = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def tables(page: Path) -> dict[str, list[list[str]]]:
    parser = Tables()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser.tables


def boards_only(files: list[Path]) -> list[Path]:
    return [f for f in files if f.name not in (INDEX_FILE, ALL_FILE)]


def stamp_code(page: Path) -> str:
    match = re.search(r'<meta name="pingan-stamp" content="([^"]+)">', page.read_text("utf-8"))
    assert match, f"{page} carries no stamp"
    return match.group(1)


def overall_text(page: Path) -> str:
    match = re.search(r'<div class="big">(.*?)</div>', page.read_text("utf-8"), re.S)
    assert match, f"{page} shows no overall result"
    return html.unescape(match.group(1)).strip()


# what a board shows


def test_no_board_shows_a_name_case_number_or_summary(
    town: Store, host: PluginHost, written: dict[tuple[Quarter, str], list[Path]]
) -> None:
    forbidden = personal_texts(town, host)
    assert len(forbidden) > 100 and set(MARKERS) <= forbidden
    checked = 0
    for files in written.values():
        for page in files:
            text = html.unescape(page.read_text(encoding="utf-8"))
            leaked = sorted(value for value in forbidden if value in text)
            assert not leaked, f"{page.name} shows {leaked[:5]}"
            checked += 1
    assert checked == 4 * (40 + 2)


def test_every_village_gets_a_board_and_the_index_links_each_once(
    town: Store, host: PluginHost, written: dict[tuple[Quarter, str], list[Path]]
) -> None:
    for (quarter, _lang), files in written.items():
        codes = [row.code for row in quarter_grid(town, host, quarter).rows]
        names = board_file_names(codes)
        assert files[0].name == INDEX_FILE and files[1].name == ALL_FILE
        assert [f.name for f in boards_only(files)] == [names[c] for c in codes]
        index = files[0].read_text(encoding="utf-8")
        links = re.findall(r'href="(board-[^"]+)"', index)
        assert sorted(links) == sorted(names.values())
        assert f'href="{ALL_FILE}"' in index
        every = files[1].read_text(encoding="utf-8")
        assert re.findall(r'data-village="([^"]+)"', every) == codes
        assert not list(files[0].parent.glob(".*.tmp-*"))


@pytest.mark.parametrize("quarter", [FINAL, OPEN])
def test_each_criterion_shows_the_grids_result_in_symbol_and_word(
    town: Store,
    host: PluginHost,
    written: dict[tuple[Quarter, str], list[Path]],
    quarter: Quarter,
) -> None:
    grid = {row.code: row for row in quarter_grid(town, host, quarter).rows}
    names = board_file_names(list(grid))
    seen: set[State] = set()
    for code, row in grid.items():
        page = written[(quarter, "zh")][0].parent / names[code]
        shown = {
            cells[0]: (cells[2], cells[3])
            for cells in tables(page)["results"]
            if cells and cells[0] in CRITERION_CODES
        }
        assert list(shown) == [c for c in CRITERION_CODES if c.startswith("G")] + [
            c for c in CRITERION_CODES if c.startswith("N")
        ]
        for criterion in CRITERION_CODES:
            state = row.states[criterion]
            assert shown[criterion] == (SYMBOLS[state], STATE_NAMES[state].zh), (code, criterion)
            seen.add(state)
        overall = overall_text(page)
        if row.complies:
            assert overall == "✔ 达标"
        elif row.having(State.FAIL) or quarter == FINAL:
            assert overall == "✘ 不达标"
        else:
            assert overall.split()[0] in ("?", "!")
    assert {State.PASS, State.FAIL} <= seen


def test_the_trend_row_follows_the_finalized_snapshots(
    town: Store, host: PluginHost, written: dict[tuple[Quarter, str], list[Path]]
) -> None:
    files = written[(OPEN, "zh")]
    for page in boards_only(files)[:10]:
        code = re.search(r'data-village="([^"]+)"', page.read_text("utf-8"))
        assert code
        header, symbols, words = tables(page)["trend"]
        assert header[-1] == str(OPEN) and len(header) == 8
        for quarter_text, symbol, word in zip(header[:-1], symbols, words, strict=False):
            row = next(
                r
                for r in quarter_grid(town, host, Quarter.parse(quarter_text)).rows
                if r.code == code.group(1)
            )
            assert (symbol, word) == (("✔", "达标") if row.complies else ("✘", "不达标"))
        assert words[-1].endswith("（草稿）")


def test_open_commitments_show_criterion_unit_deadline_and_status(
    town: Store, host: PluginHost, written: dict[tuple[Quarter, str], list[Path]]
) -> None:
    open_items = items(town, TODAY, open_only=True)
    assert open_items
    names = board_file_names([row.code for row in quarter_grid(town, host, OPEN).rows])
    folder = written[(OPEN, "zh")][0].parent
    for village in sorted({i.village for i in open_items}):
        rows = tables(folder / names[village])["commitments"][1:]
        expected = sorted(
            (i.deadline.isoformat(), i.criterion) for i in open_items if i.village == village
        )
        assert sorted((r[2], r[0].split()[0]) for r in rows) == expected
        assert all(r[3] in ("整改中", "已逾期") for r in rows)
        assert all(r[1] in ("派出所", "司法所", "应急办", "民政办", "综治办") for r in rows), rows
    quiet = next(c for c in names if c not in {i.village for i in open_items})
    assert "本季度没有未完成的整改事项。" in (folder / names[quiet]).read_text("utf-8")


def test_the_index_counts_an_open_quarters_waiting_villages_apart_from_failing_ones(
    town: Store, host: PluginHost, written: dict[tuple[Quarter, str], list[Path]]
) -> None:
    listed = lists(town, host, OPEN)
    assert listed["pending"], "the open quarter has villages that only wait"
    index = written[(OPEN, "zh")][0].read_text(encoding="utf-8")
    assert f"不达标村数 {len(listed['negative'])}　待定村数 {len(listed['pending'])}</div>" in index
    final = lists(town, host, FINAL)
    index = written[(FINAL, "zh")][0].read_text(encoding="utf-8")
    assert f"不达标村数 {len(final['negative'])}</div>" in index


def test_an_unfinalized_quarter_is_marked_draft_on_every_page_and_a_finalized_one_never(
    town: Store, host: PluginHost, written: dict[tuple[Quarter, str], list[Path]]
) -> None:
    for (quarter, lang), files in written.items():
        draft_word = "草稿" if lang == "zh" else "DRAFT"
        for page in files:
            text = page.read_text(encoding="utf-8")
            if quarter == OPEN:
                assert text.count(draft_word) >= 2, page
                assert "-DRAFT-" in stamp_code(page)
            else:
                assert "草稿" not in text and "DRAFT" not in text, page


@pytest.mark.parametrize("quarter", [FINAL, OPEN])
def test_the_stamp_code_on_a_board_checks_against_the_store(
    town: Store, host: PluginHost, written: dict[tuple[Quarter, str], list[Path]], quarter: Quarter
) -> None:
    codes = {stamp_code(page) for page in written[(quarter, "zh")]}
    assert len(codes) == 1
    (code,) = codes
    assert code in written[(quarter, "zh")][2].read_text("utf-8")
    assert check_code(town, host, code).matches


def test_chinese_survives_and_english_boards_keep_chinese_names(
    town: Store, host: PluginHost, written: dict[tuple[Quarter, str], list[Path]]
) -> None:
    rows = quarter_grid(town, host, FINAL).rows
    names = board_file_names([r.code for r in rows])
    for lang, title, criterion in (
        ("zh", "平安村创建公示栏", "党员干部引领好"),
        ("en", "Safe-village campaign notice board", "Party cadres lead well"),
    ):
        folder = written[(FINAL, lang)][0].parent
        for row in rows[:5]:
            raw = (folder / names[row.code]).read_bytes()
            text = raw.decode("utf-8")
            assert '<meta charset="utf-8">' in text
            assert row.name in text and "桑村镇" in text
            assert title in text and criterion in text


# what a board refuses


def nothing_written(folder: Path) -> bool:
    return not folder.exists() or not any(folder.iterdir())


@pytest.mark.parametrize(
    ("quarter", "village", "lang", "needle"),
    [
        (Quarter(2019, 1), None, "zh", "2019Q1 has no data"),
        (Quarter(2031, 2), None, "zh", "has not begun"),
        (OPEN, "NOPE9", "zh", "no village NOPE9"),
        (OPEN, None, "fr", "unknown language 'fr'"),
    ],
)
def test_bad_quarter_village_or_language_is_refused_and_nothing_written(
    town: Store,
    host: PluginHost,
    tmp_path: Path,
    quarter: Quarter,
    village: str | None,
    lang: str,
    needle: str,
) -> None:
    revision = town.revision()
    out = tmp_path / "out"
    with pytest.raises(Refusal) as caught:
        write_boards(context(town, host), quarter, out, village, lang)
    assert needle in caught.value.message.en and caught.value.message.zh
    assert nothing_written(out)
    assert town.revision() == revision


@pytest.mark.parametrize("inside", [False, True])
def test_an_out_path_that_is_a_file_is_refused_and_left_alone(
    town: Store, host: PluginHost, tmp_path: Path, inside: bool
) -> None:
    existing = tmp_path / "notes.txt"
    existing.write_text("keep me", encoding="utf-8")
    out = existing / "boards" if inside else existing
    with pytest.raises(Refusal) as caught:
        write_boards(context(town, host), FINAL, out)
    assert "is a file, not a folder" in caught.value.message.en
    assert "是一个文件" in caught.value.message.zh
    assert existing.read_text(encoding="utf-8") == "keep me"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_one_village_writes_only_its_board_and_leaves_the_index(
    town: Store, host: PluginHost, tmp_path: Path
) -> None:
    ctx = context(town, host)
    full = write_boards(ctx, FINAL, tmp_path)
    index_before = full[0].read_bytes()
    codes = [row.code for row in quarter_grid(town, host, FINAL).rows]
    one = write_boards(ctx, FINAL, tmp_path, codes[3], "en")
    assert one == [tmp_path / board_file_names(codes)[codes[3]]]
    assert "Safe-village campaign notice board" in one[0].read_text("utf-8")
    assert full[0].read_bytes() == index_before
    assert len(list(tmp_path.iterdir())) == len(full)


# the command line


@pytest.fixture
def demo_db(town: Store) -> Iterator[Path]:
    yield town.path


def test_cli_writes_the_boards_and_says_where_and_how_to_print(
    demo_db: Path, tmp_path: Path
) -> None:
    out = tmp_path / "展板"
    done = run_pingan(["board", "--quarter", str(FINAL), "-o", str(out)], home=tmp_path, db=demo_db)
    assert done.returncode == 0, done.stderr
    assert f"已写 40 块展板到 {out}" in done.stdout
    assert str(out / INDEX_FILE) in done.stdout and "A4" in done.stdout
    assert len(list(out.glob("board-*.html"))) == 40
    assert "草稿" not in done.stderr


def test_cli_marks_a_draft_in_english_and_for_one_village(demo_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "one"
    done = run_pingan(
        ["--lang", "en", "board", "--quarter", str(OPEN), "--village", "SC002", "-o", str(out)],
        home=tmp_path,
        db=demo_db,
    )
    assert done.returncode == 0, done.stderr
    assert "not finalized" in done.stderr and "DRAFT" in done.stderr
    assert "Wrote 1 board(s)" in done.stdout
    (page,) = out.iterdir()
    assert "DRAFT" in page.read_text("utf-8")


def test_cli_board_language_option_overrides_the_session(demo_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "en"
    done = run_pingan(
        ["board", "--quarter", str(FINAL), "--lang", "en", "-o", str(out)],
        home=tmp_path,
        db=demo_db,
    )
    assert done.returncode == 0, done.stderr
    assert "已写" in done.stdout
    assert "Display boards" in (out / INDEX_FILE).read_text("utf-8")


def test_cli_boards_are_in_chinese_for_a_user_who_reads_english(
    demo_db: Path, tmp_path: Path
) -> None:
    """The boards are posted in the village, so the user's own language does not choose theirs."""
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "preferences.json").write_text('{"lang": "en"}', encoding="utf-8")
    out = tmp_path / "zh"
    done = run_pingan(["board", "--quarter", str(FINAL), "-o", str(out)], home=tmp_path, db=demo_db)
    assert done.returncode == 0, done.stderr
    assert "Wrote 40 board(s)" in done.stdout
    index = (out / INDEX_FILE).read_text("utf-8")
    assert '<html lang="zh' in index and "Display boards" not in index
    english = tmp_path / "en"
    asked = ["board", "--quarter", str(FINAL), "--lang", "en", "-o", str(english)]
    done = run_pingan(asked, home=tmp_path, db=demo_db)
    assert done.returncode == 0, done.stderr
    assert "Display boards" in (english / INDEX_FILE).read_text("utf-8")


@pytest.mark.parametrize(
    ("args", "code", "needle"),
    [
        (["--quarter", "2019Q1"], 1, "2019Q1 没有任何数据"),
        (["--quarter", str(OPEN), "--village", "XX1"], 1, "没有村代码 XX1"),
        (["--quarter", "2023Q5"], 2, "不是季度"),
        (["--quarter", str(OPEN), "--lang", "fr"], 2, "fr"),
    ],
)
def test_cli_refuses_bad_input_and_writes_nothing(
    demo_db: Path, tmp_path: Path, args: list[str], code: int, needle: str
) -> None:
    out = tmp_path / "out"
    done = run_pingan(["board", *args, "-o", str(out)], home=tmp_path, db=demo_db)
    assert done.returncode == code
    assert needle in done.stderr
    assert not out.exists()


def test_cli_needs_an_output_folder(demo_db: Path, tmp_path: Path) -> None:
    done = run_pingan(["board", "--quarter", str(FINAL)], home=tmp_path, db=demo_db)
    assert done.returncode == 2 and "-o" in done.stderr


# a person looks at it


@requires_chromium
@pytest.mark.parametrize(("quarter", "lang"), [(OPEN, "zh"), (FINAL, "en")])
def test_a_board_renders_in_headless_chromium_and_each_prints_on_one_a4_landscape_page(
    written: dict[tuple[Quarter, str], list[Path]], tmp_path: Path, quarter: Quarter, lang: str
) -> None:
    files = written[(quarter, lang)]
    page = boards_only(files)[1]
    png = render_png(page, tmp_path / "board.png", width=1123, height=794)
    assert png_size(png) == (1123, 794)
    pdf = print_pdf(files[1], tmp_path / "all.pdf")
    assert pdf_page_count(pdf) == len(boards_only(files))
    assert pdf_page_sizes(pdf) == {(842, 595)}


# a quarter finalized with cells still open


class _Office:
    @hookimpl
    def register_units(self, register: Callable[[UnitSpec], None]) -> None:
        from plugins.builtin.office import UNIT

        register(UNIT)


def test_a_village_finalized_with_open_cells_reads_not_compliant_and_says_why(
    tmp_path: Path,
) -> None:
    """Only the office unit: every cell follows the meeting, so one undecided cell stays open."""
    bare = PluginHost.load(builtins=False, entry_points=False, extra=[("office", _Office())])
    store = Store(tmp_path / "town.json")
    store.init("桑村镇")
    with store.transaction() as tx:
        tx.add_village(Village("V01", "东村", "东办"))
    store.open()
    quarter = Quarter(2022, 1)
    with store.transaction() as tx:
        for criterion in CRITERION_CODES[:-1]:
            tx.decide(Decision(quarter, "V01", criterion, True, "", "t", "2022-03-30"))
    ctx = ActionContext(store, bare, Actor("tester"), TODAY)
    (draft,) = boards_only(write_boards(ctx, quarter, tmp_path / "draft"))
    assert overall_text(draft) == "? 待定"
    assert "按不达标计" not in draft.read_text("utf-8")
    actions.finalize(ctx, quarter, allow_pending=True, reason="民政办未报送")
    (final,) = boards_only(write_boards(ctx, quarter, tmp_path / "final"))
    assert overall_text(final) == "✘ 不达标"
    assert "定稿时仍有未定的项目，按不达标计。" in final.read_text("utf-8")
    n9 = next(row for row in tables(final)["results"] if row and row[0] == "N9")
    assert n9[2:] == ["?", "待定"]
