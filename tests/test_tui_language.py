"""One language at a time on every screen: Chinese by default, English after `l`, and back.

Non-modal screens switch with `l`; dialogs (where `l` is typed or ignored) switch through the
command palette, as a user would. Each check names a label that must show and its
translation that must not.
"""

from __future__ import annotations

from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Button, DataTable, Input, Label, Select, SelectionList

from plugins.manager import PluginHost
from store import Store
from tests.tui_forms_support import add, build_town, error_text, form_of, make_app, retype
from tests.tui_support import CJK, footer_text, screen_text, settle
from tui.app import PinganApp
from tui.screens.evidence import EvidenceScreen
from tui.screens.help import HelpScreen
from tui.screens.jump import JumpScreen
from tui.screens.reason import ReasonScreen
from tui.screens.record_actions import open_form
from tui.screens.record_form import field_id
from tui.screens.record_type_picker import RecordTypePicker
from tui.screens.records import RecordsScreen
from tui.screens.units import UnitsScreen


@pytest.fixture
def town(store: Store, host: PluginHost) -> Store:
    build_town(store, host)
    return store


def shows(app: PinganApp, present: tuple[str, ...], absent: tuple[str, ...]) -> None:
    """Assert the terminal shows every label of present and none of absent."""
    text = screen_text(app)
    for label in present:
        assert label in text, (label, text)
    for label in absent:
        assert label not in text, (label, text)


async def switch_with_palette(pilot: Pilot[Any]) -> None:
    """Switch the language through the command palette, the keyboard's way out of a dialog."""
    app = pilot.app
    assert isinstance(app, PinganApp)
    before = app.lang
    await pilot.press("ctrl+p", *("english" if before == "zh" else "language"))
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)
    assert app.lang != before


async def test_the_main_screen_and_the_dashboard_switch_with_l(
    town: Store, host: PluginHost
) -> None:
    app = make_app(town, host)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        zh_grid = ("网格", "排序：编号", "达标村", "跳转")
        en_grid = ("Grid", "sort: code", "compliant", "Jump")
        shows(app, zh_grid, en_grid)
        await pilot.press("l")
        await settle(pilot)
        shows(app, en_grid, zh_grid)
        assert "Jump" in footer_text(app) and "跳转" not in footer_text(app)
        await pilot.press("d")
        await settle(pilot)
        zh_dash = ("年目标", "各项标准的村数", "已报送", "派出所")
        en_dash = ("target for", "Villages per criterion", "filed", "Police station")
        shows(app, en_dash, zh_dash)
        await pilot.press("l")
        await settle(pilot)
        shows(app, zh_dash, en_dash[:3])
        assert "跳转" in footer_text(app) and "Jump" not in footer_text(app)


async def test_the_records_screen_switches_with_l(town: Store, host: PluginHost) -> None:
    add(town, host, "police.case", "V002", kind="criminal")
    app = make_app(town, host)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("r", "c")
        await settle(pilot)
        assert isinstance(app.screen, RecordsScreen)
        zh = ("记录（", "全部类型", "类型", "案件性质: 刑事", "按村筛选", "新建", "删除")
        en = ("Records of", "All types", "Type", "Kind: Criminal", "Village: name", "New", "Delete")
        shows(app, zh, en)
        await pilot.press("l")
        await settle(pilot)
        shows(app, en, zh)
        assert "Delete" in footer_text(app) and "删除" not in footer_text(app)
        await pilot.press("l")
        await settle(pilot)
        shows(app, zh, en)


async def test_the_units_screen_and_its_view_switch_with_l(town: Store, host: PluginHost) -> None:
    app = make_app(town, host)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.push_screen(UnitsScreen(view=("police", "cases")))
        await settle(pilot)
        zh = ("单位与数据视图", "派出所", "案件台账", "案件编号", "全部性质", "菜单", "刷新")
        en = ("Units and their data views", "Police station", "Case log", "Case number")
        en += ("All kinds", "Menu", "Reload")
        shows(app, zh, en)
        await pilot.press("l")
        await settle(pilot)
        shows(app, en, zh)
        assert "Reload" in footer_text(app) and "刷新" not in footer_text(app)


async def test_the_record_type_picker_switches_in_place(town: Store, host: PluginHost) -> None:
    app = make_app(town, host)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, RecordTypePicker)
        await pilot.press("down")
        zh = ("新建哪类记录？", "派出所", "群体性事件", "回车选择")
        en = ("Which kind of record?", "Police station", "Mass incident", "Enter to choose")
        shows(app, zh, en)
        await switch_with_palette(pilot)
        assert isinstance(app.screen, RecordTypePicker)
        shows(app, en, zh)
        await pilot.press("enter")
        await settle(pilot)
        form = form_of(app)
        assert form.record_type.name == "police.mass_incident"


