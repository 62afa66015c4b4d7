"""The TUI's one way to read a translated string, and its one table of state colours."""

from __future__ import annotations

from plugins.api import State
from plugins.i18n import Text
from tui.state_styles import STATE_STYLES
from tui.text import CATALOGUE, tr


def test_tr_reads_a_catalogue_key_or_a_text_and_fills_placeholders() -> None:
    assert tr("header.actor", "en", actor="A") == CATALOGUE["header.actor"].en.format(actor="A")
    assert tr(Text("{n} 个村", "{n} villages"), "zh", n=2) == "2 个村"
    assert tr(Text("{n} 个村", "{n} villages"), "en") == "{n} villages"


def test_every_state_has_a_cell_and_a_text_style() -> None:
    assert set(STATE_STYLES) == set(State)
    assert all(style.cell and style.text for style in STATE_STYLES.values())
