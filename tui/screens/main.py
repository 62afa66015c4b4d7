"""The main screen: the town header, the dashboard and grid tabs, and the footer."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer, TabbedContent, TabPane

from tui import keys
from tui.app_access import PinganAccess
from tui.messages import DataChanged, QuarterChanged
from tui.screens.jump import JumpScreen
from tui.text import tr
from tui.widgets.grid import ComplianceGrid
from tui.widgets.header import TownHeader

TABS: tuple[str, ...] = ("dashboard", "grid")


class MainScreen(PinganAccess, Screen[None]):
    """Where office staff work: which villages fail this quarter, and why."""

    CSS_PATH = ["main.tcss", "../widgets/grid.tcss", "../widgets/dashboard.tcss"]
    BINDINGS = keys.owned("main")

    @property
    def grid(self) -> ComplianceGrid:
        return self.query_one(ComplianceGrid)

    @property
    def tabs(self) -> TabbedContent:
        return self.query_one("#tabs", TabbedContent)

    def compose(self) -> ComposeResult:
        from tui.widgets.dashboard import Dashboard

        lang = self.pingan.lang
        yield TownHeader(id="header")
        with TabbedContent(initial="grid", id="tabs"):
            with TabPane(tr("tab.dashboard", lang), id="dashboard"):
                yield Dashboard(id="dashboard-view")
            with TabPane(tr("tab.grid", lang), id="grid"):
                yield ComplianceGrid(id="compliance-grid")
        yield Footer()

    def on_mount(self) -> None:
        keys.follow_language(self)
        self.watch(self.app, "lang", self._relabel, init=False)
        self.grid.table.focus()

    def _relabel(self, lang: str) -> None:
        for tab in TABS:
            self.tabs.get_tab(tab).label = tr(f"tab.{tab}", lang)

    @on(QuarterChanged)
    def _quarter_changed(self, message: QuarterChanged) -> None:
        from tui.widgets.dashboard import Dashboard

        if self.pingan.grid is not None:
            self.grid.show(self.pingan.grid)
        self.query_one(Dashboard).refresh_data()

    @on(DataChanged)
    def _data_changed(self, message: DataChanged) -> None:
        from tui.widgets.dashboard import Dashboard

        if self.pingan.grid is not None:
            self.grid.show(self.pingan.grid)
        self.query_one(Dashboard).data_changed(message.quarter)

    @on(TabbedContent.TabActivated)
    def _tab_activated(self, event: TabbedContent.TabActivated) -> None:
        if event.pane.id == "grid":
            self.grid.table.focus()

    # actions

    def action_previous_quarter(self) -> None:
        self.pingan.quarter = self.pingan.quarter.previous()

    def action_next_quarter(self) -> None:
        self.pingan.quarter = self.pingan.quarter.next()

    def action_show_tab(self, tab: str) -> None:
        self.tabs.active = tab
        if tab == "grid":
            self.grid.table.focus()

    def action_jump(self) -> None:
        """Show the grid and ask which village to jump to."""
        self.action_show_tab("grid")
        grid = self.pingan.grid
        villages = list(grid.villages) if grid is not None else []
        self.app.push_screen(JumpScreen(villages), callback=self._jumped)

    def _jumped(self, code: str | None) -> None:
        if code is not None:
            self.grid.select_village(code)

    async def action_new_record(self) -> None:
        """Pick a record type, then fill its form, for the village under the grid's cursor."""
        from tui.screens.record_actions import choose_and_create

        village = self.grid.cursor_village() if self.tabs.active == "grid" else None
        await choose_and_create(self.pingan, village, self.pingan.quarter)

    def action_import_file(self) -> None:
        """Open the import screen: a file previewed, then imported on confirm."""
        from tui.screens.import_file import ImportScreen

        self.app.push_screen(ImportScreen())

    def action_records(self) -> None:
        from tui.screens.records import RecordsScreen

        self.app.push_screen(RecordsScreen())

    def action_units(self) -> None:
        from tui.screens.units import UnitsScreen

        self.app.push_screen(UnitsScreen())

    def action_open_units_view(self, unit: str, key: str) -> None:
        """Open the units menu on one unit's data view (from the command palette)."""
        from tui.screens.units import UnitsScreen

        self.app.push_screen(UnitsScreen(view=(unit, key)))
