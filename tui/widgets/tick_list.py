"""A SelectionList whose boxes read `[x]` ticked and `[ ]` not, by shape rather than colour."""

from __future__ import annotations

from typing import TypeVar

from rich.segment import Segment
from textual.strip import Strip
from textual.widgets import SelectionList
from textual.widgets.option_list import OptionDoesNotExist

TICKED = "[x]"
UNTICKED = "[ ]"
"""Textual draws both states as "▐X▌" told apart by colour alone; a projector in black and
white, or a colour-blind reader, needs the mark itself. Both are three cells, as Textual's
gutter width assumes, and ASCII, so CJK terminals keep the column aligned."""


ValueType = TypeVar("ValueType")


class TickList(SelectionList[ValueType]):
    """Choices to tick, each box showing its state as `[x]` or `[ ]`."""

    def render_line(self, y: int) -> Strip:
        """Textual's line with its three box cells redrawn as the state's mark."""
        line = super().render_line(y)
        _, scroll_y = self.scroll_offset
        try:
            selection = self.get_option_at_index(scroll_y + y)
        except OptionDoesNotExist:
            return line
        segments = list(line)
        if len(segments) < 3:
            return line
        mark = TICKED if selection.value in self.selected else UNTICKED
        style = segments[1].style
        boxed = [Segment(char, style) for char in mark]
        return Strip([*boxed, *segments[3:]], line.cell_length)
