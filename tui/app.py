"""The pingan Textual app: the store, the plugins and the engine behind every screen.

Store reads and writes and grid computations run in thread workers that post messages;
message handlers change what is on screen, so the UI never waits on the disk.
"""

from __future__ import annotations

import os
import weakref
from collections.abc import Iterable
from concurrent.futures import Future
from pathlib import Path
from typing import ClassVar

from textual import events, on, work
from textual.app import App
from textual.reactive import reactive
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from plugins import actions
from plugins import keymap as key_specs
from plugins.actions import ActionContext, Actor
from plugins.engine import Engine, Grid
from plugins.i18n import check_lang
from plugins.manager import PluginHost, describe
from plugins.preferences import user_lang
from plugins.views import ViewContext
from store import Quarter, Store, StoreError, default_actor
from tui import keys
from tui.commands import PinganCommands
from tui.messages import (
    DataChanged,
    GridFailed,
    GridReady,
    GridsSettled,
    QuarterChanged,
    StoreMoved,
)
from tui.mono_theme import MONO
from tui.screens.help import HelpScreen
from tui.screens.login import LoginScreen
from tui.screens.main import MainScreen
from tui.text import tr
from tui.textual_texts import TextualInLanguage
from tui.view_fence import FencedApp

THEME = "textual-dark"


def escape_then_key(key: str, bound: set[str]) -> bool:
    """Whether key is Esc and a key typed fast, which terminals send as one alt+key.

    A terminal encodes Alt+N as ESC N, so Esc then N typed within a few milliseconds
    arrives as alt+n; no pingan binding uses alt, so unless the town bound that key it is
    read as the two keys the person typed.
    """
    return key.startswith("alt+") and key.count("+") == 1 and key not in bound


STORE_POLL_SECONDS = 3.0
"""How often the app looks for changes other processes (another desk) made to the store."""


