"""The main screen: the town header, the dashboard and grid tabs, and the footer."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer, TabbedContent, TabPane

from plugins import actions
from plugins.actions import Refusal
from plugins.i18n import Text
from plugins.quarters import FinalizePreview
from store import Quarter
from tui import keys
from tui.app_access import PinganAccess
from tui.messages import DataChanged, GridsSettled, QuarterChanged
from tui.screens.confirm import ConfirmScreen
from tui.screens.jump import JumpScreen
from tui.screens.reason import ReasonScreen
from tui.text import tr
from tui.widgets.grid import ComplianceGrid
from tui.widgets.header import TownHeader

TABS: tuple[str, ...] = ("dashboard", "grid")


class MainScreen(PinganAccess, Screen[None]):
    """Where office staff work: which villages fail this quarter, and why.

    Actions that open a screen await its mount, so keys typed meanwhile wait in the queue
    and go to the new screen, never to this one or to one opened after them.
    """

    CSS_PATH = [
        "main.tcss",
        "../widgets/grid.tcss",
        "../widgets/grid_table.tcss",
        "../widgets/dashboard.tcss",
    ]
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
        yield Footer(compact=True)

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

    @on(GridsSettled)
    def _grids_settled(self, message: GridsSettled) -> None:
        from tui.widgets.dashboard import Dashboard

        self.query_one(Dashboard).warm()

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

    async def action_jump(self) -> None:
        """Show the grid and ask which village to jump to."""
        self.action_show_tab("grid")
        grid = self.pingan.grid
        villages = list(grid.villages) if grid is not None else []
        await self.app.push_screen(JumpScreen(villages), callback=self._jumped)

    def _jumped(self, code: str | None) -> None:
        if code is not None:
            self.grid.select_village(code)

    async def action_new_record(self) -> None:
        """Pick a record type, then fill its form, for the village under the grid's cursor."""
        from tui.screens.record_actions import choose_and_create

        village = self.grid.cursor_village() if self.tabs.active == "grid" else None
        await choose_and_create(self.pingan, village, self.pingan.quarter)

    async def action_import_file(self) -> None:
        """Open the import screen: a file previewed, then imported on confirm."""
        from tui.screens.import_file import ImportScreen

        await self.app.push_screen(ImportScreen())

    async def action_records(self) -> None:
        """The quarter's records of the village under the grid's cursor (c shows them all)."""
        from tui.screens.records import RecordsScreen

        village = self.grid.cursor_village() if self.tabs.active == "grid" else None
        await self.app.push_screen(RecordsScreen(village=village))

    async def action_units(self) -> None:
        from tui.screens.units import UnitsScreen

        await self.app.push_screen(UnitsScreen())

    async def action_open_units_view(self, unit: str, key: str) -> None:
        """Open the units menu on one unit's data view (from the command palette)."""
        from tui.screens.units import UnitsScreen

        await self.app.push_screen(UnitsScreen(view=(unit, key)))

    async def action_plugin_failures(self) -> None:
        """List the plugins that failed to load, with their files and errors."""
        from tui.screens.plugin_failures import PluginFailuresScreen

        await self.app.push_screen(PluginFailuresScreen())

    async def action_lists(self) -> None:
        from tui.screens.lists import ListsScreen

        await self.app.push_screen(ListsScreen())

    async def action_rectification(self) -> None:
        from tui.screens.rectification import RectificationScreen

        await self.app.push_screen(RectificationScreen())

    async def action_reports(self) -> None:
        from tui.screens.reports import ReportsScreen

        await self.app.push_screen(ReportsScreen())

    async def action_meeting(self) -> None:
        """Hold the meeting of the quarter in view, unless it is finalized."""
        from tui.screens.meeting import MeetingScreen

        app = self.pingan
        if self._refused_as_finalized(app.quarter):
            return
        await self.app.push_screen(MeetingScreen(app.quarter))

    def _refused_as_finalized(self, quarter: Quarter) -> bool:
        """Whether quarter is finalized, which the actions refuse, saying how to reopen it."""
        try:
            actions.ensure_open(self.pingan.store, quarter)
        except Refusal as exc:
            self.pingan.notify(" ".join(exc.render(self.pingan.lang)), severity="warning")
            return True
        return False

    async def action_finalize(self) -> None:
        """Show the preview of finalizing the quarter in view and finalize it on a yes."""
        from plugins.quarters import preview

        app = self.pingan
        quarter = app.quarter
        if self._refused_as_finalized(quarter):
            return
        pv = preview(app.store, app.host, quarter)
        question = finalize_question(pv)

        def confirmed(yes: bool | None) -> None:
            if not yes:
                return
            if not pv.pending:
                self._finalize()
                return
            ask = PENDING_REASON.format(count=len(pv.pending))
            self.app.push_screen(ReasonScreen(ask, attempt=self._finalize_pending))

        await self.app.push_screen(ConfirmScreen(question, yes=FINALIZE_YES), callback=confirmed)

    def _finalize_pending(self, reason: str) -> None:
        """Finalize with PENDING cells left (those villages fail); the action's refusal, of a
        blank reason say, stays in the reason dialog."""
        app = self.pingan
        done = actions.finalize(
            app.action_context(), app.quarter, allow_pending=True, reason=reason
        )
        self._finalized(done)

    def _finalize(self) -> None:
        app = self.pingan
        try:
            done = actions.finalize(app.action_context(), app.quarter)
        except Refusal as exc:
            app.notify(" ".join(exc.render(app.lang)), severity="error", timeout=10)
            return
        self._finalized(done)

    def _finalized(self, done: actions.Finalized) -> None:
        """Show the quarter finalized: the header's state, the grid and a notice."""
        app = self.pingan
        self.query_one(TownHeader).refresh_status()
        app.notify_data_changed(app.quarter)
        app.notify(
            tr(FINALIZED, app.lang, quarter=app.quarter, opened=len(done.opened)),
            severity="information",
        )


