"""The jump dialog: find a village by name, code or pinyin initials while typing."""

from __future__ import annotations

from rich.text import Text as RichText
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from store import Village
from tui import keys
from tui.app_access import PinganAccess
from tui.pinyin import match_villages, readings
from tui.text import tr


class JumpScreen(PinganAccess, ModalScreen[str | None]):
    """Dismisses with the chosen village's code, or None on Escape."""

    CSS_PATH = "jump.tcss"
    BINDINGS = keys.owned("jump")

    def __init__(self, villages: list[Village]) -> None:
        super().__init__()
        self.villages = villages
        self.matches: list[Village] = list(villages)
        """The villages matching the query, best first."""

    def compose(self) -> ComposeResult:
        with Vertical(id="jump"):
            yield Static(id="jump-title")
            yield Input(id="jump-input")
            yield OptionList(id="jump-matches")

    def on_mount(self) -> None:
        keys.follow_language(self)
        self.watch(self.app, "lang", self._relabel, init=False)
        self._relabel(self.pingan.lang)
        self._show_matches("")
        self.set_focus(self.query_one("#jump-input", Input))

    def _relabel(self, lang: str) -> None:
        query = self.query_one("#jump-input", Input)
        self.query_one("#jump-title", Static).update(RichText(tr("jump.title", lang), "bold"))
        query.placeholder = tr("jump.placeholder", lang)
        if not self.matches:
            self._show_matches(query.value)

    @on(Input.Changed, "#jump-input")
    def _query_changed(self, event: Input.Changed) -> None:
        self._show_matches(event.value)

    def _show_matches(self, query: str) -> None:
        self.matches = match_villages(self.villages, query)
        options = self.query_one("#jump-matches", OptionList)
        options.clear_options()
        if not self.matches:
            options.add_option(Option(tr("jump.none", self.pingan.lang), disabled=True))
            return
        options.add_options(
            Option(self._label(village), id=village.code) for village in self.matches
        )
        options.highlighted = 0

    def _label(self, village: Village) -> RichText:
        initials = readings(village.name)[0][0] if readings(village.name) else ""
        text = RichText(village.name, style="bold")
        text.append(f"  {village.code}  {village.office}  ")
        text.append(initials, style="dim")
        return text

    def action_move(self, step: int) -> None:
        options = self.query_one("#jump-matches", OptionList)
        if options.option_count and self.matches:
            current = options.highlighted or 0
            options.highlighted = max(0, min(len(self.matches) - 1, current + step))

    @on(Input.Submitted, "#jump-input")
    def _submitted(self, event: Input.Submitted) -> None:
        self._choose(self.query_one("#jump-matches", OptionList).highlighted)

    @on(OptionList.OptionSelected, "#jump-matches")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self._choose(event.option_index)

    def _choose(self, index: int | None) -> None:
        if self.matches and index is not None and 0 <= index < len(self.matches):
            self.dismiss(self.matches[index].code)
