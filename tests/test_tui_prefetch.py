"""What the app computes in the background: the previous quarter's grid once the grid is
shown, then the dashboard's quarters behind the grid tab, so showing it only draws."""

from __future__ import annotations

from pathlib import Path

import pytest

from plugins.manager import PluginHost
from store import Store
from tests.tui_support import Q2, Q3, CountingEngine, build_town, make_app, settle
from tui.widgets.dashboard import Dashboard


@pytest.fixture
def town(tmp_path: Path, host: PluginHost) -> Store:
    return build_town(tmp_path / "town.json", host)


async def test_the_previous_quarter_is_computed_in_the_background_and_a_step_reuses_it(
    town: Store, host: PluginHost
) -> None:
    app = make_app(town, host)
    engine = app.engine = CountingEngine(town, host)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert engine.computed == [Q3, Q2], "the grid on screen, then the previous quarter's"
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert app.grid is not None and app.grid.quarter == Q2
        assert engine.computed == [Q3, Q2, Q2.previous()], "Q2 was not computed again"
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert app.grid is not None and app.grid.quarter == Q3
        assert engine.computed.count(Q3) == 1, "the quarter stepped back to was kept"


async def test_the_hidden_dashboard_computes_after_the_grids_and_showing_it_only_draws(
    town: Store, host: PluginHost
) -> None:
    app = make_app(town, host)
    engine = app.engine = CountingEngine(town, host)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        dashboard = app.screen.query_one(Dashboard)
        assert engine.computed[:2] == [Q3, Q2], "the grid on screen and the previous first"
        assert dashboard.data is not None and dashboard.data.quarter == Q3
        assert [r.quarter for r in dashboard.data.history][-2:] == [Q2, Q3]
        assert engine.computed.count(Q3) == 1, "the dashboard reuses the grid on screen"
        assert engine.computed.count(Q2) == 1, "and the previous quarter's, prefetched"
        assert len(engine.computed) == len(set(engine.computed)), "each quarter once"
        computed = list(engine.computed)
        await pilot.press("d")
        await settle(pilot)
        assert dashboard.display and dashboard.data.quarter == Q3
        assert engine.computed == computed, "showing the dashboard computed nothing more"
