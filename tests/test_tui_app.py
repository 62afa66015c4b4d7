"""The app shell through Pilot: start quarter, header, language, keys, help, palette, E2 wiring."""

from __future__ import annotations

import unicodedata
from datetime import date
from pathlib import Path

import pytest
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Static, TabbedContent
from wcwidth import wcwidth

from plugins import keymap as key_specs
from plugins.api import STATE_NAMES
from plugins.manager import PluginHost
from plugins.preferences import user_lang
from store import Quarter, Store
from tests.tui_support import (
    CJK,
    Q2,
    Q3,
    Notifications,
    binding_owners,
    build_town,
    make_app,
    module_texts,
    settle,
)
from tui.app import PinganApp
from tui.commands import palette_commands
from tui.screens.evidence import EvidenceScreen
from tui.screens.help import SCREEN_NAMES, HelpScreen
from tui.screens.jump import JumpScreen
from tui.screens.main import MainScreen
from tui.symbols import ASCII_SYMBOLS, STATE_SYMBOLS
from tui.text import CATALOGUE
from tui.widgets.grid import ComplianceGrid, GridTable


@pytest.fixture
def town(tmp_path: Path, host: PluginHost) -> Store:
    return build_town(tmp_path / "town.json", host)


def main_screen(app: PinganApp) -> MainScreen:
    screen = app.screen_stack[1]
    assert isinstance(screen, MainScreen)
    return screen


def column_labels(app: PinganApp) -> list[str]:
    table = main_screen(app).query_one(GridTable)
    return [column.label.plain for column in table.columns.values()]


def tab_labels(app: PinganApp) -> list[str]:
    tabs = main_screen(app).query_one(TabbedContent)
    return [tabs.get_tab(pane).label.plain for pane in ("dashboard", "grid")]


async def test_opens_on_the_latest_quarter_with_data_and_an_overdue_header(
    town: Store, host: PluginHost
) -> None:
    app = make_app(town, host)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.quarter == Q3 and app.actor == "tester"
        screen = main_screen(app)
        text = {w.id: str(w.content) for w in screen.query("#header Static").results(Static)}
        assert text["header-town"] == "桑村镇"
        assert text["header-quarter"] == "2022Q3"
        assert "tester" in text["header-actor"]
        overdue = (date.today() - date(2022, 10, 6)).days
        assert overdue > 0
        assert text["header-deadline"] == f"上报截止 2022-10-06，已逾期 {overdue} 天"
        assert text["header-state"] == "未定稿"
        assert screen.query_one("#header-deadline").has_class("overdue")


async def test_a_reported_quarter_shows_its_state_and_the_day_it_was_reported(
    town: Store, host: PluginHost
) -> None:
    with town.transaction("office") as tx:
        tx.save_snapshot(Q3, {}, locked=True)
        tx.set_reported(Q3, date(2022, 10, 9))
    app = make_app(town, host, quarter=Q3, lang="en")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        text = {w.id: str(w.content) for w in screen.query("#header Static").results(Static)}
        assert text["header-state"] == "reported"
        assert text["header-deadline"] == "reported on 2022-10-09 (3 d late)"
        assert screen.query_one("#header-state").has_class("finalized")
        assert not screen.query_one("#header-deadline").has_class("overdue")


async def test_a_current_quarter_shows_the_days_left_without_the_overdue_colour(
    town: Store, host: PluginHost
) -> None:
    today = date.today()
    quarter = Quarter.of(today)
    app = make_app(town, host, quarter=quarter, lang="en")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        deadline = main_screen(app).query_one("#header-deadline", Static)
        days = (quarter.report_deadline - today).days
        assert days > 0
        due = quarter.report_deadline.isoformat()
        assert str(deadline.content) == f"due {due}, {days} days left"
        assert not deadline.has_class("overdue")
        assert app.grid is not None and app.grid.quarter == quarter


async def test_opens_on_the_quarter_given(town: Store, host: PluginHost) -> None:
    app = make_app(town, host, quarter=Q2)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.grid is not None and app.grid.quarter == Q2


async def test_an_empty_store_opens_on_todays_quarter(store: Store, host: PluginHost) -> None:
    app = make_app(store, host)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.quarter == Quarter.of(date.today())
        grid = main_screen(app).query_one(ComplianceGrid)
        assert grid.table.row_count == 0
        await pilot.press("enter", "slash", "escape")
        assert isinstance(app.screen, MainScreen)


