"""A one-line question (a decision's reason, a note, a date), answered with Enter."""

from __future__ import annotations

from collections.abc import Callable

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.markup import escape
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from plugins.i18n import Text
from plugins.refusal import Refusal
from tui import keys
from tui.app_access import pingan_app
from tui.text import tr

PLACEHOLDER = Text("理由，回车确认；Esc 取消", "the reason; Enter to confirm, Esc to cancel")


class ReasonScreen(ModalScreen[str | None]):
    """Ask why; dismisses with the text typed (maybe empty) or None when cancelled.

    With attempt, Enter first hands the text to it: a Refusal it raises is shown in the
    dialog, which stays open with the text, so the answer can be put right.
    """

    CSS_PATH = "reason.tcss"
    BINDINGS = keys.owned("reason")

    def __init__(
        self,
        question: Text,
        *,
        placeholder: Text = PLACEHOLDER,
        value: str = "",
        attempt: Callable[[str], object] | None = None,
    ) -> None:
        """Ask question; placeholder and value fill the input (for a note or a date, say)."""
        super().__init__()
        self.question = question
        self.placeholder = placeholder
        self.value = value
        self.attempt = attempt

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(id="reason-question")
            yield Input(id="reason-input")
            yield Label(id="reason-refusal")

    def on_mount(self) -> None:
        keys.follow_language(self)
        self.watch(self.app, "lang", self._relabel, init=False)
        self._relabel(pingan_app(self).lang)
        field = self.query_one("#reason-input", Input)
        field.value = self.value
        self.set_focus(field)

    def _relabel(self, lang: str) -> None:
        """The question and the placeholder in lang; what is typed stays."""
        self.query_one("#reason-question", Label).update(escape(tr(self.question, lang)))
        self.query_one("#reason-input", Input).placeholder = tr(self.placeholder, lang)

    @on(Input.Submitted, "#reason-input")
    def _submitted(self, event: Input.Submitted) -> None:
        answer = event.value.strip()
        if self.attempt is not None:
            try:
                self.attempt(answer)
            except Refusal as exc:
                lines = exc.render(pingan_app(self).lang)
                shown = self.query_one("#reason-refusal", Label)
                shown.update(escape("✗ " + " ".join(lines)))
                shown.display = True
                return
        self.dismiss(answer)

    def action_cancel(self) -> None:
        self.dismiss(None)
