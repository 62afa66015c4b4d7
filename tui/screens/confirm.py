"""A yes/no question in a modal dialog; dismisses with True only on an explicit yes."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.markup import escape
from textual.screen import ModalScreen
from textual.widgets import Button, Label

from plugins.i18n import Text
from tui import keys
from tui.app_access import pingan_app
from tui.text import tr

YES = Text("是 (y)", "Yes (y)")
NO = Text("否 (n)", "No (n)")


class ConfirmScreen(ModalScreen[bool]):
    """Ask before something that cannot be undone from the screen, such as deleting a record."""

    CSS_PATH = "confirm.tcss"

    BINDINGS = keys.owned("confirm")

    def __init__(self, question: Text, *, yes: Text = YES, no: Text = NO) -> None:
        """Ask question (in both languages, so a language switch relabels it)."""
        super().__init__()
        self.question = question
        self._yes = yes
        self._no = no

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(id="confirm-question")
            with Horizontal(id="confirm-buttons"):
                yield Button("", id="confirm-yes", variant="error")
                yield Button("", id="confirm-no", variant="primary")

    def on_mount(self) -> None:
        keys.follow_language(self)
        self.watch(self.app, "lang", self._relabel, init=False)
        self._relabel(pingan_app(self).lang)
        self.set_focus(self.query_one("#confirm-no", Button))

    def _relabel(self, lang: str) -> None:
        self.query_one("#confirm-question", Label).update(escape(tr(self.question, lang)))
        self.query_one("#confirm-yes", Button).label = tr(self._yes, lang)
        self.query_one("#confirm-no", Button).label = tr(self._no, lang)

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)

    @on(Button.Pressed, "#confirm-yes")
    def _yes_pressed(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#confirm-no")
    def _no_pressed(self) -> None:
        self.dismiss(False)
