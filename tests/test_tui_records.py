"""Record entry in the TUI: schema-built forms, inline errors, edit, delete; the grid follows."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from textual.binding import Binding
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import DataTable, Input, Label, OptionList, SelectionList, Static

from plugins import keymap as key_specs
from plugins.api import State
from plugins.manager import PluginHost
from store import Store
from tests.tui_forms_support import (
    CJK,
    PREVIOUS,
    QUARTER,
    add,
    build_town,
    choose,
    error_text,
    form_of,
    make_app,
    new_record,
    retype,
    settle,
)
from tests.tui_support import Notifications
from tui.app import PinganApp
from tui.screens.confirm import ConfirmScreen
from tui.screens.evidence import EvidenceScreen
from tui.screens.help import HelpScreen
from tui.screens.main import MainScreen
from tui.screens.reason import ReasonScreen
from tui.screens.record_actions import edit_record, open_form
from tui.screens.record_form import FIX_ERRORS, RecordFormScreen, field_id
from tui.screens.record_type_picker import RecordTypePicker
from tui.screens.records import RecordsScreen
from tui.screens.units import UnitsScreen
from tui.widgets.village_picker import VillagePicker, VillageQuery


@pytest.fixture
def town(store: Store, host: PluginHost) -> Store:
    build_town(store, host)
    return store


def top(app: PinganApp) -> Screen[Any]:
    """The screen on top (a function, so type narrowing of app.screen does not stick)."""
    return app.screen


def on_top(app: PinganApp, screen: Screen[Any]) -> bool:
    """Whether screen is the one on top (a function, so mypy does not narrow screen's type)."""
    return app.screen is screen


def state(app: PinganApp, village: str, criterion: str) -> State:
    assert app.grid is not None and app.grid.quarter == QUARTER
    return app.grid.cell(village, criterion).state


async def pick_village(pilot: Pilot[Any], picker: VillagePicker, query: str) -> None:
    """Type a search into a village picker and take the first match with Enter."""
    box = picker.query_one("#village-query")
    box.focus()
    picker.choose(None)
    await settle(pilot)
    await pilot.press(*query, "enter")
    await settle(pilot)


async def tick(pilot: Pilot[Any], form: RecordFormScreen, name: str, value: str) -> None:
    """Toggle one choice of a multi-enum field with the keyboard."""
    field = form.record_type.field(name)
    assert field is not None
    options = form.query_one(f"#{field_id(name)}", SelectionList)
    options.focus()
    options.highlighted = 0
    await pilot.press(*["down"] * field.choice_values().index(value), "space")
    await settle(pilot)


async def test_a_case_added_through_its_form_turns_its_cells_fail(
    town: Store, host: PluginHost
) -> None:
    app = make_app(town, host)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        before = {c: state(app, "V002", c) for c in ("N2", "N8", "N9")}
        assert set(before.values()) == {State.PASS}

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
        assert form.query_one(VillagePicker).value == "V002"
        await choose(pilot, form, "kind", "security")
        await tick(pilot, form, "tags", "gambling")
        await pilot.press("ctrl+s")
        await settle(pilot)

        assert not isinstance(app.screen, RecordFormScreen)
        assert state(app, "V002", "N8") is State.FAIL
        assert state(app, "V002", "N2") is State.FAIL
        assert state(app, "V002", "N9") is State.PASS
        assert state(app, "V001", "N8") is State.PASS
        [stored] = town.records(QUARTER, "police.case")
        assert (stored.village, stored.unit, stored.author) == ("V002", "police", "tester")
        assert stored.text("kind") == "security"
        assert stored.tags("tags") == {"gambling"}
        assert stored.text("case_no") == ""
        assert QUARTER.contains(stored.date)


async def test_an_impossible_date_is_refused_inline_and_nothing_is_saved(
    town: Store, host: PluginHost
) -> None:
    app = make_app(town, host)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        open_form(app, "police.case", village="V001", quarter=QUARTER)
        await settle(pilot)
        form = form_of(app)
        await choose(pilot, form, "kind", "security")

        await retype(pilot, form, "date", "2022-0")
        assert error_text(form, "date") == ""
        await retype(pilot, form, "date", "2022-02-30")
        assert "不是日期：'2022-02-30'" in error_text(form, "date")

        revision = town.revision()
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert on_top(app, form)
        assert "不是日期：'2022-02-30'" in error_text(form, "date")
        assert town.revision() == revision
        assert town.records(QUARTER, "police.case") == []
        expected = FIX_ERRORS.format(count=1, fields="日期").get("zh")
        assert str(form.query_one("#form-error", Label).render()) == expected
        assert expected.endswith("未保存：日期")

        await retype(pilot, form, "date", "2022/5/30")
        assert error_text(form, "date") == ""
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not on_top(app, form)
        [stored] = town.records(QUARTER, "police.case")
        assert stored.date == date(2022, 5, 30)
        assert state(app, "V001", "N8") is State.FAIL


async def test_every_error_is_shown_next_to_its_field(town: Store, host: PluginHost) -> None:
    app = make_app(town, host, lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        open_form(app, "emergency.accident", quarter=QUARTER)
        await settle(pilot)
        form = form_of(app)
        await retype(pilot, form, "date", "")
        await retype(pilot, form, "deaths", "-1")
        assert "below the minimum 0" in error_text(form, "deaths")

        revision = town.revision()
        await pilot.press("ctrl+s")
        await settle(pilot)

        assert on_top(app, form)
        assert error_text(form, "date") and "required" in error_text(form, "date")
        assert "required" in error_text(form, "village")
        assert "required" in error_text(form, "category")
        assert "below the minimum 0" in error_text(form, "deaths")
        assert error_text(form, "injuries") == ""
        assert set(form.errors) == {"date", "village", "category", "deaths"}
        assert town.revision() == revision
        assert app.focused is form.query_one(f"#{field_id('date')}")


async def test_editing_a_record_from_the_records_screen(town: Store, host: PluginHost) -> None:
    case = add(town, host, "police.case", "V003", kind="criminal", case_no="X-1")
    app = make_app(town, host)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert state(app, "V003", "N9") is State.FAIL
        assert state(app, "V003", "N8") is State.PASS

        await pilot.press("r")
        await settle(pilot)
        records = app.screen
        assert isinstance(records, RecordsScreen)
        await pick_village(pilot, records.query_one("#village-filter", VillagePicker), "nw")
        assert {r.village for r in records.shown} == {"V003"}
        table = records.query_one("#records-table", DataTable)
        table.focus()
        table.move_cursor(row=table.get_row_index(str(case.id)))
        await pilot.press("enter")
        await settle(pilot)

        form = form_of(app)
        assert form.raw_values()["kind"] == "criminal"
        assert form.raw_values()["case_no"] == "X-1"
        await choose(pilot, form, "kind", "security")
        await pilot.press("ctrl+s")
        await settle(pilot)

        assert on_top(app, records)
        edited = town.record(case.id)
        assert edited is not None
        assert edited.rev == case.rev + 1
        assert edited.fields == {**case.fields, "kind": "security"}
        assert state(app, "V003", "N9") is State.PASS
        assert state(app, "V003", "N8") is State.FAIL
        row = table.get_row(str(case.id))
        assert "治安" in row[4]


async def test_an_edit_that_lost_a_race_says_so_and_keeps_the_other_change(
    town: Store, host: PluginHost
) -> None:
    case = add(town, host, "police.case", "V002", kind="criminal")
    app = make_app(town, host, lang="en")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        edit_record(app, case)
        await settle(pilot)
        form = form_of(app)
        await choose(pilot, form, "kind", "security")

        rival = town.record(case.id)
        assert rival is not None
        with town.transaction("someone") as tx:
            changed = {**rival.fields, "summary": "changed meanwhile"}
            new = new_record(host, rival.type, rival.village, rival.date, **changed)
            tx.update_record(case.id, new, expected_rev=rival.rev)
        await pilot.press("ctrl+s")
        await settle(pilot)

        assert on_top(app, form)
        assert "Someone else changed this record" in str(
            form.query_one("#form-error", Label).render()
        )
        stored = town.record(case.id)
        assert stored is not None
        assert stored.text("kind") == "criminal"
        assert stored.text("summary") == "changed meanwhile"

        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, RecordFormScreen)


async def test_delete_asks_for_a_reason_and_the_grid_follows(town: Store, host: PluginHost) -> None:
    case = add(town, host, "police.case", "V002", kind="security")
    notes = Notifications()
    app = make_app(town, host)
    async with app.run_test(size=(120, 40), message_hook=notes.hook) as pilot:
        await settle(pilot)
        assert state(app, "V002", "N8") is State.FAIL

        app.push_screen(RecordsScreen(record_type="police.case"))
        await settle(pilot)
        records = app.screen
        assert isinstance(records, RecordsScreen)
        assert [r.id for r in records.shown] == [case.id]

        revision = town.revision()
        await pilot.press("e")
        await settle(pilot)
        form = form_of(app)
        assert form.record is not None and form.record.id == case.id
        await pilot.press("escape")
        await settle(pilot)
        assert on_top(app, records)
        assert town.revision() == revision

        await pilot.press("x")
        await settle(pilot)
        assert isinstance(top(app), ReasonScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert on_top(app, records)
        assert town.record(case.id) is not None

        await pilot.press("x")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert on_top(app, records)
        assert town.record(case.id) is not None
        assert "删除记录需要写明理由" in notes.messages[-1]

        await pilot.press("x")
        await settle(pilot)
        await pilot.press(*"录错了", "enter")
        await settle(pilot)
        assert on_top(app, records)
        assert town.record(case.id) is None
        deleted = [e for e in town.audit_entries() if e.action == "record.delete"]
        assert deleted and deleted[-1].after == {"reason": "录错了"}
        assert records.shown == []
        assert state(app, "V002", "N8") is State.PASS

        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, RecordsScreen)


async def test_records_filter_by_village_and_type(town: Store, host: PluginHost) -> None:
    add(town, host, "police.case", "V002", kind="security")
    add(town, host, "judicial.lawsuit", "V002", case_no="M-1")
    app = make_app(town, host, lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(RecordsScreen())
        await settle(pilot)
        records = app.screen
        assert isinstance(records, RecordsScreen)
        everything = town.records(QUARTER)
        assert len(records.shown) == len(everything)

        await pilot.press("slash")
        await pilot.press("x", "h", "enter")
        await settle(pilot)
        assert records.selected_filters() == ("V002", None)
        assert [r.id for r in records.shown] == [r.id for r in everything if r.village == "V002"]

        type_filter = records.query_one("#type-filter")
        type_filter.focus()
        await pilot.press("enter")
        options = [name for name in host.registry.record_types]
        await pilot.press(*["down"] * (options.index("judicial.lawsuit") + 1), "enter")
        await settle(pilot)
        assert [r.type for r in records.shown] == ["judicial.lawsuit"]
        table = records.query_one("#records-table", DataTable)
        assert table.row_count == 1
        assert "M-1" in table.get_row_at(0)[4]

        table.focus()
        await pilot.press("l")
        await settle(pilot)
        assert records.selected_filters() == ("V002", "judicial.lawsuit")
        assert [str(c.label) for c in table.columns.values()][0] == "类型"
        assert table.get_row_at(0)[0] == "诉讼"


@pytest.mark.parametrize(
    "owner",
    [RecordFormScreen, RecordsScreen, UnitsScreen, ConfirmScreen, RecordTypePicker, VillageQuery],
)
def test_every_binding_is_registered_with_an_id_and_a_tooltip(owner: type[Any]) -> None:
    bindings = owner.BINDINGS
    assert bindings
    for binding in bindings:
        assert isinstance(binding, Binding)
        assert binding.id in key_specs.SPECS and binding.tooltip, binding
        assert not CJK.search(key_specs.SPECS[binding.id].description.en), binding
    ids = [b.id for b in bindings]
    assert len(ids) == len(set(ids))


def help_ids(app: PinganApp) -> set[str]:
    """The binding ids the help screen on top lists."""
    help_screen = app.screen
    assert isinstance(help_screen, HelpScreen)
    return {
        active.binding.id or ""
        for group in ("screen", "app")
        for _key, _shown, active in help_screen.rows(group)
    }


async def test_help_lists_the_keys_of_the_records_form_and_dialogs(
    town: Store, host: PluginHost
) -> None:
    add(town, host, "police.case", "V002", kind="security")
    app = make_app(town, host)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        await pilot.press("f1")
        records_ids = {"records.new", "records.edit", "records.delete", "records.filter"}
        assert records_ids | {"records.back", "app.language"} <= help_ids(app)
        assert "按键（记录）" in str(app.screen.query_one("#help-title", Static).render())

        await pilot.press("escape", "x")
        await settle(pilot)
        await pilot.press("f1")
        assert {"reason.cancel"} <= help_ids(app)
        assert "按键（写理由）" in str(app.screen.query_one("#help-title", Static).render())

        await pilot.press("escape", "escape", "n")
        await settle(pilot)
        await pilot.press("f1")
        assert "record_type_picker.cancel" in help_ids(app)
        assert "选择记录类型" in str(app.screen.query_one("#help-title", Static).render())

        await pilot.press("escape", "escape")
        open_form(app, "police.case", village="V001", quarter=QUARTER)
        await settle(pilot)
        picker = form_of(app).query_one(f"#{field_id('village')}", VillagePicker)
        picker.choose(None)
        picker.query_one(VillageQuery).focus()
        await pilot.press("f1")
        form_ids = {"record_form.save", "record_form.cancel", "village_picker.matches"}
        assert form_ids <= help_ids(app)
        assert not records_ids & help_ids(app)
        assert "记录表单" in str(app.screen.query_one("#help-title", Static).render())
        await pilot.press("escape", *"v00", "down", "down", "enter")
        await settle(pilot)
        assert picker.value == "V002"


async def test_a_save_says_where_it_went_and_offers_to_go_to_another_quarter(
    town: Store, host: PluginHost
) -> None:
    notes = Notifications()
    app = make_app(town, host)
    async with app.run_test(size=(120, 40), message_hook=notes.hook) as pilot:
        await settle(pilot)
        open_form(app, "police.case", village="V001", quarter=QUARTER)
        await settle(pilot)
        form = form_of(app)
        await choose(pilot, form, "kind", "security")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert any(n.startswith(f"已保存到 {QUARTER}") for n in notes.messages), notes.messages
        assert not isinstance(app.screen, ConfirmScreen | RecordFormScreen)

        open_form(app, "police.case", village="V002", quarter=QUARTER)
        await settle(pilot)
        form = form_of(app)
        await choose(pilot, form, "kind", "security")
        await retype(pilot, form, "date", str(PREVIOUS.start))
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert f"已保存到 {PREVIOUS}" in notes.messages[-1]
        dialog = top(app)
        assert isinstance(dialog, ConfirmScreen)
        assert f"已保存到 {PREVIOUS}，而屏幕显示的是 {QUARTER}" in dialog.question.zh
        await pilot.press("y")
        await settle(pilot)
        assert app.quarter == PREVIOUS
        assert app.grid is not None and app.grid.quarter == PREVIOUS
        assert app.grid.cell("V002", "N8").state is State.FAIL


async def test_escape_on_a_filled_form_asks_before_discarding(
    town: Store, host: PluginHost
) -> None:
    app = make_app(town, host)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        open_form(app, "police.case", village="V001", quarter=QUARTER)
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(top(app), RecordFormScreen | ConfirmScreen)

        open_form(app, "police.case", village="V001", quarter=QUARTER)
        await settle(pilot)
        form = form_of(app)
        await retype(pilot, form, "summary", "打架")
        await pilot.press("escape")
        await settle(pilot)
        dialog = top(app)
        assert isinstance(dialog, ConfirmScreen) and "放弃已填写的内容" in dialog.question.zh
        await pilot.press("n")
        await settle(pilot)
        assert on_top(app, form)
        assert form.raw_values()["summary"] == "打架"
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert not isinstance(top(app), RecordFormScreen | ConfirmScreen)
        assert town.records(QUARTER, "police.case") == []


async def test_letters_in_a_number_field_are_refused_with_a_reason(
    town: Store, host: PluginHost
) -> None:
    app = make_app(town, host, lang="en")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        open_form(app, "civil.key_population", village="V001", quarter=QUARTER)
        await settle(pilot)
        form = form_of(app)
        await retype(pilot, form, "registered", "12a")
        assert "expected a whole number, got '12a'" in error_text(form, "registered")
        revision = town.revision()
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert on_top(app, form) and town.revision() == revision


async def test_r_opens_the_records_of_the_village_under_the_cursor_and_c_shows_all(
    town: Store, host: PluginHost
) -> None:
    case = add(town, host, "police.case", "V002", kind="security")
    app = make_app(town, host)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("down", "r")
        await settle(pilot)
        records = top(app)
        assert isinstance(records, RecordsScreen)
        everything = town.records(QUARTER)
        ours = [r.id for r in everything if r.village == "V002"]
        assert records.selected_filters() == ("V002", None)
        assert [r.id for r in records.shown] == ours
        title = str(records.query_one("#records-title", Label).render())
        assert f"筛选后 {len(ours)}/{len(everything)} 条（c 清除筛选）" in title
        assert "西河" in records.query_one("#village-filter #village-query", Input).value

        await pilot.press("c")
        await settle(pilot)
        assert records.selected_filters() == (None, None)
        assert len(records.shown) == len(everything)
        title = str(records.query_one("#records-title", Label).render())
        assert title == f"{QUARTER} 记录（{len(everything)} 条）"

        await pilot.press("escape", "g")
        await settle(pilot)
        main = top(app)
        assert isinstance(main, MainScreen)
        main.grid.select_village("V002")
        column = list(main.grid.table.columns).index("N8")
        main.grid.table.move_cursor(column=column)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(top(app), EvidenceScreen)
        await pilot.press("e")
        await settle(pilot)
        form = form_of(app)
        assert form.record is not None and form.record.id == case.id
