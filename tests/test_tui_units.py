"""The Units menu: built-in views, a view from an outside plugin, and views that fail."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from textual.app import ComposeResult
from textual.widget import Widget
from textual.widgets import DataTable, OptionList, Select, Static

from plugins import Text, UnitSpec, ViewSpec, hookimpl
from plugins.builtin.views import RecordsView
from plugins.builtin.views.police import CaseLog
from plugins.manager import PluginHost
from plugins.views import ViewContext
from store import Store
from tests.tui_forms_support import QUARTER, add, build_town, make_app, settle
from tui.app import PinganApp
from tui.screens.units import UnitsScreen
from tui.widgets.grid import ComplianceGrid


class Hello(Static):
    """A small outside view: says which quarter and language it was opened with."""

    def __init__(self, context: ViewContext) -> None:
        super().__init__(f"hello {context.quarter} {context.lang}", id="hello")


class BrokenCompose(Widget):
    def __init__(self, context: ViewContext) -> None:
        super().__init__()

    def compose(self) -> ComposeResult:
        yield Static("half")
        raise RuntimeError("compose went wrong")


class BrokenMount(Static):
    def __init__(self, context: ViewContext) -> None:
        super().__init__("about to fail")

    def on_mount(self) -> None:
        raise ValueError("mount went wrong")


def missing_module() -> Any:
    raise ImportError("No module named 'testviews_missing'")


class OutsidePlugin:
    """An outside unit registered as an object, as an entry point would be."""

    def __init__(self, unit: str, views: dict[str, Callable[[], Any] | str]) -> None:
        self.unit = unit
        self.views = views

    @hookimpl
    def register_units(self, register: Callable[[UnitSpec], None]) -> None:
        register(
            UnitSpec(
                self.unit,
                Text(f"测试单位{self.unit}", f"Test unit {self.unit}"),
                files_returns=False,
            )
        )

    @hookimpl
    def register_views(self, register: Callable[[ViewSpec], None]) -> None:
        for key, factory in self.views.items():
            register(ViewSpec(self.unit, key, Text(f"视图{key}", f"View {key}"), factory))


@pytest.fixture(scope="module")
def outside_host() -> PluginHost:
    """The built-ins plus one working and one broken outside plugin."""
    return PluginHost.load(
        entry_points=False,
        extra=[
            ("testunit", OutsidePlugin("testunit", {"hello": lambda: Hello})),
            (
                "brokenviews",
                OutsidePlugin(
                    "brokenunit",
                    {
                        "import": missing_module,
                        "compose": lambda: BrokenCompose,
                        "mount": lambda: BrokenMount,
                        "notwidget": lambda: "just a string",
                        "badname": "plugins.builtin.views.police:NoSuchView",
                    },
                ),
            ),
        ],
    )


def units_of(app: PinganApp) -> UnitsScreen:
    screen = app.screen
    assert isinstance(screen, UnitsScreen)
    return screen


async def test_a_built_in_case_log_opens_from_the_menu_and_filters(
    store: Store, host: PluginHost
) -> None:
    build_town(store, host)
    add(store, host, "police.case", "V001", kind="security", tags="gambling")
    add(store, host, "police.case", "V002", kind="criminal", tags="gang;fraud")
    add(store, host, "police.case", "V003", kind="criminal")
    add(store, host, "judicial.lawsuit", "V003")
    app = make_app(store, host)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("u")
        await settle(pilot)
        screen = units_of(app)
        menu = screen.query_one("#units-menu", OptionList)
        menu.highlighted = menu.get_option_index("police/cases")
        await pilot.press("enter")
        await settle(pilot)

        log = screen.query_one(CaseLog)
        assert screen.current == ("police", "cases") and screen.failure is None
        assert {r.village for r in log.shown} == {"V001", "V002", "V003"}
        assert {r.type for r in log.shown} == {"police.case"}
        table = log.query_one(DataTable)
        assert table.row_count == 3

        log.query_one("#filter-kind", Select).value = "criminal"
        await pilot.pause()
        assert sorted(r.village for r in log.shown) == ["V002", "V003"]
        log.query_one("#filter-tag", Select).value = "gang"
        await pilot.pause()
        assert [r.village for r in log.shown] == ["V002"]
        assert "涉黑恶" in table.get_row_at(0)[4]
        log.query_one("#filter-tag", Select).clear()
        log.query_one("#filter-village", Select).value = "V003"
        await pilot.pause()
        assert [r.village for r in log.shown] == ["V003"]
        assert table.row_count == 1


@pytest.mark.parametrize("unit", ["judicial", "emergency", "civil"])
async def test_each_built_in_unit_has_a_records_view(
    store: Store, host: PluginHost, unit: str
) -> None:
    build_town(store, host)
    [spec] = [v for v in host.registry.views if v.unit == unit]
    app = make_app(store, host, lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(UnitsScreen(view=(unit, spec.key)))
        await settle(pilot)
        screen = units_of(app)
        view = screen.query_one(RecordsView)
        assert screen.failure is None
        assert view.context.quarter == QUARTER
        assert set(view.RECORD_TYPES) == {
            t.name for t in host.registry.record_types.values() if t.unit == unit
        }
        assert view.shown == [r for t in view.RECORD_TYPES for r in store.records(QUARTER, t)]


async def test_an_outside_plugins_view_appears_with_no_change_to_the_tui(
    store: Store, outside_host: PluginHost
) -> None:
    build_town(store, outside_host)
    app = make_app(store, outside_host, lang="en")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("u")
        await settle(pilot)
        screen = units_of(app)
        menu = screen.query_one("#units-menu", OptionList)
        menu.highlighted = menu.get_option_index("testunit/hello")
        await pilot.press("enter")
        await settle(pilot)

        hello = screen.query_one("#hello", Static)
        assert str(hello.render()) == f"hello {QUARTER} en"
        assert screen.failure is None
        assert "testunit" in str(screen.query_one("#view-title").render())

        await pilot.press("l")
        await settle(pilot)
        assert str(screen.query_one("#hello", Static).render()) == f"hello {QUARTER} zh"


@pytest.mark.parametrize(
    ("key", "error"),
    [
        ("import", "ImportError: No module named 'testviews_missing'"),
        ("compose", "RuntimeError: compose went wrong"),
        ("mount", "ValueError: mount went wrong"),
        ("notwidget", "TypeError"),
        ("badname", "AttributeError"),
    ],
)
async def test_a_failing_view_shows_an_error_panel_and_the_app_stays_up(
    store: Store, outside_host: PluginHost, key: str, error: str
) -> None:
    build_town(store, outside_host)
    app = make_app(store, outside_host, lang="en")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.push_screen(UnitsScreen(view=("brokenunit", key)))
        await settle(pilot)

        screen = units_of(app)
        assert app.is_running
        assert screen.failure is not None and screen.failure.startswith(error)
        panel = str(screen.query_one("#view-error", Static).render())
        assert "plugin brokenviews" in panel
        assert f"brokenunit/{key}" in panel
        assert error in panel
        assert not screen.query("#view-host > .unit-view")

        menu = screen.query_one("#units-menu", OptionList)
        menu.focus()
        menu.highlighted = menu.get_option_index("testunit/hello")
        await pilot.press("enter")
        await settle(pilot)
        assert screen.failure is None
        assert screen.query_one("#hello", Static)

        await pilot.press("escape")
        await settle(pilot)
        assert app.is_running
        assert app.screen.query_one(ComplianceGrid)
        assert app.grid is not None and app.grid.quarter == QUARTER
