"""The help screen: every key of the screen it was opened from, with its id and tooltip."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from rich.text import Text as RichText
from textual.app import ComposeResult
from textual.binding import ActiveBinding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from plugins.i18n import Text
from tui import keys
from tui.text import tr

if TYPE_CHECKING:
    from tui.app import PinganApp


SCREEN_NAMES: dict[str, Text] = {
    "MainScreen": Text("主屏幕", "main screen"),
    "EvidenceScreen": Text("依据", "evidence"),
    "JumpScreen": Text("跳转到村", "jump to village"),
    "RecordsScreen": Text("记录", "records"),
    "UnitsScreen": Text("单位", "units"),
    "RecordFormScreen": Text("记录表单", "record form"),
}


def screen_name(screen_class: str, lang: str) -> str:
    """What the help title calls a screen; a screen it does not know by its class name."""
    known = SCREEN_NAMES.get(screen_class)
    return known.get(lang) if known is not None else screen_class


class HelpScreen(ModalScreen[None]):
    """Lists the active bindings of a screen (its own, its focused widgets' and the app's)."""

    CSS_PATH = "help.tcss"
    BINDINGS = keys.bindings("help.close")

    def __init__(self, screen_class: str, active: dict[str, ActiveBinding]) -> None:
        super().__init__()
        self.screen_class = screen_class
        self.active = active
        """The bindings by key, as `Screen.active_bindings` gave them when help was asked for."""

    @property
    def pingan(self) -> PinganApp:
        return cast("PinganApp", self.app)

    def compose(self) -> ComposeResult:
        with Vertical(id="help"):
            yield Static(id="help-title")
            yield DataTable[RichText](id="help-table", cursor_type="row", zebra_stripes=True)
            yield Static(id="help-hint")

    def on_mount(self) -> None:
        lang = self.pingan.lang
        keys.relabel(self, lang)
        self.refresh_bindings()
        self.query_one("#help-title", Static).update(
            RichText(
                tr("help.title", lang, screen=screen_name(self.screen_class, lang)), style="bold"
            )
        )
        self.query_one("#help-hint", Static).update(RichText(tr("help.close", lang)))
        table: DataTable[RichText] = self.query_one("#help-table", DataTable)
        for column in ("key", "id", "description", "tooltip"):
            table.add_column(tr(f"help.{column}", lang), key=column)
        for key, (_node, binding, enabled, tooltip) in self.rows():
            style = "" if enabled else "dim"
            table.add_row(
                RichText(self.app.get_key_display(binding), style=f"bold {style}".strip()),
                RichText(binding.id or "", style="dim"),
                RichText(binding.description or binding.action, style=style),
                RichText(tooltip or binding.tooltip, style=style),
                key=key,
            )
        table.focus()

    def rows(self) -> list[tuple[str, ActiveBinding]]:
        """The bindings to list: ours (with ids) first, in id order, then the widgets' own."""
        return sorted(
            self.active.items(),
            key=lambda item: (item[1].binding.id is None, item[1].binding.id or "", item[0]),
        )
