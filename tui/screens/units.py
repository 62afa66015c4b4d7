"""The Units menu: every unit with the data views its plugin registered, opened on demand.

A view is plugin code, so it is fenced (tui.view_fence): whatever it raises while being
imported, built, mounted or running becomes an error panel naming the plugin; the app
stays up.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.markup import escape
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer, Label, OptionList, Static
from textual.widgets.option_list import Option

from plugins.api import ViewSpec
from plugins.i18n import Text
from plugins.manager import describe
from plugins.views import resolve_view
from tui import keys
from tui.app_access import PinganAccess
from tui.messages import DataChanged
from tui.text import tr
from tui.view_fence import ViewCrashed, fence

TITLE = Text("单位与数据视图", "Units and their data views")
NO_VIEWS = Text("（无数据视图）", "(no data views)")
CHOOSE = Text("在左侧选择一个视图，按回车打开", "Choose a view on the left and press Enter")
VIEW_FAILED = Text(
    "视图出错：插件 {plugin} 的 {unit}/{key}\n{error}\n\n其余功能照常可用。",
    "The view failed: {unit}/{key} of plugin {plugin}\n{error}\n\nEverything else still works.",
)
NOT_A_WIDGET = "{factory!r} gave {value!r}, not a Textual widget class"


class UnitsScreen(PinganAccess, Screen[None]):
    """A menu of units and views on the left, the open view (or its error) on the right."""

    CSS_PATH = "units.tcss"

    BINDINGS = keys.owned("units")

    def __init__(self, *, view: tuple[str, str] | None = None) -> None:
        super().__init__()
        self._first_view = view
        self.current: tuple[str, str] | None = None
        self.shown_view: Widget | None = None
        """The view widget on show; None while none is (or its error panel is)."""
        self.failure: str | None = None

    def compose(self) -> ComposeResult:
        yield Label("", id="units-title")
        with Horizontal(id="units-body"):
            yield OptionList(id="units-menu")
            with Vertical(id="view-area"):
                yield Label("", id="view-title")
                yield Vertical(id="view-host")
        yield Footer()

    async def on_mount(self) -> None:
        keys.follow_language(self)
        self.watch(self.app, "lang", self._relabel, init=False)
        self.watch(self.app, "quarter", self._reopen, init=False)
        self._build_menu()
        menu = self.query_one("#units-menu", OptionList)
        self.set_focus(menu)
        if self._first_view is not None:
            await self.open_view(*self._first_view)
        else:
            self.query_one("#view-title", Label).update(tr(CHOOSE, self.pingan.lang))

    def spec(self, unit: str, key: str) -> ViewSpec | None:
        """The registered view of a unit by key."""
        views = self.pingan.host.registry.views
        return next((v for v in views if v.unit == unit and v.key == key), None)

    def _build_menu(self) -> None:
        lang = self.pingan.lang
        registry = self.pingan.host.registry
        self.query_one("#units-title", Label).update(tr(TITLE, lang))
        options: list[Option] = []
        for code, unit in registry.units.items():
            options.append(Option(escape(tr(unit.name, lang)), disabled=True))
            views = [v for v in registry.views if v.unit == code]
            options.extend(
                Option(escape(f"  {tr(v.title, lang)}"), id=f"{v.unit}/{v.key}") for v in views
            )
            if not views:
                options.append(Option(f"  {tr(NO_VIEWS, lang)}", disabled=True))
        menu = self.query_one("#units-menu", OptionList)
        highlighted = menu.highlighted
        menu.clear_options()
        menu.add_options(options)
        if highlighted is not None and highlighted < menu.option_count:
            menu.highlighted = highlighted
        else:
            menu.action_first()

    @on(OptionList.OptionSelected, "#units-menu")
    async def _chosen(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            unit, _, key = event.option.id.partition("/")
            await self.open_view(unit, key)

    async def open_view(self, unit: str, key: str) -> bool:
        """Show a unit's view; False (with an error panel naming the plugin) if it cannot be built.

        What the view raises once mounted arrives as `ViewCrashed` and replaces it the same way.
        """
        spec = self.spec(unit, key)
        if spec is None:
            return False
        self.current = (unit, key)
        self.shown_view = None
        self.failure = None
        host = self.query_one("#view-host", Vertical)
        await host.remove_children()
        plugin = self.pingan.host.registry.plugin_of_view.get((unit, key), unit)
        self.query_one("#view-title", Label).update(
            f"{escape(tr(spec.title, self.pingan.lang))}  [dim]({escape(plugin)})[/]"
        )
        try:
            cls = resolve_view(spec)
            if not (isinstance(cls, type) and issubclass(cls, Widget)):
                raise TypeError(NOT_A_WIDGET.format(factory=spec.factory, value=cls))
            view = fence(cls)(self.pingan.view_context())
            view.add_class("unit-view")
            self.shown_view = view
            await host.mount(view)
        except Exception as exc:  # noqa: BLE001 - plugin code may raise anything
            await self._show_failure(exc)
            return False
        return self.failure is None

    @on(ViewCrashed)
    async def _crashed(self, message: ViewCrashed) -> None:
        message.stop()
        if message.view is self.shown_view:
            await self._show_failure(message.error)

    async def _show_failure(self, error: BaseException) -> None:
        if self.current is None:
            return
        unit, key = self.current
        plugin = self.pingan.host.registry.plugin_of_view.get((unit, key), unit)
        self.shown_view = None
        self.failure = describe(error)
        self.log.error(f"view {unit}/{key} of plugin {plugin} failed", error)
        host = self.query_one("#view-host", Vertical)
        await host.remove_children()
        text = tr(
            VIEW_FAILED, self.pingan.lang, plugin=plugin, unit=unit, key=key, error=self.failure
        )
        await host.mount(Static(escape(text), id="view-error", classes="view-error"))
        self.notify(text.splitlines()[0], severity="error")

    async def _reopen(self) -> None:
        if self.current is not None:
            await self.open_view(*self.current)

    async def _relabel(self) -> None:
        self._build_menu()
        await self._reopen()

    async def on_data_changed(self, message: DataChanged) -> None:
        await self._reopen()

    async def action_reload_view(self) -> None:
        await self._reopen()

    def action_previous_quarter(self) -> None:
        """Step the whole app, and so the open view, back one quarter."""
        self.pingan.quarter = self.pingan.quarter.previous()

    def action_next_quarter(self) -> None:
        """Step the whole app, and so the open view, on one quarter."""
        self.pingan.quarter = self.pingan.quarter.next()

    def action_focus_menu(self) -> None:
        self.query_one("#units-menu", OptionList).focus()

    def action_back(self) -> None:
        self.dismiss(None)
