"""A RadioButton whose button reads `(•)` chosen and `( )` not, by shape rather than colour."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import RadioButton

CHOSEN = "(•)"
NOT_CHOSEN = "( )"
"""Textual draws both states as "▐●▌" told apart by colour alone; printed in black and white,
under NO_COLOR, or to a colour-blind reader, the mark itself has to differ. Both are three
cells, like Textual's button, so the labels keep their column."""


class ChoiceButton(RadioButton):
    """One choice of a RadioSet, its state drawn as `(•)` or `( )`."""

    @property
    def _button(self) -> Content:
        """The state's mark in Textual's button style."""
        style = self.get_visual_style("toggle--button")
        return Content.assemble((CHOSEN if self.value else NOT_CHOSEN, style))
