"""Textual's own commands and sentences in the interface language: the palette, its system
commands, the theme picker, the screenshot notices and the Ctrl+C hint.

Textual writes these in English inside App; this mixin gives PinganApp the same behaviour
with the words of `tui.text`, so the Chinese interface shows no English of Textual's.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from textual import events, on
from textual.app import App, SystemCommand
from textual.command import CommandPalette
from textual.screen import Screen
from textual.theme import ThemeProvider

from tui.app_access import pingan_app
from tui.commands import system_commands
from tui.screens.palette import PinganPalette
from tui.text import tr


class TextualInLanguage(App[None]):
    """Overrides of App that say Textual's built-in texts in the app's language."""

    @property
    def _lang(self) -> str:
        return pingan_app(self).lang

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        return system_commands(pingan_app(self), screen)

    def action_command_palette(self) -> None:
        if self.use_command_palette and not isinstance(self.screen, CommandPalette):
            self.push_screen(
                PinganPalette(
                    placeholder=tr("palette.placeholder", self._lang), id="--command-palette"
                )
            )

    def search_themes(self) -> None:
        self.push_screen(
            PinganPalette(providers=[ThemeProvider], placeholder=tr("palette.themes", self._lang))
        )

    def action_help_quit(self) -> None:
        for active in self.active_bindings.values():
            if active.binding.action in ("quit", "app.quit"):
                self.notify(
                    tr("sys.how_to_quit", self._lang, key=self.get_key_display(active.binding)),
                    title=tr("sys.how_to_quit.title", self._lang),
                    markup=False,
                )
                return

    @on(events.DeliveryComplete)
    def _screenshot_saved(self, event: events.DeliveryComplete) -> None:
        if event.name == "screenshot":
            event.prevent_default()
            self.notify(
                tr("sys.screenshot.saved", self._lang, path=event.path or ""),
                title=tr("sys.screenshot.title", self._lang),
                markup=False,
            )

    @on(events.DeliveryFailed)
    def _screenshot_failed(self, event: events.DeliveryFailed) -> None:
        if event.name == "screenshot":
            event.prevent_default()
            self.notify(
                tr("sys.screenshot.failed", self._lang),
                title=tr("sys.screenshot.title", self._lang),
                severity="error",
            )
