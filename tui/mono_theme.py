"""The monochrome theme: white on black and greys only, for NO_COLOR and black-and-white projectors.

Nothing in it is told apart by hue; the app's CSS marks cursors, focus and states by
reverse video, bold, borders and symbols when `:nocolor` holds (NO_COLOR is set).
"""

from __future__ import annotations

from textual.theme import Theme

MONO = Theme(
    name="pingan-mono",
    primary="#ffffff",
    secondary="#bbbbbb",
    accent="#ffffff",
    foreground="#ffffff",
    background="#000000",
    surface="#111111",
    panel="#333333",
    boost="#222222",
    warning="#ffffff",
    error="#ffffff",
    success="#ffffff",
    dark=True,
    variables={
        "block-cursor-foreground": "#000000",
        "block-cursor-background": "#ffffff",
        "block-cursor-text-style": "bold",
        "block-cursor-blurred-foreground": "#000000",
        "block-cursor-blurred-background": "#bbbbbb",
        "footer-key-foreground": "#ffffff",
        "input-selection-background": "#ffffff 40%",
    },
)
