"""A save reaches its village's row straight away: only that row is computed again."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import OptionList

from plugins import actions
from plugins.api import State
from plugins.manager import PluginHost
from store import Store
from tests.tui_forms_support import (
    QUARTER,
    build_town,
    choose,
    form_of,
    make_app,
    new_record,
    settle,
)
from tui.app import PinganApp
from tui.screens.record_form import RecordFormScreen
from tui.screens.record_type_picker import RecordTypePicker
from tui.widgets.grid import ComplianceGrid, cell_text
from tui.widgets.village_picker import VillagePicker


@pytest.fixture
def town(store: Store, host: PluginHost) -> Store:
    build_town(store, host)
    return store


async def pick_village(pilot: Pilot[Any], picker: VillagePicker, query: str) -> None:
    """Type a search into a village picker and take the first match with Enter."""
    picker.query_one("#village-query").focus()
    picker.choose(None)
    await settle(pilot)
    await pilot.press(*query, "enter")
    await settle(pilot)


async def test_a_saved_case_updates_its_village_row_and_leaves_the_others_as_computed(
    town: Store, host: PluginHost, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The store's watcher may see the save's commit before the form reports it and then
    # recompute the whole grid, rightly; it is tested on its own, so here it stays idle.
    monkeypatch.setattr(PinganApp, "check_store", lambda self: None)
    app = make_app(town, host)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        before = app.grid
        assert before is not None and before.cell("V002", "N8").state is State.PASS

        await pilot.press("n")
        await settle(pilot)
        picker = app.screen
        assert isinstance(picker, RecordTypePicker)
        types = picker.query_one(OptionList)
        types.highlighted = types.get_option_index("police.case")
        await pilot.press("enter")
        await settle(pilot)
        form = form_of(app)
        await pick_village(pilot, form.query_one(VillagePicker), "xh")
        await choose(pilot, form, "kind", "security")
        await pilot.press("ctrl+s")
        await settle(pilot)

        assert not isinstance(app.screen, RecordFormScreen)
        after = app.grid
        assert after is not None and after is not before
        assert after.cell("V002", "N8").state is State.FAIL
        for code in ("V001", "V003"):
            assert all(after.cells[(code, c)] is before.cells[(code, c)] for c in after.criteria), (
                f"{code}'s row was computed again though the save did not touch it"
            )
        table = app.screen.query_one(ComplianceGrid).table
        assert table.get_cell("V002", "N8") == cell_text(State.FAIL)


async def test_another_desk_writing_after_a_save_still_reaches_the_grid(
    town: Store, host: PluginHost
) -> None:
    app = make_app(town, host)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        ctx = app.action_context()
        fields = {"village": "V003", "date": date(2022, 5, 2), "kind": "criminal"}
        actions.add_record(ctx, "police.case", fields)
        app.notify_data_changed(QUARTER, villages=("V003",))
        await settle(pilot)
        assert app.grid is not None and app.grid.cell("V003", "N9").state is State.FAIL

        other_desk = Store(town.path)
        accident = new_record(host, "emergency.accident", "V001", date(2022, 5, 3), category="fire")
        with other_desk.transaction("另一台电脑") as tx:
            tx.add_records([accident])
        app.check_store()
        await settle(pilot)
        assert app.grid.cell("V001", "N7").state is State.FAIL


async def test_two_saves_before_the_grid_catches_up_both_reach_it(
    town: Store, host: PluginHost
) -> None:
    app = make_app(town, host)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        ctx = app.action_context()
        for village in ("V002", "V003"):
            fields = {"village": village, "date": date(2022, 5, 2), "category": "fire"}
            actions.add_record(ctx, "emergency.accident", fields)
            app.notify_data_changed(QUARTER, villages=(village,))
        await settle(pilot)
        assert app.grid is not None
        assert app.grid.cell("V002", "N7").state is State.FAIL
        assert app.grid.cell("V003", "N7").state is State.FAIL
        assert app.grid.cell("V001", "N7").state is State.PASS
