"""Keys typed back to back, faster than screens open: each acts on the screen the keys before it
left on top, in order, never on a screen opened after it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual import events
from textual.pilot import Pilot
from textual.widgets import Input

from plugins.manager import PluginHost
from store import Store
from tests.tui_support import build_town, make_app, settle, wait_until
from tui.app import PinganApp
from tui.screens.jump import JumpScreen
from tui.screens.main import MainScreen
from tui.screens.record_type_picker import RecordTypePicker


@pytest.fixture
def town(tmp_path: Path, host: PluginHost) -> Store:
    return build_town(tmp_path / "town.json", host)


async def type_at_once(app: PinganApp, pilot: Pilot[Any], *keys: str) -> None:
    """Queue every key before the app handles the first, as a fast typist or a paste does."""
    await settle(pilot)
    for key in keys:
        app.post_message(events.Key(key, key if len(key) == 1 else None))


def stack(app: PinganApp) -> list[str]:
    return [type(screen).__name__ for screen in app.screen_stack[1:]]


async def test_enter_escape_n_opens_and_closes_the_evidence_then_asks_for_a_record_type(
    town: Store, host: PluginHost
) -> None:
    app = make_app(town, host)
    async with app.run_test(size=(120, 40)) as pilot:
        await type_at_once(app, pilot, "g", "enter", "escape", "n")
        await wait_until(pilot, lambda: isinstance(app.screen, RecordTypePicker), "the picker")
        await settle(pilot)
        assert stack(app) == ["MainScreen", "RecordTypePicker"]


async def test_letters_typed_after_slash_go_into_the_jump_box_in_order(
    town: Store, host: PluginHost
) -> None:
    app = make_app(town, host)
    async with app.run_test(size=(120, 40)) as pilot:
        await type_at_once(app, pilot, "slash", "d", "z")
        await wait_until(pilot, lambda: isinstance(app.screen, JumpScreen), "the jump box")
        box = app.screen.query_one("#jump-input", Input)
        await wait_until(pilot, lambda: box.value == "dz", "both letters")
        assert stack(app) == ["MainScreen", "JumpScreen"]


async def test_a_key_after_closing_a_screen_acts_on_the_screen_beneath(
    town: Store, host: PluginHost
) -> None:
    app = make_app(town, host)
    async with app.run_test(size=(120, 40)) as pilot:
        await type_at_once(app, pilot, "r", "escape", "n")
        await wait_until(pilot, lambda: isinstance(app.screen, RecordTypePicker), "the picker")
        await settle(pilot)
        assert stack(app) == ["MainScreen", "RecordTypePicker"]
        await type_at_once(app, pilot, "escape", "g", "slash", "escape")
        await wait_until(pilot, lambda: stack(app) == ["MainScreen"], "the main screen alone")
        assert isinstance(app.screen, MainScreen)


async def test_escape_and_a_letter_sent_as_one_alt_key_act_as_both(
    town: Store, host: PluginHost
) -> None:
    app = make_app(town, host)
    async with app.run_test(size=(120, 40)) as pilot:
        await type_at_once(app, pilot, "g", "enter", "alt+n")
        await wait_until(pilot, lambda: isinstance(app.screen, RecordTypePicker), "the picker")
        await settle(pilot)
        assert stack(app) == ["MainScreen", "RecordTypePicker"]
