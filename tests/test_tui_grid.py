"""The compliance grid through Pilot: moving, evidence, quarters, jumping, filters, live updates."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from rich.cells import cell_len
from textual.widgets import Static

from plugins import Check, CheckContext, Finding, Text, UnitSpec, hookimpl
from plugins.api import State
from plugins.criteria import BY_CODE, CRITERION_CODES
from plugins.demo import build_demo
from plugins.manager import PluginHost
from store import Quarter, Store
from tests.tui_support import Q2, Q3, build_town, make_app, new_record, screen_lines, settle
from tui.pinyin import match_villages, readings
from tui.screens.evidence import EvidenceScreen
from tui.screens.jump import JumpScreen
from tui.screens.main import MainScreen
from tui.symbols import STATE_SYMBOLS, state_name
from tui.widgets.grid import ComplianceGrid, GridTable


@pytest.fixture
def town(tmp_path: Path, host: PluginHost) -> Store:
    return build_town(tmp_path / "town.json", host)


def grid_of(app: object) -> ComplianceGrid:
    from tui.app import PinganApp

    assert isinstance(app, PinganApp)
    return app.screen_stack[1].query_one(ComplianceGrid)


def shown(grid: ComplianceGrid, village: str, column: str) -> str:
    return grid.table.get_cell(village, column).plain


def statics_text(screen: object) -> str:
    from textual.screen import Screen

    assert isinstance(screen, Screen)
    return "\n".join(str(w.content) for w in screen.query(Static))


async def test_arrow_keys_move_the_cursor_and_the_cell_line_follows(
    town: Store, host: PluginHost
) -> None:
    app = make_app(town, host)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        grid = grid_of(app)
        assert isinstance(app.focused, GridTable)
        assert (grid.cursor_village(), grid.cursor_column()) == ("SC001", "G1")
        await pilot.press("down", "down", "right")
        assert (grid.cursor_village(), grid.cursor_column()) == ("SC003", "G2")
        line = str(grid.query_one("#grid-cell", Static).content)
        assert "南河村" in line and BY_CODE["G2"].name.zh in line


async def test_enter_on_a_failing_cell_shows_its_finding_and_records(
    town: Store, host: PluginHost
) -> None:
    app = make_app(town, host)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        grid = grid_of(app)
        await pilot.press(*["right"] * CRITERION_CODES.index("N8"))
        assert grid.cursor_column() == "N8"
        assert shown(grid, "SC001", "N8") == STATE_SYMBOLS[State.FAIL]
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, EvidenceScreen)
        cell = app.engine.cell(Q3, "SC001", "N8")
        case = next(r for r in town.records(Q3, "police.case") if r.village == "SC001")
        assert screen.records == [case]
        assert cell.evidence == (case.id,)
        text = statics_text(screen)
        assert "东庄" in text and "N8" in text and BY_CODE["N8"].name.zh in text
        assert cell.findings[0].message.zh in text
        for expected in ("派出所", f"#{case.id}", "案件性质：治安", "打架斗殴", "2022-08-03"):
            assert expected in text
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)


async def test_evidence_shows_the_meeting_decision_and_its_reason(
    town: Store, host: PluginHost
) -> None:
    app = make_app(town, host, lang="en")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("down", "enter")
        await settle(pilot)
        text = statics_text(app.screen)
        assert "Meeting decision" in text and "fail (tester 2022-10-02 00:00)" in text
        assert "村两委班子不团结" in text
        assert "No records behind it" in text


async def test_enter_on_the_village_column_opens_the_first_failing_cell(
    town: Store, host: PluginHost
) -> None:
    app = make_app(town, host)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        grid = grid_of(app)
        await pilot.press("down", "left", "left", "left")
        assert grid.cursor_column() == "code"
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, EvidenceScreen)
        assert (screen.cell.village, screen.cell.criterion) == ("SC002", "G1")


async def test_brackets_step_quarters_updating_header_and_cells_in_place(
    town: Store, host: PluginHost
) -> None:
    app = make_app(town, host)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        grid = grid_of(app)
        header = app.screen.query_one("#header-quarter", Static)
        rebuilds = grid.rebuilds
        assert str(header.content) == "2022Q3"
        assert shown(grid, "SC001", "N8") == STATE_SYMBOLS[State.FAIL]
        assert shown(grid, "SC001", "G1") == STATE_SYMBOLS[State.PASS]
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert app.quarter == Q2 and app.grid is not None and app.grid.quarter == Q2
        assert str(header.content) == "2022Q2"
        assert shown(grid, "SC001", "N8") == STATE_SYMBOLS[State.PASS]
        assert shown(grid, "SC001", "G1") == STATE_SYMBOLS[State.PENDING]
        assert "2022Q2" in str(grid.query_one("#grid-bar", Static).content)
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert shown(grid, "SC001", "N8") == STATE_SYMBOLS[State.FAIL]
        assert grid.rebuilds == rebuilds


async def test_jump_by_pinyin_initials_moves_the_cursor_to_the_village(
    town: Store, host: PluginHost
) -> None:
    app = make_app(town, host)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        grid = grid_of(app)
        await pilot.press("down", "down", "down", "right")
        assert grid.cursor_village() == "SC004"
        await pilot.press("slash")
        jump = app.screen
        assert isinstance(jump, JumpScreen)
        await pilot.press("x", "w")
        assert [v.name for v in jump.matches] == ["西王庄"]
        await pilot.press("backspace", "backspace", "d", "z")
        assert [v.name for v in jump.matches] == ["东庄", "大寨"]
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert grid.cursor_village() == "SC001"
        assert grid.table.cursor_row == 0
        assert grid.cursor_column() == "G2"


async def test_jump_by_code_clears_an_office_filter_that_hides_the_village(
    town: Store, host: PluginHost
) -> None:
    app = make_app(town, host)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        grid = grid_of(app)
        await pilot.press("o")
        assert grid.office == "东片办事处"
        await pilot.press("j", *"sc004", "enter")
        await settle(pilot)
        assert grid.office is None
        assert grid.cursor_village() == "SC004"


def test_pinyin_matching_knows_every_reading_and_ranks_exact_initials_first() -> None:
    assert ("cl", "changling") in readings("长岭")
    assert readings("东庄")[0] == ("dz", "dongzhuang")
    from tests.tui_support import VILLAGES

    assert [v.code for v in match_villages(VILLAGES, "dz")] == ["SC001", "SC005"]
    assert [v.code for v in match_villages(VILLAGES, "dongz")] == ["SC001"]
    assert [v.code for v in match_villages(VILLAGES, "SC00")][:1] == ["SC001"]
    assert [v.code for v in match_villages(VILLAGES, "王")] == ["SC002"]
    assert match_villages(VILLAGES, "qq") == []


async def test_office_filter_and_sort_orders(town: Store, host: PluginHost) -> None:
    app = make_app(town, host)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        grid = grid_of(app)
        await pilot.press("o")
        assert grid.table.row_count == 3
        assert {shown(grid, key.value or "", "office") for key in grid.table.rows} == {"东片办事处"}
        await pilot.press("o")
        assert [str(k.value) for k in grid.table.rows] == ["SC002", "SC004"]
        await pilot.press("o")
        assert grid.office is None and grid.table.row_count == 5
        await pilot.press("s")
        assert [str(k.value) for k in grid.table.rows] == [
            "SC001",
            "SC003",
            "SC005",
            "SC002",
            "SC004",
        ]
        await pilot.press("s")
        assert grid.sort == "failures"
        order = [str(k.value) for k in grid.table.rows]
        assert order[0] == "SC002" and order[-1] == "SC005"


async def test_a_record_written_outside_the_ui_turns_the_cell_fail_in_place(
    town: Store, host: PluginHost
) -> None:
    app = make_app(town, host)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        grid = grid_of(app)
        rebuilds = grid.rebuilds
        assert shown(grid, "SC005", "N8") == STATE_SYMBOLS[State.PASS]
        assert shown(grid, "SC005", "complies") == STATE_SYMBOLS[State.PASS]

        def write() -> None:
            record = new_record(host, "police.case", "SC005", date(2022, 9, 20), kind="security")
            with town.transaction("tester") as tx:
                tx.add_records([record])
            app.call_from_thread(app.notify_data_changed, Q3)

        app.run_worker(write, thread=True)
        await settle(pilot)
        assert shown(grid, "SC005", "N8") == STATE_SYMBOLS[State.FAIL]
        assert shown(grid, "SC005", "complies") == f"{STATE_SYMBOLS[State.FAIL]}1"
        assert grid.rebuilds == rebuilds
        assert app.grid is not None and app.grid.compliant == 0


class BrokenUnit:
    """A unit whose N3 check always raises, to see ERROR cells."""

    @hookimpl
    def register_units(self, register: object) -> None:
        assert callable(register)
        register(UnitSpec("broken", Text("坏单位", "Broken unit"), ("N3",), files_returns=False))

    @hookimpl
    def register_checks(self, register: object) -> None:
        assert callable(register)
        register(Check("N3", "broken", "broken.N3", _boom))


def _boom(ctx: CheckContext) -> Finding:
    raise RuntimeError("数据库连接失败")


async def test_error_cells_show_a_symbol_the_legend_count_and_an_error_panel(
    tmp_path: Path,
) -> None:
    host = PluginHost.load(entry_points=False, extra=[("broken", BrokenUnit())])
    town = build_town(tmp_path / "town.json", host)
    app = make_app(town, host)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        grid = grid_of(app)
        assert shown(grid, "SC005", "N3") == STATE_SYMBOLS[State.ERROR]
        assert shown(grid, "SC005", "complies") == STATE_SYMBOLS[State.ERROR]
        legend = str(grid.query_one("#grid-legend", Static).content)
        assert "! 出错 5" in legend and "broken" in legend
        await pilot.press(*["right"] * CRITERION_CODES.index("N3"), "enter")
        await settle(pilot)
        panels = list(app.screen.query(".error-panel"))
        assert len(panels) == 1
        panel = panels[0]
        assert isinstance(panel, Static)
        assert "broken" in str(panel.content) and "数据库连接失败" in str(panel.content)


async def test_chinese_rows_align_with_the_criterion_headers(town: Store, host: PluginHost) -> None:
    app = make_app(town, host)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        table = grid_of(app).table
        header = table.render_line(0).text
        offsets = {code: cell_len(header[: header.index(code)]) for code in CRITERION_CODES}
        assert cell_len("东庄") == 4
        for code in ("SC001", "SC002"):
            line = table.render_line(table.get_row_index(code) + 1)
            text = line.text
            name = town.village(code)
            assert name is not None and text.lstrip().startswith(name.name)
            assert line.cell_length == cell_len(header) == table.size.width
            for criterion in CRITERION_CODES:
                symbol = shown(grid_of(app), code, criterion)
                at = offsets[criterion]
                assert cell_len(text) >= at + 1
                chars = _cells(text)
                assert chars[at] == symbol, (code, criterion, text)


def _cells(text: str) -> list[str]:
    """The character that starts at each cell offset of text ("" for a wide character's tail)."""
    out: list[str] = []
    for char in text:
        out.append(char)
        out.extend([""] * (cell_len(char) - 1))
    return out


async def test_narrowing_the_terminal_drops_the_code_and_office_columns(
    town: Store, host: PluginHost
) -> None:
    app = make_app(town, host)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        grid = grid_of(app)
        await pilot.press("down", "right")
        wide = [str(key.value) for key in grid.table.columns]
        assert wide[:3] == ["code", "name", "office"] and len(wide) == 19
        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        narrow = [str(key.value) for key in grid.table.columns]
        assert narrow == ["name", *CRITERION_CODES, "complies"]
        assert (grid.cursor_village(), grid.cursor_column()) == ("SC002", "G2")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory, host: PluginHost) -> Store:
    """The demo town, whose 2023Q3 has no pending cell: the legend shares the rate's line."""
    built = Store(tmp_path_factory.mktemp("demo") / "town.json")
    built.init("")
    built.open()
    build_demo(built, host)
    return built


@pytest.mark.parametrize(("lang", "size"), [("en", (80, 24)), ("zh", (80, 24)), ("en", (120, 40))])
async def test_the_legend_keeps_each_state_and_its_count_on_one_line(
    demo: Store, host: PluginHost, lang: str, size: tuple[int, int]
) -> None:
    app = make_app(demo, host, lang=lang, quarter=Quarter(2023, 3))
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        lines = screen_lines(app)
        assert any(f"{STATE_SYMBOLS[State.PASS]} " in line for line in lines[-4:])
        for state, symbol in STATE_SYMBOLS.items():
            name = state_name(state, lang)
            assert any(f"{symbol} {name} " in line for line in lines), (state, lines[-6:])
