"""The command palette speaks the interface language: Textual's own commands and sentences too."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.command import CommandInput, CommandList

from plugins.manager import PluginHost
from store import Store
from tests.tui_support import build_town, make_app, screen_text, settle, wait_until
from tui.app import PinganApp
from tui.screens.help import HelpScreen
from tui.screens.palette import PinganPalette

TEXTUAL_ENGLISH = ("Search for commands", "No matches found", "Quit", "Theme", "Keys", "Screenshot")


@pytest.fixture
def town(tmp_path: Path, host: PluginHost) -> Store:
    return build_town(tmp_path / "town.json", host)


def prompts(app: PinganApp) -> list[str]:
    found = app.screen.query(CommandList)
    if not found:
        return []
    options = found.first()
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


@pytest.fixture(autouse=True)
def no_matches_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Show "no matches" without Textual's half-second wait, so settling reaches it."""
    monkeypatch.setattr(PinganPalette, "_NO_MATCHES_COUNTDOWN", 0.001)


async def test_the_palette_in_chinese_shows_no_english_of_textual(
    town: Store, host: PluginHost
) -> None:
    app = make_app(town, host)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await wait_until(pilot, lambda: len(prompts(app)) > 5, "the palette's commands")
        assert isinstance(app.screen, PinganPalette)
        assert app.screen.query_one(CommandInput).placeholder == "搜索命令（中文或英文均可）"
        listed = "\n".join(prompts(app)) + screen_text(app)
        for title in ("退出", "界面：配色主题", "按键", "界面：截图", "帮助：按键一览"):
            assert title in listed, listed
        assert not [word for word in TEXTUAL_ENGLISH if word in listed], listed

        await pilot.press(*"zzqq")
        await wait_until(pilot, lambda: "没有匹配的命令" in screen_text(app), "the no-match line")
        assert "No matches found" not in screen_text(app)

        await pilot.press(*["backspace"] * 4, *"按键")
        await wait_until(pilot, lambda: any("按键" in p for p in prompts(app)), "the keys command")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen), "pingan's help")


async def test_the_palette_follows_a_switch_to_english(town: Store, host: PluginHost) -> None:
    app = make_app(town, host)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("l")
        await settle(pilot)
        assert app.lang == "en"
        await pilot.press("ctrl+p")
        await wait_until(pilot, lambda: len(prompts(app)) > 5, "the palette's commands")
        assert (
            app.screen.query_one(CommandInput).placeholder
            == "Search for commands (English or Chinese)"
        )
        listed = "\n".join(prompts(app))
        assert "Quit" in listed and "退出" not in listed
