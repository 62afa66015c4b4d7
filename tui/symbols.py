"""The symbols and names of the four cell states, shared by the grid, the evidence and the CLI.

No Textual here, so the command line can use it. The symbols read without colour and are
one cell wide and not East-Asian-ambiguous, so CJK terminals keep table columns aligned.
"""

from __future__ import annotations

from plugins.api import STATE_NAMES, State
from tui.text import tr

STATE_SYMBOLS: dict[State, str] = {
    State.PASS: "✔",
    State.FAIL: "✘",
    State.PENDING: "?",
    State.ERROR: "!",
}
ASCII_SYMBOLS: dict[State, str] = {
    State.PASS: "Y",
    State.FAIL: "X",
    State.PENDING: "?",
    State.ERROR: "!",
}
"""For streams that cannot encode the check marks, such as a GBK console."""


def state_name(state: State, lang: str) -> str:
    """What a state is called in lang."""
    return tr(STATE_NAMES[state], lang)
