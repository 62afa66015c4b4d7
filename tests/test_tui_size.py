"""Every screen at 80×24: what a reader needs is on screen or reachable by keyboard."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from textual.widget import Widget
from textual.widgets import DataTable, Label

from plugins.criteria import BY_CODE, CRITERION_CODES
from plugins.manager import PluginHost
from store import Store
from tests.tui_forms_support import QUARTER, choose, form_of
from tests.tui_forms_support import build_town as build_form_town
from tests.tui_forms_support import make_app as make_form_app
from tests.tui_support import (
    Q3,
    VILLAGES,
    build_town,
    make_app,
    screen_text,
    settle,
    wait_until,
)
from tui.app import PinganApp
from tui.keys import SPECS
from tui.screens.evidence import EvidenceScreen
from tui.screens.help import HelpScreen
from tui.screens.jump import JumpScreen
from tui.screens.record_actions import open_form
from tui.screens.record_form import RecordFormScreen, field_id
from tui.screens.records import RecordsScreen
from tui.screens.units import UnitsScreen
from tui.widgets.dashboard import Dashboard

SIZE = (80, 24)


@pytest.fixture
def town(tmp_path: Path, host: PluginHost) -> Store:
    return build_town(tmp_path / "town.json", host)


def on_screen(app: PinganApp, widget: Widget) -> bool:
    """Whether the whole widget lies inside the terminal, not clipped or scrolled away."""
    region = widget.region
    return region.area > 0 and app.screen.region.contains_region(region)


def shows(app: PinganApp, *labels: str) -> bool:
    text = screen_text(app)
    return all(label in text for label in labels)


def assert_shows(app: PinganApp, *labels: str) -> None:
    text = screen_text(app)
    missing = [label for label in labels if label not in text]
    assert not missing, (missing, text)


async def test_the_grid_and_the_dashboard(town: Store, host: PluginHost) -> None:
    app = make_app(town, host)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert_shows(app, *CRITERION_CODES, *(v.name for v in VILLAGES), "达标", "2022Q3")
        assert_shows(app, "达标村 1/5", "? 帮助", "n 新建")
        await pilot.press("d")
        await settle(pilot)
        names = [BY_CODE[code].name.zh for code in CRITERION_CODES]
        await wait_until(pilot, lambda: shows(app, *names), "every criterion's name")
        assert_shows(app, "达标 1/5 个村", "年目标", "22Q2", "各项标准的村数", "季度报表")
        returns = app.screen.query_one("#dash-returns", DataTable)
        for _ in range(8):
            if app.focused is returns:
                break
            await pilot.press("tab")
            await settle(pilot)
        assert app.focused is returns
        await wait_until(pilot, lambda: shows(app, "派出所", "民政办"), "the returns in view")
        assert_shows(app, "派出所", "民政办", "已报送")


async def test_the_evidence_scrolls_to_its_last_line(town: Store, host: PluginHost) -> None:
    app = make_app(town, host, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press(*["right"] * CRITERION_CODES.index("N8"), "enter")
        await settle(pilot)
        assert isinstance(app.screen, EvidenceScreen)
        assert_shows(app, "东庄 2022Q3 N8", "Result:", "Findings", "Esc closes")
        await pilot.press("end")
        await settle(pilot)
        assert_shows(app, "打架斗殴", "Records behind it (1)", "Esc closes")


async def test_the_evidence_keeps_its_close_hint_in_chinese(town: Store, host: PluginHost) -> None:
    app = make_app(town, host)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press(*["right"] * CRITERION_CODES.index("N8"), "enter")
        await settle(pilot)
        assert isinstance(app.screen, EvidenceScreen)
        assert_shows(app, "东庄 2022Q3 N8", "Esc 关闭")
        assert on_screen(app, app.screen.query_one("#evidence-hint"))


async def test_the_help_list_scrolls_and_shows_each_whole_tooltip(
    town: Store, host: PluginHost
) -> None:
    app = make_app(town, host)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        table = help_screen.query_one("#help-table", DataTable)
        assert table.max_scroll_y > 0
        assert_shows(app, "按键（主屏幕）", "Esc 关闭")
        await pilot.press("ctrl+end")
        await settle(pilot)
        assert table.cursor_row == table.row_count - 1
        assert table.scroll_y == table.max_scroll_y
        last_key, last_description, _tooltip = table.get_row_at(table.cursor_row)
        assert f"{last_key}  {last_description}" in screen_text(app)
        table.move_cursor(row=table.get_row_index("b"))
        await settle(pilot)
        lists_tooltip = SPECS["lists.open"].tooltip.zh
        assert len(lists_tooltip) * 2 > table.columns[table.ordered_columns[2].key].width
        assert f"[lists.open]  {lists_tooltip}" in screen_text(app)


async def test_jump_and_records(town: Store, host: PluginHost) -> None:
    app = make_app(town, host, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await settle(pilot)
        assert isinstance(app.screen, JumpScreen)
        assert_shows(app, "Jump to village", "name, code or pinyin initials")
        assert_shows(app, *(v.name for v in VILLAGES))
        await pilot.press("escape", "r", "c")
        await settle(pilot)
        assert isinstance(app.screen, RecordsScreen)
        assert_shows(app, f"Records of {Q3}", "Village: name / code / initials", "All types")
        assert_shows(app, "Type", "Village", "Date", "Details", "n New", "x Delete", "? Help")


async def test_the_longest_form_reaches_save_by_keyboard(store: Store, host: PluginHost) -> None:
    build_form_town(store, host)
    app = make_form_app(store, host)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        open_form(app, "police.case", village="V002", quarter=QUARTER)
        await settle(pilot)
        form = form_of(app)
        await choose(pilot, form, "kind", "criminal")
        fields = form.query_one("#form-fields")
        assert fields.max_scroll_y > 0
        assert on_screen(app, form.query_one("#save"))
        first = form.query_one("#field-date")
        first.focus()
        for _ in range(len(form.record_type.all_fields()) + 2):
            if app.focused is not None and app.focused.id == "save":
                break
            await pilot.press("tab")
            focused = app.focused
            assert focused is not None and on_screen(app, focused), focused
        assert app.focused is form.query_one("#save")
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is not form
        [case] = store.records(QUARTER, "police.case")
        assert (case.village, case.text("kind")) == ("V002", "criminal")


async def test_the_units_screen_with_the_police_case_log(town: Store, host: PluginHost) -> None:
    app = make_app(town, host)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(UnitsScreen(view=("police", "cases")))
        await settle(pilot)
        assert_shows(app, "单位与数据视图", "派出所", "案件台账", "全部村", "全部性质", "全部标签")
        assert_shows(app, "日期", "村", "案件编号", "东庄", "西王庄", "X-12", "esc 返回", "m 菜单")


async def test_the_demo_dashboard_keeps_its_criterion_rows_beside_many_warnings(
    store: Store, host: PluginHost
) -> None:
    from plugins.demo import build_demo

    build_demo(store, host)
    app = make_app(store, host, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        assert_shows(app, "Villages per criterion", *CRITERION_CODES)
        assert_shows(app, *(BY_CODE[code].name.en for code in CRITERION_CODES))


async def test_the_lists_show_the_selected_villages_whole_row_in_english(
    town: Store, host: PluginHost
) -> None:
    app = make_app(town, host, quarter=Q3, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("b")
        await settle(pilot)
        table = app.screen.query_one("#lists-negative", DataTable)
        table.move_cursor(row=table.get_row_index("SC002"))
        await settle(pilot)
        assert_shows(app, "SC002  西王庄", "G1 N1 N9  Leadership office, Police station")


@pytest.mark.parametrize(
    ("lang", "date_label", "kind_label"), [("zh", "日期 *", "案件性质"), ("en", "Date *", "Kind")]
)
async def test_a_new_form_shows_its_first_label_and_save_and_names_what_to_correct(
    town: Store, host: PluginHost, lang: str, date_label: str, kind_label: str
) -> None:
    app = make_app(town, host, lang=lang)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        if not isinstance(app.screen, RecordFormScreen):
            await pilot.press("enter")
            await settle(pilot)
        form = app.screen
        assert isinstance(form, RecordFormScreen)
        assert form.record_type.name == "police.case"
        assert_shows(app, date_label)
        assert on_screen(app, form.query_one("#save"))
        form.query_one("#form-fields").scroll_end(animate=False)
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        kind = form.query_one(f"#{field_id('kind')}")
        assert app.focused is kind
        assert on_screen(app, kind)
        assert kind_label in str(form.query_one("#form-error", Label).render())
        assert_shows(app, kind_label + " *")
        assert on_screen(app, form.query_one("#save"))


@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_the_demo_warning_rows_each_show_their_village_and_figure(
    store: Store, host: PluginHost, lang: str
) -> None:
    from plugins.demo import build_demo

    build_demo(store, host)
    names = {v.code: v.name for v in store.villages(active_only=False)}
    app = make_app(store, host, lang=lang)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        dashboard = app.screen.query_one(Dashboard)
        await wait_until(pilot, lambda: dashboard.report is not None, "the warnings")
        report = dashboard.report
        assert report is not None and len(report.warnings) >= 3
        table = dashboard.query_one("#dash-warnings", DataTable)
        table.focus()
        await settle(pilot)
        lines = [line for line in screen_text(app).splitlines() if "│" in line]
        for warned in report.warnings[:3]:
            name = names[warned.warning.village]
            figure = re.search(r"\d+", warned.warning.message.get(lang))
            assert figure is not None
            assert any(name in line and figure.group() in line for line in lines), (
                name,
                figure.group(),
                lines,
            )
