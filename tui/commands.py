"""The command palette's "area: Verb" commands, offered only on the screens where they apply."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from textual.app import SystemCommand
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.screen import Screen

from tui.app_access import pingan_app
from tui.text import tr

if TYPE_CHECKING:
    from tui.app import PinganApp


@dataclass(frozen=True, slots=True)
class PaletteCommand:
    """One palette entry: its title, a line of help and what it runs."""

    title: str
    help: str
    run: Callable[[], Any]


def palette_commands(
    app: PinganApp, screen: Screen[Any], lang: str | None = None
) -> list[PaletteCommand]:
    """The commands that apply on screen, titled in lang (default: the app's language)."""
    from tui.screens.main import MainScreen

    lang = lang or app.lang
    out: list[PaletteCommand] = []
    if isinstance(screen, MainScreen):
        main = screen

        def later(action: Callable[..., Any], *args: Any) -> Callable[[], Any]:
            """Run action on the app's next turn: a palette callback is not awaited, and the
            actions that open a screen await it."""
            return partial(app.call_later, action, *args)

        quarter_help = tr("cmd.quarter.help", lang, quarter=app.quarter)
        out += [
            PaletteCommand(
                tr("cmd.grid.jump", lang), tr("cmd.grid.jump.help", lang), later(main.action_jump)
            ),
            PaletteCommand(tr("cmd.grid.show", lang), "", later(main.action_show_tab, "grid")),
            PaletteCommand(
                tr("cmd.dashboard.show", lang), "", later(main.action_show_tab, "dashboard")
            ),
            PaletteCommand(tr("cmd.grid.office", lang), "", main.grid.action_cycle_office),
            PaletteCommand(tr("cmd.grid.sort", lang), "", main.grid.action_cycle_sort),
            PaletteCommand(
                tr("cmd.quarter.next", lang), quarter_help, later(main.action_next_quarter)
            ),
            PaletteCommand(
                tr("cmd.quarter.previous", lang), quarter_help, later(main.action_previous_quarter)
            ),
            PaletteCommand(tr("cmd.records.new", lang), "", later(main.action_new_record)),
            PaletteCommand(tr("cmd.records.list", lang), "", later(main.action_records)),
            PaletteCommand(
                tr("cmd.records.import", lang),
                tr("cmd.records.import.help", lang),
                later(main.action_import_file),
            ),
            PaletteCommand(tr("cmd.units.open", lang), "", later(main.action_units)),
            PaletteCommand(
                tr("cmd.quarter.meeting", lang), quarter_help, later(main.action_meeting)
            ),
            PaletteCommand(
                tr("cmd.quarter.finalize", lang), quarter_help, later(main.action_finalize)
            ),
            PaletteCommand(tr("cmd.quarter.lists", lang), quarter_help, later(main.action_lists)),
            PaletteCommand(tr("cmd.rectification", lang), "", later(main.action_rectification)),
            PaletteCommand(
                tr("cmd.quarter.report", lang), quarter_help, later(main.action_reports)
            ),
        ]
        failed = app.host.failed()
        if failed:
            out.append(
                PaletteCommand(
                    tr("cmd.plugins.failed", lang, count=len(failed)),
                    ", ".join(info.name for info in failed),
                    later(main.action_plugin_failures),
                )
            )
        if main.tabs.active == "grid" and main.grid.cursor_village() is not None:
            out.append(
                PaletteCommand(tr("cmd.grid.evidence", lang), "", later(main.grid.open_evidence))
            )
        registry = app.host.registry
        for view in registry.views:
            unit = registry.units.get(view.unit)
            unit_name = tr(unit.name, lang) if unit is not None else view.unit
            out.append(
                PaletteCommand(
                    tr("cmd.units.view", lang, unit=unit_name, view=tr(view.title, lang)),
                    registry.plugin_of_view.get((view.unit, view.key), ""),
                    later(main.action_open_units_view, view.unit, view.key),
                )
            )
    out.append(PaletteCommand(tr("cmd.language", lang), "", app.action_toggle_language))
    out.append(PaletteCommand(tr("cmd.help", lang), "", app.action_help))
    return out


def system_commands(app: PinganApp, screen: Screen[Any]) -> list[SystemCommand]:
    """Textual's own palette commands, titled in the app's language.

    "Keys" opens pingan's help, which lists the screen's keys in the interface language,
    where Textual's key panel would show its widgets' English descriptions.
    """
    lang = app.lang
    out = [
        SystemCommand(tr("sys.theme", lang), tr("sys.theme.help", lang), app.action_change_theme),
        SystemCommand(tr("sys.quit", lang), tr("sys.quit.help", lang), app.action_quit),
        SystemCommand(tr("sys.keys", lang), tr("sys.keys.help", lang), app.action_help),
    ]
    if screen.maximized is not None:
        out.append(
            SystemCommand(
                tr("sys.minimize", lang), tr("sys.minimize.help", lang), screen.action_minimize
            )
        )
    elif screen.focused is not None and screen.focused.allow_maximize:
        out.append(
            SystemCommand(
                tr("sys.maximize", lang), tr("sys.maximize.help", lang), screen.action_maximize
            )
        )
    out.append(
        SystemCommand(
            tr("sys.screenshot", lang),
            tr("sys.screenshot.help", lang),
            lambda: app.set_timer(0.1, app.deliver_screenshot),
        )
    )
    return out


class PinganCommands(Provider):
    """Offers `palette_commands` for the screen the palette was opened on.

    A query matches a command's title in either language, so "Units" finds 单位：打开 too.
    """

    def _commands(self) -> list[PaletteCommand]:
        return palette_commands(pingan_app(self.screen), self.screen)

    def _other_titles(self) -> list[str]:
        app = pingan_app(self.screen)
        other = "en" if app.lang == "zh" else "zh"
        return [c.title for c in palette_commands(app, self.screen, other)]

    async def discover(self) -> Hits:
        for command in self._commands():
            yield DiscoveryHit(command.title, command.run, help=command.help or None)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for command, other in zip(self._commands(), self._other_titles(), strict=True):
            score = max(matcher.match(command.title), matcher.match(other))
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(command.title),
                    command.run,
                    text=command.title,
                    help=command.help or None,
                )
