"""The colours of the four cell states, in one table for every screen that shows a state.

Rich style strings, no Textual, so anything that renders Rich text can use them.
"""

from __future__ import annotations

from dataclasses import dataclass

from plugins.api import State


@dataclass(frozen=True, slots=True)
class StateStyle:
    """How one state is coloured: as a grid cell on its own ground, and as a word in text."""

    cell: str
    """A grid cell's symbol: a filled ground where it must stand out from a sea of passes."""
    text: str
    """The state written in running text, such as the evidence screen's result line."""


STATE_STYLES: dict[State, StateStyle] = {
    State.PASS: StateStyle("bold green", "bold green"),
    State.FAIL: StateStyle("bold bright_white on red", "bold red"),
    State.PENDING: StateStyle("yellow", "yellow"),
    State.ERROR: StateStyle("bold black on magenta", "bold magenta"),
}
