"""The login screen: shown first when the store has accounts, it decides who the app acts as."""

from __future__ import annotations

from rich.text import Text as RichText
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Input, Static

from plugins.actions import Actor, Refusal, login
from tui.app_access import PinganAccess
from tui.text import tr


class LoginScreen(PinganAccess, Screen[Actor]):
    """Asks for a name and password; dismisses with the operator once the store accepts them.

    A refused login stays here with the store's one message for every kind of refusal.
    """

    CSS_PATH = "login.tcss"

    def __init__(self, name: str = "") -> None:
        super().__init__()
        self.suggested_name = name

    def compose(self) -> ComposeResult:
        with Vertical(id="login"):
            yield Static(id="login-title")
            yield Input(value=self.suggested_name, id="login-name")
            yield Input(password=True, id="login-password")
            yield Static(id="login-error")

    def on_mount(self) -> None:
        self.watch(self.app, "lang", self._relabel, init=False)
        self._relabel(self.pingan.lang)
        field = "#login-password" if self.suggested_name else "#login-name"
        self.query_one(field, Input).focus()

    def _relabel(self, lang: str) -> None:
        title = tr("login.title", lang, town=self.pingan.town)
        self.query_one("#login-title", Static).update(RichText(title, "bold"))
        self.query_one("#login-name", Input).placeholder = tr("login.name", lang)
        self.query_one("#login-password", Input).placeholder = tr("login.password", lang)

    @on(Input.Submitted, "#login-name")
    def _name_given(self, event: Input.Submitted) -> None:
        self.query_one("#login-password", Input).focus()

    @on(Input.Submitted, "#login-password")
    def _password_given(self, event: Input.Submitted) -> None:
        name = self.query_one("#login-name", Input).value.strip()
        password = event.value
        event.input.value = ""
        self.query_one("#login-error", Static).update(tr("login.checking", self.pingan.lang))
        self._check(name, password)

    @work(thread=True, group="login", exclusive=True, exit_on_error=False)
    def _check(self, name: str, password: str) -> None:
        try:
            actor = login(self.pingan.store, name, password)
        except Refusal as refusal:
            self.app.call_from_thread(self._refused, refusal)
            return
        self.app.call_from_thread(self.dismiss, actor)

    def _refused(self, refusal: Refusal) -> None:
        message = "\n".join(refusal.render(self.pingan.lang))
        self.query_one("#login-error", Static).update(RichText(message, "bold red"))
        self.query_one("#login-password", Input).focus()
