"""The grid's line table through Pilot: keys move the cursor and the view follows it, the
village column stays while the others scroll, a click selects a cell and a second opens it."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.cells import cell_len

from plugins.manager import PluginHost
from store import Store
from tests.tui_support import VILLAGES, build_town, make_app, settle
from tui.app import PinganApp
from tui.screens.evidence import EvidenceScreen
from tui.screens.main import MainScreen
from tui.widgets.grid import ComplianceGrid, GridTable

NARROW = (60, 12)
"""Too narrow for every criterion column and too short for every village."""


@pytest.fixture
def town(tmp_path: Path, host: PluginHost) -> Store:
    return build_town(tmp_path / "town.json", host)


def grid_of(app: PinganApp) -> ComplianceGrid:
    return app.screen_stack[1].query_one(ComplianceGrid)


def lines(table: GridTable) -> list[str]:
    """The table's text on screen (below it, the horizontal scrollbar), the header first."""
    shown = table.scrollable_content_region
    return [table.render_line(y).text[: shown.width] for y in range(shown.height)]


async def test_keys_move_the_cursor_and_the_view_keeps_it_and_the_village_column(
    town: Store, host: PluginHost
) -> None:
    app = make_app(town, host, lang="en")
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        grid = grid_of(app)
        table = grid.table
        shown = table.scrollable_content_region
        assert table.virtual_size.width > shown.width
        assert table.row_count + 1 > shown.height

        await pilot.press("end")
        assert grid.cursor_column() == "complies"
        assert table.scroll_x > 0
        header, first = lines(table)[:2]
        assert header.lstrip().startswith("Village") and header.rstrip().endswith("OK")
        assert first.lstrip().startswith(VILLAGES[0].name)

        await pilot.press("home")
        assert grid.cursor_column() == "name" and table.scroll_x == 0

        await pilot.press("ctrl+end")
        assert grid.cursor_village() == VILLAGES[-1].code
        assert table.scroll_y > 0
        assert any(line.lstrip().startswith(VILLAGES[-1].name) for line in lines(table)[1:])
        assert lines(table)[0].lstrip().startswith("Village"), "the header stays on top"

        await pilot.press("ctrl+home")
        assert grid.cursor_village() == VILLAGES[0].code and table.scroll_y == 0

        await pilot.press("pagedown")
        page = shown.height - 1
        assert table.cursor_row == min(page, table.row_count - 1)
        await pilot.press("pageup")
        assert table.cursor_row == 0

        await pilot.press("up", "left")
        assert (table.cursor_row, table.cursor_column) == (0, 0), "the cursor stops at the edges"


async def test_a_click_selects_a_cell_and_a_second_click_opens_its_evidence(
    town: Store, host: PluginHost
) -> None:
    app = make_app(town, host)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        grid = grid_of(app)
        table = grid.table
        header = lines(table)[0]
        x = cell_len(header[: header.index("N8")])
        y = table.get_row_index("SC003") + 1
        assert await pilot.click(GridTable, offset=(x, y))
        assert (grid.cursor_village(), grid.cursor_column()) == ("SC003", "N8")
        assert isinstance(app.screen, MainScreen)
        assert await pilot.click(GridTable, offset=(x, y))
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, EvidenceScreen)
        assert (screen.cell.village, screen.cell.criterion) == ("SC003", "N8")


async def test_a_click_on_the_header_moves_nothing(town: Store, host: PluginHost) -> None:
    app = make_app(town, host)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        grid = grid_of(app)
        before = (grid.cursor_village(), grid.cursor_column())
        header = lines(grid.table)[0]
        assert await pilot.click(GridTable, offset=(cell_len(header[: header.index("N8")]), 0))
        assert (grid.cursor_village(), grid.cursor_column()) == before