async def test_language_switch_relabels_in_place_and_is_saved_for_this_user_only(
    town: Store, host: PluginHost
) -> None:
    app = make_app(town, host)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        grid_table = main_screen(app).query_one(GridTable)
        assert column_labels(app)[:3] == ["编号", "村", "办事处"]
        assert tab_labels(app) == ["仪表盘", "网格"]
        assert app.screen.active_bindings["right_square_bracket"].binding.description == "下季度"
        await pilot.press("l")
        await settle(pilot)
        assert app.lang == "en"
        assert column_labels(app)[:3] == ["Code", "Village", "Office"]
        assert column_labels(app)[-1] == "OK"
        assert tab_labels(app) == ["Dashboard", "Grid"]
        bindings = app.screen.active_bindings
        assert bindings["right_square_bracket"].binding.description == "Next Q"
        assert bindings["l"].binding.description == "中文"
        assert "user tester" in str(main_screen(app).query_one("#header-actor", Static).content)
        cell_line = str(main_screen(app).query_one("#grid-cell", Static).content)
        assert "Party cadres lead well" in cell_line
        assert main_screen(app).query_one(GridTable) is grid_table
        assert (user_lang(), town.settings().lang) == ("en", "zh")
        await pilot.press("l")
        await settle(pilot)
        assert column_labels(app)[:3] == ["编号", "村", "办事处"]
        assert tab_labels(app) == ["仪表盘", "网格"]
        assert (user_lang(), town.settings().lang) == ("zh", "zh")


async def test_language_comes_from_the_argument_else_the_settings(
    town: Store, host: PluginHost
) -> None:
    app = make_app(town, host, lang="en")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert column_labels(app)[1] == "Village"
        assert app.screen.active_bindings["slash"].binding.description == "Jump"
    with town.transaction("tester") as tx:
        tx.update_settings(lang="en")
    app = make_app(town, host)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.lang == "en" and tab_labels(app) == ["Dashboard", "Grid"]


async def test_help_lists_every_binding_of_the_screen_with_ids(
    town: Store, host: PluginHost
) -> None:
    app = make_app(town, host)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        expected = {b.binding.id for b in app.screen.active_bindings.values() if b.binding.id}
        await pilot.press("question_mark")
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        ids = listed_ids(help_screen)
        for binding_id in (
            "app.help",
            "app.language",
            "app.quit",
            "quarter.next",
            "quarter.previous",
            "grid.jump",
            "grid.evidence",
            "grid.office",
            "grid.new_record",
        ):
            assert binding_id in ids
        assert "records.new" not in ids
        assert expected & set(key_specs.SPECS) <= ids
        table = help_screen.query_one("#help-table", DataTable)
        assert [str(c) for c in table.get_row("slash")] == [
            "/ j",
            "跳转",
            "按村名、编号或拼音首字母跳转到村",
        ]
        assert [key for key, _shown, _b in help_screen.rows("app")][0] == "ctrl+q"
        assert "tab" not in help_screen.query_one("#help-table", DataTable).rows
        assert "主屏幕" in str(help_screen.query_one("#help-title", Static).content)
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, EvidenceScreen)
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        ids = listed_ids(app.screen)
        assert "evidence.close" in ids and "quarter.next" not in ids


def listed_ids(help_screen: HelpScreen) -> set[str]:
    """The binding ids the help screen lists, in either group."""
    return {
        active.binding.id or ""
        for group in ("screen", "app")
        for _key, _shown, active in help_screen.rows(group)
    }


async def test_a_keymap_in_the_settings_rebinds_keys(town: Store, host: PluginHost) -> None:
    with town.transaction("tester") as tx:
        tx.update_settings(keymap={"quarter.next": "ctrl+n", "no.such.binding": "x"})
    app = make_app(town, host)
    notes = Notifications()
    async with app.run_test(size=(120, 40), message_hook=notes.hook) as pilot:
        await settle(pilot)
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert app.quarter == Q3
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert app.quarter == Quarter(2022, 4)
        assert app.grid is not None and app.grid.quarter == Quarter(2022, 4)
        assert any("no.such.binding" in message for message in notes.messages)


async def test_tab_keys_switch_between_dashboard_and_grid(town: Store, host: PluginHost) -> None:
    app = make_app(town, host)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        tabs = main_screen(app).query_one(TabbedContent)
        assert tabs.active == "grid"
        await pilot.press("d")
        await settle(pilot)
        assert tabs.active == "dashboard"
        await pilot.press("g")
        assert tabs.active == "grid" and isinstance(app.focused, GridTable)


