"""The header of the main screen: town, quarter and its state, who works, the report deadline."""

from __future__ import annotations

from datetime import date

from rich.text import Text as RichText
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static

from plugins.quarters import STATE_WORDS, QuarterState, quarter_status
from tui.app_access import PinganAccess
from tui.text import tr


class TownHeader(PinganAccess, Horizontal):
    """One line: 桑村镇  2022Q3 已定稿  操作员 tester  上报截止 2022-10-06，还有 12 天.

    The deadline turns red once overdue and not reported; a reported quarter names the day.
    Plugins that failed to load add "! 2 个插件未加载（按 !）", so the failure stays findable.
    """

    DEFAULT_CSS = """
    TownHeader { height: 1; }
    TownHeader > Static { width: auto; }
    """

    def compose(self) -> ComposeResult:
        yield Static(id="header-town")
        yield Static(id="header-quarter")
        yield Static(id="header-state")
        yield Static(id="header-actor")
        yield Static(id="header-deadline")
        yield Static(id="header-plugins")

    def on_mount(self) -> None:
        self.watch(self.app, "quarter", self._refresh_text, init=False)
        self.watch(self.app, "lang", self._refresh_text, init=False)
        self._refresh_text()

    def refresh_status(self) -> None:
        """Read the quarter's state again, after a finalize, reopen or report."""
        self._refresh_text()

    def _refresh_text(self, _changed: object = None) -> None:
        app = self.pingan
        lang = app.lang
        today = date.today()
        status = quarter_status(app.store, app.quarter)
        self.query_one("#header-town", Static).update(RichText(app.town))
        self.query_one("#header-quarter", Static).update(RichText(str(app.quarter)))
        state = self.query_one("#header-state", Static)
        state.update(RichText(STATE_WORDS[status.state].get(lang)))
        state.set_class(status.state is not QuarterState.OPEN, "finalized")
        actor = tr("header.actor", lang, actor=app.actor)
        self.query_one("#header-actor", Static).update(RichText(actor))
        deadline = self.query_one("#header-deadline", Static)
        deadline.update(RichText(status.deadline_text(today).get(lang)))
        overdue = status.reported_on is None and (status.deadline - today).days < 0
        deadline.set_class(overdue, "overdue")
        failed = len(app.host.failed())
        plugins = self.query_one("#header-plugins", Static)
        plugins.display = failed > 0
        plugins.update(RichText(tr("header.plugins_failed", lang, count=failed)))