async def test_the_record_form_switches_in_place_keeping_what_was_typed(
    town: Store, host: PluginHost
) -> None:
    app = make_app(town, host)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        open_form(app, "police.case", village="V002")
        await settle(pilot)
        form = form_of(app)
        await retype(pilot, form, "case_no", "X-9")
        form.query_one(f"#{field_id('kind')}", Select).value = "criminal"
        form.query_one(f"#{field_id('tags')}", SelectionList).select("gang")
        await retype(pilot, form, "date", "2022-02-30")
        await settle(pilot)
        typed = form.raw_values()
        zh = ("新建：案件", "案件编号", "刑事", "涉黑恶", "保存 (ctrl+s)")
        en = ("New: Case", "Case number", "Criminal", "Gang or evil forces", "Save (ctrl+s)")
        shows(app, zh, en)
        zh_date = "不是日期：'2022-02-30'"
        en_date = "not a date: '2022-02-30'"
        assert zh_date in error_text(form, "date") and en_date not in error_text(form, "date")

        await switch_with_palette(pilot)
        assert app.screen is form
        assert form.raw_values() == typed
        assert form.query_one(f"#{field_id('case_no')}", Input).value == "X-9"
        shows(app, en, zh)
        assert str(form.query_one("#save", Button).label) == "Save (ctrl+s)"
        assert en_date in error_text(form, "date") and zh_date not in error_text(form, "date")

        form.query_one(f"#{field_id('kind')}", Select).clear()
        await pilot.press("ctrl+s")
        await settle(pilot)
        message = str(form.query_one("#form-error", Label).render())
        assert "2 field(s) to correct; nothing saved: Date, Kind" in message
        assert app.focused is form.query_one(f"#{field_id('date')}")
        assert "required" in error_text(form, "kind")
        await switch_with_palette(pilot)
        assert "有 2 处需要更正，未保存：日期、案件性质" in str(
            form.query_one("#form-error", Label).render()
        )
        assert zh_date in error_text(form, "date") and "必填" in error_text(form, "kind")
        assert "required" not in error_text(form, "kind")
        assert form.raw_values() == {**typed, "kind": None}
        shows(app, ("新建：案件", "保存 (ctrl+s)"), en)


async def test_the_delete_question_switches_in_place(town: Store, host: PluginHost) -> None:
    add(town, host, "police.case", "V002", kind="security")
    app = make_app(town, host)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.push_screen(RecordsScreen(record_type="police.case"))
        await settle(pilot)
        await pilot.press("x")
        await settle(pilot)
        assert isinstance(app.screen, ReasonScreen)
        zh = ("删除这条记录？", "案件, 西河", "写明删除理由")
        en = ("Delete this record?", "Case, 西河", "Give the reason")
        shows(app, zh, en)
        await switch_with_palette(pilot)
        shows(app, en, zh)


async def test_the_shell_dialogs_switch_in_place(town: Store, host: PluginHost) -> None:
    app = make_app(town, host)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, EvidenceScreen)
        zh = ("检查结果", "结果：", "Esc 关闭")
        en = ("Findings", "Result:", "Esc closes")
        shows(app, zh, en)
        await switch_with_palette(pilot)
        shows(app, en, zh)

        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        shows(app, ("Keys (evidence)", "Close", "Back to the grid"), ("按键（", "关闭"))
        await switch_with_palette(pilot)
        shows(app, ("按键（依据）", "关闭", "回到网格"), ("Keys (", "Close"))

        await pilot.press("escape", "escape", "slash")
        await settle(pilot)
        assert isinstance(app.screen, JumpScreen)
        shows(app, ("跳转到村", "拼音首字母"), ("Jump to village", "pinyin initials"))
        await switch_with_palette(pilot)
        shows(app, ("Jump to village", "pinyin initials"), ("跳转到村", "拼音首字母"))


async def test_help_describes_every_key_in_one_language(town: Store, host: PluginHost) -> None:
    app = make_app(town, host)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        open_form(app, "police.case", village="V001")
        await settle(pilot)
        await pilot.press("f1")
        await settle(pilot)
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        table = help_screen.query_one("#help-table", DataTable)
        for lang in ("zh", "en"):
            listed = [
                (str(row.key.value), *(str(cell) for cell in table.get_row(row.key)))
                for row in table.ordered_rows
            ]
            keys_listed = [row for row in listed if not row[0].startswith("group-")]
            assert len(keys_listed) >= 2
            for key, _shown, description, tooltip in keys_listed:
                binding_id = help_screen.active[key].binding.id
                if binding_id != "app.language":
                    chinese = bool(CJK.search(description + tooltip))
                    assert chinese == (lang == "zh"), (lang, binding_id, description, tooltip)
            if lang == "zh":
                await switch_with_palette(pilot)