PENDING_REASON = Text(
    "还有 {count} 个村有待定格。仍要定稿请写明理由（这些村按不达标计）；Esc 取消",
    "{count} villages still have PENDING cells. To finalize anyway give a reason (those "
    "villages do not comply); Esc cancels",
)
FINALIZE_YES = Text("定稿 (y)", "Finalize (y)")
FINALIZED = Text(
    "{quarter} 已定稿，开出整改事项 {opened} 项", "{quarter} finalized; {opened} items opened"
)


def finalize_question(pv: FinalizePreview) -> Text:
    """The preview as the confirm dialog asks it: the result, what changed, what still waits."""
    now, before = pv.grid.compliant, pv.previous.compliant
    total, earlier = len(pv.grid.villages), len(pv.previous.rows)
    up = ", ".join(pv.newly_compliant) or "-"
    down = ", ".join(pv.newly_failing) or "-"
    cells = sum(len(c) for c in pv.pending.values())
    waiting = ", ".join(pv.waiting_units)
    pending_zh = (
        f"\n待定 {cells} 格，未报送或未决定：{waiting}；仍要定稿须写理由（这些村按不达标计）。"
        if cells
        else ""
    )
    pending_en = (
        f"\n{cells} cells PENDING, not filed or decided: {waiting};\n"
        "finalizing anyway needs a reason (those villages do not comply)."
        if cells
        else ""
    )
    return Text(
        f"定稿 {pv.quarter}？达标 {now}/{total} 村（上季度 {before}/{earlier}）\n"
        f"新达标：{up}\n新不达标：{down}{pending_zh}\n定稿后本季度数据锁定。",
        f"Finalize {pv.quarter}? {now}/{total} villages comply (previous {before}/{earlier})\n"
        f"newly compliant: {up}\nnewly failing: {down}{pending_en}\n"
        "Its data will be locked.",
    )
