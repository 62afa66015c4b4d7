"""The Units menu: built-in views, a view from an outside plugin, and views that fail."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

import pytest
from textual import on
from textual.app import App, ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widget import Widget
from textual.widgets import DataTable, OptionList, Select, Static
from textual.worker import WorkerFailed

from plugins import Text, UnitSpec, ViewSpec, hookimpl
from plugins.builtin.views import RecordsView
from plugins.builtin.views.office import OfficeView
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


class BrokenRender(Static):
    def __init__(self, context: ViewContext) -> None:
        super().__init__("never shown")

    def render(self) -> str:
        raise ArithmeticError("render went wrong")


class Poke(Message):
    """Asks a view's child to run its (failing) handler."""


class FailingChild(Static):
    def on_poke(self, message: Poke) -> None:
        raise RuntimeError("child handler went wrong")


class ChildHandlerView(Vertical):
    """A view whose child widget raises in one of its own message handlers."""

    def __init__(self, context: ViewContext) -> None:
        super().__init__()

    def compose(self) -> ComposeResult:
        yield FailingChild("child")

    def on_mount(self) -> None:
        self.query_one(FailingChild).post_message(Poke())


class ChildMountView(Vertical):
    """A view whose child widget raises while it is mounted."""

    def __init__(self, context: ViewContext) -> None:
        super().__init__()
        self.context = context

    def compose(self) -> ComposeResult:
        yield BrokenMount(self.context)


class MessageHandlerView(Vertical):
    """A view whose handler of a child's message raises (a message, not an event)."""

    def __init__(self, context: ViewContext) -> None:
        super().__init__()

    def compose(self) -> ComposeResult:
        yield Select([("a", "a"), ("b", "b")])

    def on_mount(self) -> None:
        self.query_one(Select).value = "b"

    @on(Select.Changed)
    def _changed(self) -> None:
        raise LookupError("handler went wrong")


class FailingWorker(Static):
    """Starts a thread worker that raises, leaving exit_on_error at its default (exit)."""

    def on_mount(self) -> None:
        self.run_worker(self._fail, thread=True)

    def _fail(self) -> None:
        raise OSError("worker went wrong")


class WorkerView(FailingWorker):
    def __init__(self, context: ViewContext) -> None:
        super().__init__("working")


class ChildWorkerView(Vertical):
    def __init__(self, context: ViewContext) -> None:
        super().__init__()

    def compose(self) -> ComposeResult:
        yield FailingWorker("child working")


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
                        "render": lambda: BrokenRender,
                        "childhandler": lambda: ChildHandlerView,
                        "childmount": lambda: ChildMountView,
                        "message": lambda: MessageHandlerView,
                        "worker": lambda: WorkerView,
                        "childworker": lambda: ChildWorkerView,
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
        await settle(pilot)
        assert sorted(r.village for r in log.shown) == ["V002", "V003"]
        log.query_one("#filter-tag", Select).value = "gang"
        await settle(pilot)
        assert [r.village for r in log.shown] == ["V002"]
        assert "涉黑恶" in table.get_row_at(0)[4]
        log.query_one("#filter-tag", Select).clear()
        log.query_one("#filter-village", Select).value = "V003"
        await settle(pilot)
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
        ("render", "ArithmeticError: render went wrong"),
        ("childhandler", "RuntimeError: child handler went wrong"),
        ("childmount", "ValueError: mount went wrong"),
        ("message", "LookupError: handler went wrong"),
        ("worker", "OSError: worker went wrong"),
        ("childworker", "OSError: worker went wrong"),
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


def test_the_textual_internals_the_view_fence_relies_on_are_still_there() -> None:
    """tui.view_fence overrides App._handle_exception and reads the running message pump.

    Textual offers no public hook for an exception in a widget's handlers or workers; when
    this fails, Textual moved these internals and the fence must follow them.
    """
    from textual import _context
    from textual.message_pump import MessagePump

    handle = App._handle_exception
    assert list(inspect.signature(handle).parameters) == ["self", "error"]
    for caller in (MessagePump._pre_process, MessagePump._process_messages_loop):
        assert "self.app._handle_exception(error)" in inspect.getsource(caller)
    assert isinstance(_context.active_message_pump, ContextVar)
    assert "self._context()" in inspect.getsource(MessagePump._process_messages)
    assert WorkerFailed(ValueError("x")).error.args == ("x",)


async def test_unit_views_have_a_column_per_field_and_follow_the_quarter_keys(
    store: Store, host: PluginHost
) -> None:
    build_town(store, host)
    add(store, host, "judicial.lawsuit", "V003", case_no="M-7")
    app = make_app(store, host)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.push_screen(UnitsScreen(view=("judicial", "records")))
        await settle(pilot)
        screen = units_of(app)
        view = screen.query_one(RecordsView)
        table = view.query_one(DataTable)
        labels = [str(c.label) for c in table.columns.values()]
        assert labels[:3] == ["日期", "村", "类型"]
        assert "案号" in labels or "案件编号" in labels, labels
        assert "内容" not in labels
        row = table.get_row_at(0)
        assert "M-7" in row and "南湾" in row

        view.query_one("#filter-type", Select).value = "judicial.dispute"
        await settle(pilot)
        labels = [str(c.label) for c in table.columns.values()]
        assert "类型" not in labels and not any("案" in label for label in labels), labels

        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert app.quarter == QUARTER.previous()
        view = screen.query_one(RecordsView)
        assert view.context.quarter == QUARTER.previous()
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert screen.query_one(RecordsView).context.quarter == QUARTER


async def test_the_leadership_office_view_lists_decisions_and_returns(
    store: Store, host: PluginHost
) -> None:
    build_town(store, host, filed=("police",))
    app = make_app(store, host, lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(UnitsScreen(view=("office", "decisions")))
        await settle(pilot)
        screen = units_of(app)
        assert screen.failure is None
        view = screen.query_one(OfficeView)
        decisions = view.query_one("#office-decisions", DataTable)
        assert decisions.row_count == 6
        assert decisions.get_row_at(0)[:3] == ["东庄", "G1", "✔ pass"]
        title = str(view.query_one("#office-returns-title").render())
        assert title == f"Returns of {QUARTER}: 1 of 4 units filed"
        returns = view.query_one("#office-returns", DataTable)
        assert [returns.get_row_at(i)[1] for i in range(4)] == ["filed", *["missing"] * 3]
