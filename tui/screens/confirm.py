"""A yes/no question in a modal dialog; dismisses with True only on an explicit yes."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.markup import escape
from textual.screen import ModalScreen
from textual.widgets import Button, Label


class ConfirmScreen(ModalScreen[bool]):
    """Ask before something that cannot be undone from the screen, such as deleting a record."""

    DEFAULT_CSS = """
    ConfirmScreen {
        align: center middle;
    }
    ConfirmScreen > Vertical {
        width: 64;
        max-width: 100%;
        height: auto;
        border: thick $error;
        background: $surface;
        padding: 1 2;
    }
    ConfirmScreen #confirm-buttons {
        height: auto;
        margin-top: 1;
        align-horizontal: right;
    }
    ConfirmScreen Button {
        margin-left: 1;
    }
    """

    BINDINGS = [
        Binding("y", "answer(True)", "是 Yes", id="confirm.yes", tooltip="确认 Confirm"),
        Binding(
            "n,escape", "answer(False)", "否 No", id="confirm.no", tooltip="取消，不做改动 Cancel"
        ),
    ]

    def __init__(self, question: str, *, yes: str = "是 Yes (y)", no: str = "否 No (n)") -> None:
        super().__init__()
        self.question = question
        self._yes = yes
        self._no = no

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(escape(self.question), id="confirm-question")
            with Horizontal(id="confirm-buttons"):
                yield Button(self._yes, id="confirm-yes", variant="error")
                yield Button(self._no, id="confirm-no", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#confirm-no", Button).focus()

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)

    @on(Button.Pressed, "#confirm-yes")
    def _yes_pressed(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#confirm-no")
    def _no_pressed(self) -> None:
        self.dismiss(False)
