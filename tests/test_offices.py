"""Offices in the town's own order (the order their villages were imported), pinyin otherwise."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Static

from plugins.manager import PluginHost
from plugins.offices import by_office, sort_offices
from store import Store, Village
from tests.tui_support import make_app, settle
from tui.screens.main import MainScreen

TOWN = (
    Village("SC001", "南关", "城区办事处"),
    Village("SC002", "东庄", "东部办事处"),
    Village("SC003", "北辛庄", "北部办事处"),
    Village("SC004", "西关", "城区办事处"),
)


def test_offices_follow_the_import_order_and_pinyin_for_the_rest() -> None:
    offices = [v.office for v in TOWN] + ["西部办事处", "安乐办事处"]
    assert sort_offices(offices, TOWN) == [
        "城区办事处",
        "东部办事处",
        "北部办事处",
        "安乐办事处",
        "西部办事处",
    ]
    assert [v.code for v in by_office(TOWN)] == ["SC001", "SC004", "SC002", "SC003"]


async def test_the_office_filter_cycles_in_the_town_order_and_says_whose_counts(
    tmp_path: Path, host: PluginHost
) -> None:
    store = Store(tmp_path / "town.json")
    store.init("桑村镇", actor="tester")
    store.open()
    with store.transaction("tester") as tx:
        for village in TOWN:
            tx.add_village(village)
    app = make_app(store, host)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MainScreen)
        assert screen.grid.offices() == ["城区办事处", "东部办事处", "北部办事处"]
        await pilot.press("o")
        await settle(pilot)
        assert screen.grid.office == "城区办事处"
        legend = str(screen.query_one("#grid-legend", Static).render())
        assert legend.startswith("全镇达标村 0/4（0%）")
        assert "；城区办事处 0/2（符号计数只计本办事处）" in legend
        await pilot.press("o", "o", "o", "s")
        await settle(pilot)
        assert screen.grid.office is None and screen.grid.sort == "office"
        assert [v.code for v in screen.grid.shown_villages()] == [
            "SC001",
            "SC004",
            "SC002",
            "SC003",
        ]
