"""SVG screenshots of the grid at 120×40 and 80×24, checked for what a reader must see."""

from __future__ import annotations

from pathlib import Path

import pytest

from plugins.criteria import CRITERION_CODES
from plugins.manager import PluginHost
from store import Store
from tests.tui_support import VILLAGES, build_town, make_app, settle, svg_text
from tui.screens.main import MainScreen
from tui.widgets.grid import GridTable


@pytest.fixture
def town(tmp_path: Path, host: PluginHost) -> Store:
    return build_town(tmp_path / "town.json", host)


async def test_grid_snapshot_at_120_by_40(town: Store, host: PluginHost, tmp_path: Path) -> None:
    app = make_app(town, host)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        saved = Path(app.save_screenshot("grid-120x40.svg", path=str(tmp_path)))
    assert saved.exists() and saved.stat().st_size > 0
    text = svg_text(saved.read_text(encoding="utf-8"))
    for village in VILLAGES:
        assert village.name in text and village.code in text and village.office in text
    for code in CRITERION_CODES:
        assert code in text
    for label in (
        "桑村镇",
        "2022Q3",
        "网格",
        "仪表盘",
        "达标",
        "✔",
        "✘",
        "上报截止 2022-10-06，已逾期",
    ):
        assert label in text


async def test_grid_fits_80_by_24_without_scrolling_sideways(
    town: Store, host: PluginHost, tmp_path: Path
) -> None:
    app = make_app(town, host, lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        table = app.screen_stack[1].query_one(GridTable)
        assert isinstance(app.screen, MainScreen)
        assert table.virtual_size.width <= table.scrollable_content_region.width
        saved = Path(app.save_screenshot("grid-80x24.svg", path=str(tmp_path)))
    text = svg_text(saved.read_text(encoding="utf-8"))
    for code in CRITERION_CODES:
        assert code in text
    assert "东庄" in text and "Village" in text and "? Help" in text