async def test_palette_offers_area_verb_commands_only_where_they_apply(
    town: Store, host: PluginHost
) -> None:
    app = make_app(town, host, lang="en")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        titles = [c.title for c in palette_commands(app, app.screen)]
        for title in (
            "Grid: Jump to village",
            "Quarter: Next",
            "Quarter: Previous",
            "Language: 切换到中文",
            "Records: New record",
            "Units: Open the units menu",
            "Quarter: Hold the meeting",
            "Quarter: Finalize",
            "Quarter: Lists",
            "Rectification: Items",
        ):
            assert title in titles
        assert all(": " in title for title in titles)
        await pilot.press("ctrl+p")
        await pilot.press(*"quarter: next")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert app.quarter == Quarter(2022, 4)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, EvidenceScreen)
        titles = [c.title for c in palette_commands(app, app.screen)]
        assert "Grid: Jump to village" not in titles and "Language: 切换到中文" in titles


async def test_palette_jump_command_opens_the_jump_dialog(town: Store, host: PluginHost) -> None:
    app = make_app(town, host)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        jump = next(c for c in palette_commands(app, app.screen) if c.title == "网格：跳转到村")
        jump.run()
        await settle(pilot)
        assert isinstance(app.screen, JumpScreen)


async def test_record_keys_open_the_record_screens(town: Store, host: PluginHost) -> None:
    from tui.screens.record_type_picker import RecordTypePicker
    from tui.screens.records import RecordsScreen
    from tui.screens.units import UnitsScreen

    app = make_app(town, host)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, RecordTypePicker)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, RecordsScreen)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("u")
        await settle(pilot)
        assert isinstance(app.screen, UnitsScreen)


def test_every_binding_comes_from_the_registry_with_a_tooltip_in_both_languages() -> None:
    owners = binding_owners()
    assert {"PinganApp", "MainScreen", "RecordsScreen", "RecordFormScreen", "UnitsScreen"} <= {
        owner.__name__ for owner in owners
    }
    for owner in owners:
        for binding in owner.__dict__["BINDINGS"]:
            assert isinstance(binding, Binding), (owner, binding)
            spec = key_specs.SPECS.get(binding.id or "")
            assert spec is not None, (owner.__name__, binding)
            assert binding == spec.binding("zh"), (owner.__name__, binding)
    assert len(key_specs.SPECS) == len(key_specs.KEY_SPECS)
    for spec in key_specs.KEY_SPECS:
        assert spec.description.zh and spec.description.en, spec.id
        assert spec.tooltip.zh and spec.tooltip.en, spec.id
        assert not CJK.search(spec.description.en + spec.tooltip.en) or spec.id == "app.language"


def test_the_help_screen_names_every_screen_that_has_bindings() -> None:
    screens = [owner for owner in binding_owners() if issubclass(owner, Screen)]
    assert len(screens) >= 8
    for screen in screens:
        if screen is not HelpScreen:
            assert screen.__name__ in SCREEN_NAMES, screen


async def test_a_keymap_entry_moves_one_screens_key_and_no_other(
    town: Store, host: PluginHost
) -> None:
    from tui.screens.record_type_picker import RecordTypePicker
    from tui.screens.records import RecordsScreen

    with town.transaction("tester") as tx:
        tx.update_settings(keymap={"records.new": "a", "record_form.save": "ctrl+w"})
    app = make_app(town, host)
    notes = Notifications()
    async with app.run_test(size=(120, 40), message_hook=notes.hook) as pilot:
        await settle(pilot)
        assert notes.messages == []
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, RecordTypePicker)
        await pilot.press("escape", "r")
        await settle(pilot)
        records = app.screen
        assert isinstance(records, RecordsScreen)
        await pilot.press("n")
        await settle(pilot)
        assert app.screen is records
        assert "a" in records.active_bindings and "n" not in records.active_bindings
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, RecordTypePicker)


def test_interface_strings_hold_no_ambiguous_width_characters() -> None:
    texts = [t for text in CATALOGUE.values() for t in text]
    texts += [t for spec in key_specs.KEY_SPECS for t in (*spec.description, *spec.tooltip)]
    texts += [t for text in module_texts() for t in text]
    texts += [t for name in STATE_NAMES.values() for t in name]
    assert len(texts) > 300
    for text in texts:
        ambiguous = [ch for ch in text if unicodedata.east_asian_width(ch) == "A"]
        assert not ambiguous, (text, ambiguous)
    for symbol in (*STATE_SYMBOLS.values(), *ASCII_SYMBOLS.values()):
        assert len(symbol) == 1 and unicodedata.east_asian_width(symbol) in ("N", "Na")
        assert wcwidth(symbol) == 1


async def test_the_palette_finds_a_command_by_its_title_in_either_language(
    town: Store, host: PluginHost
) -> None:
    from textual.command import CommandList

    app = make_app(town, host)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        await pilot.press(*"case log")
        for _ in range(20):
            await settle(pilot)
            found = app.screen.query(CommandList)
            if found and found.first().option_count:
                break
        options = found.first()
        prompts = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert any("派出所" in p and "案件台账" in p for p in prompts), prompts
