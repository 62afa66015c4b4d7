"""The Reports screen through Pilot: `R` then Enter writes the docx of the quarter in view."""

from __future__ import annotations

from pathlib import Path

import pytest
from docx import Document
from textual.widgets import Input, Label, RadioButton, Static

from plugins.manager import PluginHost
from plugins.reports.formats import codes_in
from plugins.reports.stamp import stamp_of
from store import Store
from tests.tui_support import Q3, build_town, make_app, screen_text, settle, wait_until
from tui.commands import palette_commands
from tui.screens.confirm import ConfirmScreen
from tui.screens.reports import ReportsScreen


@pytest.fixture
def town(tmp_path: Path, host: PluginHost) -> Store:
    return build_town(tmp_path / "town.json", host)


def status(screen: ReportsScreen) -> str:
    return str(screen.query_one("#reports-status", Static).content)


async def test_r_then_enter_writes_the_docx_and_says_where(town: Store, host: PluginHost) -> None:
    app = make_app(town, host, quarter=Q3, lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("R")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReportsScreen)
        title = str(screen.query_one("#reports-title", Static).content)
        assert title == "2022Q3 report to the district (open)"
        expected = town.layout.folder / "reports" / "2022Q3-report-draft.docx"
        assert screen.query_one("#reports-file", Input).value == str(expected)
        await pilot.press("enter")
        await wait_until(pilot, lambda: "Written" in status(screen), "the report written")
        code = stamp_of(town, host, Q3).code
        assert status(screen) == f"Written: {expected}\nCheck code: {code}"
        assert codes_in(expected) == [code]
        assert "草稿" in Document(str(expected)).sections[0].header.paragraphs[0].text
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, ReportsScreen)


async def test_a_file_that_exists_is_replaced_only_after_a_yes(
    town: Store, host: PluginHost
) -> None:
    expected = town.layout.folder / "reports" / "2022Q3-report-draft.docx"
    expected.parent.mkdir(parents=True, exist_ok=True)
    expected.write_bytes(b"the copy sent to the district")
    app = make_app(town, host, quarter=Q3, lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("R")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReportsScreen)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the question")
        question = app.screen.query_one("#confirm-question", Label)
        assert str(question.content) == f"{expected} exists. Replace it?"
        await pilot.press("n")
        await wait_until(pilot, lambda: app.screen is screen, "back on the Reports screen")
        assert status(screen) == f"Not written: {expected} exists and was kept"
        assert expected.read_bytes() == b"the copy sent to the district"
        screen.query_one("#reports-file", Input).focus()
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the question")
        await pilot.press("y")
        await wait_until(pilot, lambda: "Written" in status(screen), "the report written")
        assert codes_in(expected) == [stamp_of(town, host, Q3).code]


async def test_choosing_md_and_a_folder_that_is_missing_is_refused(
    tmp_path: Path, town: Store, host: PluginHost
) -> None:
    app = make_app(town, host, quarter=Q3, lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("R")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReportsScreen)
        [md] = [b for b in screen.query(RadioButton) if b.name == "md"]
        await pilot.click(md)
        await settle(pilot)
        box = screen.query_one("#reports-file", Input)
        assert box.value.endswith("2022Q3-report-draft.md")
        label = str(screen.query_one("#reports-file-label").render())
        assert label == "File (Enter writes md, 中文)"
        missing = tmp_path / "nowhere" / "r.md"
        box.value = str(missing)
        box.focus()
        await pilot.press("enter")
        await wait_until(pilot, lambda: "does not exist" in status(screen), "the refusal")
        assert status(screen).startswith(f"{missing}: the folder {missing.parent} does not exist")
        assert not missing.parent.exists()


async def test_the_palette_offers_the_report(town: Store, host: PluginHost) -> None:
    app = make_app(town, host, quarter=Q3, lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        [entry] = [
            c
            for c in palette_commands(app, app.screen)
            if c.title == "Quarter: Report to the district"
        ]
        entry.run()
        await settle(pilot)
        assert isinstance(app.screen, ReportsScreen)


async def test_the_screen_reads_in_chinese_at_80_by_24_and_follows_a_switch(
    town: Store, host: PluginHost
) -> None:
    app = make_app(town, host, quarter=Q3, lang="zh")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("R")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReportsScreen)
        title = screen.query_one("#reports-title", Static)
        assert str(title.content) == "2022Q3 向区里上报的季度报告（未定稿）"
        label = screen.query_one("#reports-file-label")
        assert str(label.render()) == "文件（Enter 写出 docx，中文）"
        assert screen.query_one("#reports-status").region.bottom <= 23, "above the footer"
        app.action_toggle_language()
        await settle(pilot)
        assert str(title.content) == "2022Q3 report to the district (open)"
        assert str(label.render()) == "File (Enter writes docx, 中文)"


async def test_the_chosen_format_and_language_differ_in_shape_without_colour(
    town: Store, host: PluginHost, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app(town, host, quarter=Q3, lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        assert app.no_color
        await settle(pilot)
        await pilot.press("R")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReportsScreen)
        text = screen_text(app)
        assert "(•) docx" in text and "( ) md" in text and "( ) csv" in text, text
        assert "(•) 中文" in text and "( ) English" in text, text
        [md] = [b for b in screen.query(RadioButton) if b.name == "md"]
        await pilot.click(md)
        await settle(pilot)
        text = screen_text(app)
        assert "(•) md" in text and "( ) docx" in text, text
        assert text.count("(•)") == 2, text
