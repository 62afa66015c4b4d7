"""The header of the main screen: town, quarter, who is working and the report deadline."""

from __future__ import annotations

from datetime import date

from rich.text import Text as RichText
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static

from store import Quarter
from tui.app_access import PinganAccess
from tui.text import tr


def days_left(quarter: Quarter, today: date) -> int:
    """Days from today until the quarter's district report deadline; negative when overdue."""
    return (quarter.report_deadline - today).days


def deadline_text(days: int, lang: str) -> str:
    """The deadline in words: days left, due today, or overdue by how many days."""
    if days > 0:
        return tr("header.days_left", lang, days=days)
    if days == 0:
        return tr("header.due_today", lang)
    return tr("header.overdue", lang, days=-days)


class TownHeader(PinganAccess, Horizontal):
    """One line: 桑村镇  2022Q3  操作员 tester  距区报送截止还有 12 天 (red once overdue)."""

    DEFAULT_CSS = """
    TownHeader { height: 1; }
    TownHeader > Static { width: auto; }
    """

    def compose(self) -> ComposeResult:
        yield Static(id="header-town")
        yield Static(id="header-quarter")
        yield Static(id="header-actor")
        yield Static(id="header-deadline")

    def on_mount(self) -> None:
        self.watch(self.app, "quarter", self._refresh_text, init=False)
        self.watch(self.app, "lang", self._refresh_text, init=False)
        self._refresh_text()

    def days_left(self) -> int:
        return days_left(self.pingan.quarter, date.today())

    def _refresh_text(self, _changed: object = None) -> None:
        app = self.pingan
        lang = app.lang
        days = self.days_left()
        self.query_one("#header-town", Static).update(RichText(app.town))
        self.query_one("#header-quarter", Static).update(RichText(str(app.quarter)))
        actor = tr("header.actor", lang, actor=app.actor)
        self.query_one("#header-actor", Static).update(RichText(actor))
        deadline = self.query_one("#header-deadline", Static)
        deadline.update(RichText(deadline_text(days, lang)))
        deadline.set_class(days < 0, "overdue")