class PinganApp(TextualInLanguage, FencedApp):
    """The township's dashboard and compliance grid, in Chinese or English.

    A FencedApp, so a plugin's data view that raises shows an error panel instead of ending it;
    TextualInLanguage, so Textual's own commands and sentences follow the interface language.
    """

    CSS_PATH: ClassVar[str | Path] = "app.tcss"
    TITLE = "pingan"
    COMMANDS = App.COMMANDS | {PinganCommands}
    BINDINGS = keys.owned("app")

    quarter: reactive[Quarter] = reactive(Quarter(2021, 3), init=False)
    """The quarter on screen; changing it recomputes the grid in a worker."""
    lang: reactive[str] = reactive("zh", init=False)
    """The interface language, "zh" or "en"; widgets watch it and relabel in place."""

    def __init__(
        self,
        store: Store,
        host: PluginHost,
        *,
        lang: str | None = None,
        actor: str | Actor | None = None,
        quarter: Quarter | None = None,
        meeting: bool = False,
    ) -> None:
        """Open on quarter (else the latest with data); lang None: the user's, else the town's.

        meeting opens meeting mode on that quarter at once (`pingan meeting`).
        When the store has accounts and actor is not a logged-in Actor, the login screen
        comes first and decides who the app acts as; actor, if a name, is suggested there.
        """
        super().__init__()
        self.open_meeting = meeting
        self.store = store
        self.host = host
        self.engine = Engine(store, host)
        self.operator: Actor | None
        """Who the app's changes are made as; None until the login screen accepts someone."""
        if isinstance(actor, Actor):
            self.operator = actor
        elif store.accounts_on():
            self.operator = None
        else:
            self.operator = Actor(actor or default_actor())
        self.login_name = actor if isinstance(actor, str) else ""
        self.actor = self.operator.name if self.operator else ""
        settings = store.settings()
        self.town = settings.town
        self.settings_keymap = dict(settings.keymap)
        self.grid: Grid | None = None
        """The latest computed grid of `quarter`, None until the first one arrives."""
        self._grid_requests = 0
        self._full_request = 0
        """The latest request that recomputes the whole grid."""
        self._grid_applied = 0
        self._quarter_pending = True
        self._changed_pending: list[Quarter | None] = []
        self._grid_revision = -1
        self._row_requests: dict[int, tuple[str, ...]] = {}
        """The villages of row updates not yet applied: a later one recomputes them too, since
        it starts from the grid before them."""
        self._grids: dict[Quarter, tuple[int, Grid]] = {}
        """Recent grids of the quarter on screen and its neighbours, by the revision read."""
        self._prefetching: dict[Quarter, Future[tuple[int, Grid] | None]] = {}
        """The grids a prefetch worker is computing, for a step to them to wait on."""
        self._prefetch_of: dict[Worker[None], Future[tuple[int, Grid] | None]] = {}
        """Each running prefetch worker's promise of its grid."""
        self._typed_on: weakref.WeakKeyDictionary[events.Key, Screen[object]] = (
            weakref.WeakKeyDictionary()
        )
        """The screen on top when each key came in, until the key has been handled."""
        self.set_reactive(PinganApp.lang, check_lang(lang or user_lang() or settings.lang))
        if quarter is None:
            quarter = store.latest_quarter()
        self.set_reactive(PinganApp.quarter, quarter)
        self.register_theme(MONO)
        self.theme = MONO.name if self.no_color else THEME
        if "TEXTUAL_ANIMATIONS" not in os.environ:
            # A sliding tab underline or a smooth scroll repaints the whole screen for each of
            # its frames, which an official on an old office PC waits through on every tab
            # change; TEXTUAL_ANIMATIONS=full brings them back.
            self.animation_level = "none"

    def on_mount(self) -> None:
        known, unknown = keys.valid_keymap(self.settings_keymap)
        if known:
            self.set_keymap(known)
        if unknown:
            self.notify(
                tr("notice.keymap_unknown", self.lang, ids=", ".join(unknown)), severity="warning"
            )
        failed = self.host.failed()
        if failed:
            names = ", ".join(f"{info.name} ({info.reason})" for info in failed)
            self.notify(
                tr("notice.plugins_failed", self.lang, names=names),
                severity="warning",
                markup=False,
            )
        keys.relabel(self, self.lang)
        if self.operator is None:
            self.push_screen(LoginScreen(self.login_name), self._logged_in)
        else:
            self._start()

    # keys typed during a screen change

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key) and not event.is_forwarded:
            if not self.screen_stack:
                return
            if escape_then_key(event.key, self.keymap_keys()):
                base = event.key.removeprefix("alt+")
                self.post_message(events.Key("escape", None))
                self.post_message(events.Key(base, base if len(base) == 1 else None))
                return
            self._typed_on[event] = self.screen_stack[-1]
        await super().on_event(event)

    def keymap_keys(self) -> set[str]:
        """Every key the app's bindings answer to, the town's remapping included."""
        return {
            name
            for spec in key_specs.KEY_SPECS
            for name in key_specs.key_names(key_specs.effective_keys(spec.id, self.settings_keymap))
        }

    def on_key(self, event: events.Key) -> None:
        """Give a key that was routed to a screen no longer on top to the screen that is.

        Textual hands each key to the focused widget as it arrives; keys typed while an
        earlier key opens or closes a screen would otherwise act on the old screen or be
        lost, so they are delivered again, in order, as if typed now.
        """
        typed_on = self._typed_on.pop(event, None)
        if typed_on is None or not self.screen_stack or typed_on is self.screen_stack[-1]:
            return
        event.prevent_default()
        event.stop()
        self.post_message(events.Key(event.key, event.character))

    def _logged_in(self, actor: Actor | None) -> None:
        if actor is None:
            self.exit()
            return
        self.operator = actor
        self.actor = actor.name
        self.notify(
            tr("login.as", self.lang, name=actor.name, unit=actor.unit, role=str(actor.role))
        )
        self._start()

    def _start(self) -> None:
        """Show the main screen and start computing the grid and watching the store."""
        self.push_screen(MainScreen())
        if self.open_meeting:
            from tui.screens.meeting import MeetingScreen

            self.push_screen(MeetingScreen(self.quarter))
        self._request_grid()
        self.set_interval(STORE_POLL_SECONDS, self.check_store)

    def view_context(self) -> ViewContext:
        """What a unit's data view receives: store, plugins, engine, quarter and language."""
        return ViewContext(self.store, self.host, self.engine, self.quarter, self.lang)

    # the grid

    def notify_data_changed(
        self, quarter: Quarter | None = None, villages: Iterable[str] | None = None
    ) -> None:
        """Call on the UI thread after any write: recompute the grid, then post DataChanged.

        From a worker thread use `app.call_from_thread(app.notify_data_changed, quarter)`.
        quarter is the earliest quarter the write touched, None when unknown (another
        process wrote); the grid on screen is recomputed either way, since checks read history.
        villages, when the write touched only those villages' records or decisions, lets the
        grid on screen recompute their rows alone (a check reads one village's data).
        """
        self._changed_pending.append(quarter)
        grid = self.grid
        full_pending = self._full_request > self._grid_applied
        if villages is None or grid is None or grid.quarter != self.quarter or full_pending:
            self._request_grid()
            return
        self._grid_requests += 1
        in_flight = {r: v for r, v in self._row_requests.items() if r > self._grid_applied}
        touched = tuple(dict.fromkeys([*(c for v in in_flight.values() for c in v), *villages]))
        in_flight[self._grid_requests] = touched
        self._row_requests = in_flight
        self._update_rows(grid, touched, self._grid_requests, self._grid_revision)

    def watch_quarter(self, quarter: Quarter) -> None:
        self._quarter_pending = True
        self._request_grid()

    def _request_grid(self) -> None:
        self._grid_requests += 1
        self._full_request = self._grid_requests
        self._compute_grid(self.quarter, self._grid_requests)

    def keep_grid(self, grid: Grid, revision: int) -> None:
        """Keep a grid read at revision for a later step to its quarter (the neighbours only)."""
        near = (self.quarter.previous(), self.quarter, self.quarter.next())
        self._grids = {q: kept for q, kept in self._grids.items() if q in near}
        if grid.quarter in near:
            self._grids[grid.quarter] = (revision, grid)

    def prefetch_previous(self) -> None:
        """Compute the previous quarter's grid in the background, for a step back to it."""
        quarter = self.quarter.previous()
        kept = self._grids.get(quarter)
        if quarter in self._prefetching:
            return
        if kept is not None and kept[0] == self._grid_revision:
            self._settled()
            return
        pending: Future[tuple[int, Grid] | None] = Future()
        self._prefetching[quarter] = pending
        self._prefetch_of[self._prefetch_grid(quarter, pending)] = pending

    @work(thread=True, group="prefetch", exit_on_error=False)
    def _prefetch_grid(self, quarter: Quarter, pending: Future[tuple[int, Grid] | None]) -> None:
        try:
            with self.engine.reading():
                revision = self.store.revision()
            grid = self.engine.shown_grid(quarter)
        except Exception:  # noqa: BLE001 - a step to the quarter computes it and says why
            pending.set_result(None)
        else:
            pending.set_result((revision, grid))
        self.call_from_thread(self._prefetched, quarter, pending)

    @on(Worker.StateChanged)
    def _prefetch_ended(self, event: Worker.StateChanged) -> None:
        """Resolve a prefetch that was cancelled (at exit) before it ran, so no step waits
        on it for ever."""
        if event.state not in (WorkerState.SUCCESS, WorkerState.ERROR, WorkerState.CANCELLED):
            return
        pending = self._prefetch_of.pop(event.worker, None)
        if pending is not None and event.state is not WorkerState.SUCCESS and not pending.done():
            pending.set_result(None)

    def _prefetched(self, quarter: Quarter, pending: Future[tuple[int, Grid] | None]) -> None:
        if self._prefetching.get(quarter) is pending:
            del self._prefetching[quarter]
        result = pending.result()
        if result is not None:
            self.keep_grid(result[1], result[0])
        self._settled()

    def _settled(self) -> None:
        """Tell the screens the grids are in, for work that waits until nothing is shown."""
        for screen in self.screen_stack:
            screen.post_message(GridsSettled())

    def grid_of(self, quarter: Quarter) -> tuple[int, Grid]:
        """The quarter's grid and the store revision it was read at (call from a worker):
        the one kept or being prefetched if the store has not moved since, else computed."""
        with self.engine.reading():
            revision = self.store.revision()
        kept = self._grids.get(quarter)
        pending = self._prefetching.get(quarter)
        if (kept is None or kept[0] != revision) and pending is not None:
            kept = pending.result()
        if kept is not None and kept[0] == revision:
            return kept
        return revision, self.engine.shown_grid(quarter)

    @work(thread=True, group="grid", exit_on_error=False)
    def _compute_grid(self, quarter: Quarter, request: int) -> None:
        try:
            revision, grid = self.grid_of(quarter)
        except Exception as exc:  # noqa: BLE001 - shown as a message; the app stays up
            self.post_message(GridFailed(quarter, request, describe(exc)))
            return
        self.post_message(GridReady(grid, request, revision))

    @work(thread=True, group="grid", exit_on_error=False)
    def _update_rows(self, grid: Grid, villages: tuple[str, ...], request: int, seen: int) -> None:
        """Recompute the rows of villages in grid after a save that touched only them.

        The grid reads as current to the store's watcher only when exactly one commit (the
        save) came after the grid's revision; otherwise another desk also wrote, and the
        watcher recomputes the whole grid.
        """
        try:
            with self.engine.reading():
                revision = self.store.revision()
            updated = self.engine.update_rows(grid, villages)
        except Exception as exc:  # noqa: BLE001 - shown as a message; the app stays up
            self.post_message(GridFailed(grid.quarter, request, describe(exc)))
            return
        self.post_message(GridReady(updated, request, revision if revision == seen + 1 else seen))

    def check_store(self) -> None:
        """Look, off the UI thread, for changes another process made; recompute if there are."""
        self._poll_store()

    @work(thread=True, group="poll", exclusive=True, exit_on_error=False)
    def _poll_store(self) -> None:
        try:
            revision = self.store.revision()
        except StoreError:
            return
        if revision > self._grid_revision:
            self.post_message(StoreMoved(revision))

    @on(StoreMoved)
    def _store_moved(self, message: StoreMoved) -> None:
        idle = self._grid_applied == self._grid_requests
        if idle and message.revision > self._grid_revision:
            self.notify_data_changed(None)

    @on(GridReady)
    def _grid_ready(self, message: GridReady) -> None:
        if message.request < self._grid_applied or message.grid.quarter != self.quarter:
            self._grid_applied = max(self._grid_applied, message.request)
            return
        self._grid_applied = message.request
        self._grid_revision = max(self._grid_revision, message.revision)
        self.grid = message.grid
        self.keep_grid(message.grid, message.revision)
        quarter_changed, self._quarter_pending = self._quarter_pending, False
        changed, self._changed_pending = self._changed_pending, []
        for screen in self.screen_stack:
            if quarter_changed:
                screen.post_message(QuarterChanged(message.grid.quarter))
            for quarter in dict.fromkeys(changed):
                screen.post_message(DataChanged(quarter))
        self.call_after_refresh(self.prefetch_previous)

    @on(GridFailed)
    def _grid_failed(self, message: GridFailed) -> None:
        if message.request >= self._grid_applied:
            self._grid_applied = message.request
            if self.grid is None:
                for screen in self.screen_stack:
                    screen.post_message(QuarterChanged(message.quarter))
            self.notify(
                tr("grid.failed", self.lang, reason=message.reason), severity="error", markup=False
            )

    # language

    def watch_lang(self, lang: str) -> None:
        keys.relabel(self, lang)
        self.refresh_bindings()

    def action_toggle_language(self) -> None:
        """Switch between Chinese and English and keep the choice as this user's own."""
        self.lang = "en" if self.lang == "zh" else "zh"
        self._save_language(self.lang)

    @work(thread=True, group="settings", exit_on_error=False)
    def _save_language(self, lang: str) -> None:
        try:
            actions.set_user_language(lang)
        except OSError as exc:
            self.call_from_thread(
                self.notify, tr("notice.save_failed", lang, reason=exc), severity="error"
            )

    def action_context(self) -> ActionContext:
        """The store, plugins and operator the app's changes go through."""
        if self.operator is None:
            raise RuntimeError("no operator has logged in")
        return ActionContext(self.store, self.host, self.operator)

    # help

    def action_help(self) -> None:
        """List every key of the screen on top, with ids and tooltips."""
        screen = self.screen
        if isinstance(screen, HelpScreen):
            return
        name = type(screen).__name__
        self.push_screen(HelpScreen(name, screen.active_bindings))
