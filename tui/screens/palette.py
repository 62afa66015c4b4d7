"""The command palette in the interface language: its placeholder and its "no matches" line."""

from __future__ import annotations

from rich.align import Align
from rich.text import Text as RichText
from textual.command import CommandList, CommandPalette
from textual.widgets.option_list import Option

from tui.app_access import pingan_app
from tui.text import tr


class PinganPalette(CommandPalette):
    """Textual's command palette with its own two sentences in the app's language.

    Textual 8.2.8 writes "No matches found" inside the countdown that shows it, with no
    setting to change it, so the countdown is redone here with the translated line.
    """

    def _start_no_matches_countdown(self, search_value: str) -> None:
        self._stop_no_matches_countdown()

        def show_no_matches() -> None:
            if search_value:
                line = tr("palette.no_matches", pingan_app(self).lang)
                self.query_one(CommandList).add_option(
                    Option(
                        Align.center(RichText(line, style="not bold")),
                        disabled=True,
                        id=self._NO_MATCHES,
                    )
                )
                self._list_visible = True
            else:
                self._list_visible = False

        self._no_matches_timer = self.set_timer(self._NO_MATCHES_COUNTDOWN, show_no_matches)
