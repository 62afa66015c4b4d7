"""Plugins that failed to load stay findable: a header marker and a list by key and palette."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Static

from plugins.manager import PluginHost
from tests.tui_support import build_town, make_app, screen_text, settle
from tui.commands import palette_commands
from tui.screens.main import MainScreen
from tui.screens.plugin_failures import PluginFailuresScreen

BROKEN = "import no_such_module_anywhere\n"


def broken_host(tmp_path: Path) -> tuple[PluginHost, Path]:
    folder = tmp_path / "plugins"
    folder.mkdir()
    path = folder / "brokenimport.py"
    path.write_text(BROKEN, encoding="utf-8")
    return PluginHost.load(plugin_dirs=[folder], entry_points=False), path


async def test_a_failed_plugin_is_marked_in_the_header_and_listed_with_file_and_error(
    tmp_path: Path,
) -> None:
    host, path = broken_host(tmp_path)
    app = make_app(build_town(tmp_path / "town.json", host), host)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        marker = app.screen.query_one("#header-plugins", Static)
        assert marker.display
        assert str(marker.render()) == "! 1 个插件未加载（按 !）"
        await pilot.press("exclamation_mark")
        await settle(pilot)
        assert isinstance(app.screen, PluginFailuresScreen)
        text = screen_text(app)
        assert "未能加载的插件（1 个）" in text
        assert "brokenimport" in text and path.name in text
        assert "no_such_module_anywhere" in text
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)

        [command] = [c for c in palette_commands(app, app.screen) if "未能加载" in c.title]
        command.run()
        await settle(pilot)
        assert isinstance(app.screen, PluginFailuresScreen)


async def test_no_marker_and_no_palette_entry_when_every_plugin_loaded(
    tmp_path: Path, host: PluginHost
) -> None:
    app = make_app(build_town(tmp_path / "town.json", host), host, lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert not app.screen.query_one("#header-plugins", Static).display
        assert not [c for c in palette_commands(app, app.screen) if "did not load" in c.title]
