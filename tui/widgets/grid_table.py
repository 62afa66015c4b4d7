"""A table of fixed-width columns drawn with the Line API: only the rows on screen are rendered.

Cells come from a function of (row key, column key), so showing another quarter's grid or a
change of state costs a repaint of the visible rows, not a rebuild of thousands of cells;
the first columns stay in place while the others scroll sideways.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from rich.text import Text as RichText
from textual import events
from textual.geometry import Region, Size, Spacing
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widgets.data_table import ColumnKey, RowKey

CellSource = Callable[[str, str], RichText]
"""The text of the cell at (row key, column key)."""

LINE_CACHE_SIZE = 400
"""Rendered lines kept between repaints: a few screens' worth, so scrolling back is free."""


@dataclass(frozen=True, slots=True)
class TableColumn:
    """One column: its key, header label and width in cells (without the padding)."""

    key: ColumnKey
    label: RichText
    width: int


class LineTable(ScrollView, can_focus=True):
    """A cell-cursor table of fixed-width columns whose cells are read when drawn.

    The keys a scroll view binds (arrows, PageUp/PageDown, Home/End) move the cursor, which
    the view follows; Home and End go to the first and last column, as in a DataTable.
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "line-table--header",
        "line-table--fixed",
        "line-table--even-row",
        "line-table--odd-row",
        "line-table--cursor",
    }
    PADDING = 1
    """Blank cells each side of a cell's text."""

    class TableMessage(Message):
        """A message about the table that posts it (its `control`, for `on` selectors)."""

        def __init__(self, table: LineTable) -> None:
            super().__init__()
            self.table = table

        @property
        def control(self) -> LineTable:
            return self.table

    class CursorMoved(TableMessage):
        """The cursor moved to another cell (or the table's rows or columns changed)."""

    class CellSelected(TableMessage):
        """The cell under the cursor was clicked again."""

    def __init__(
        self,
        *,
        name: str | None = None,
        id: str | None = None,  # noqa: A002 - Textual's widget argument name
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._columns: list[TableColumn] = []
        self._row_keys: list[str] = []
        self._row_index: dict[str, int] = {}
        self._source: CellSource = lambda row, column: RichText()
        self.fixed_columns = 0
        """How many first columns stay in place while the others scroll sideways."""
        self.cursor_row = 0
        self.cursor_column = 0
        self._offsets: list[int] = []
        """Each column's first cell, padding included, from the table's left edge."""
        self._column_meta: list[Style] = []
        """A style per column that only tells cells apart, so that adjacent cells of one
        style stay separate segments (a screenshot then places each at its own cell)."""
        self._lines: dict[tuple[int, int, int, int], Strip] = {}
        self._looks: tuple[Style, Style, Style, Style, Style] | None = None
        self._look_state: object = None

    # contents

    def set_table(
        self,
        columns: Sequence[TableColumn],
        row_keys: Sequence[str],
        source: CellSource,
        fixed_columns: int,
    ) -> None:
        """Show row_keys by columns, reading each cell from source when it is drawn."""
        self._columns = list(columns)
        self._row_keys = list(row_keys)
        self._row_index = {key: index for index, key in enumerate(self._row_keys)}
        self._source = source
        self.fixed_columns = fixed_columns
        step = [0]
        for column in self._columns:
            step.append(step[-1] + column.width + 2 * self.PADDING)
        self._offsets = step
        self._column_meta = [Style.from_meta({"column": i}) for i in range(len(self._columns))]
        self.virtual_size = Size(step[-1], len(self._row_keys) + 1)
        self.cursor_row = min(self.cursor_row, max(len(self._row_keys) - 1, 0))
        self.cursor_column = min(self.cursor_column, max(len(self._columns) - 1, 0))
        self.refresh_cells(source)

    def refresh_cells(self, source: CellSource) -> None:
        """Read cells from source from now on and repaint what is on screen."""
        self._source = source
        self._lines.clear()
        self.refresh()

    @property
    def row_count(self) -> int:
        return len(self._row_keys)

    @property
    def columns(self) -> dict[ColumnKey, TableColumn]:
        """The columns by key, in their order."""
        return {column.key: column for column in self._columns}

    @property
    def rows(self) -> dict[RowKey, int]:
        """The rows' keys, in their order, with their indexes."""
        return {RowKey(key): index for index, key in enumerate(self._row_keys)}

    def get_row_index(self, row_key: str) -> int:
        return self._row_index[row_key]

    def get_cell(self, row_key: str, column_key: str) -> RichText:
        """The text of a cell, as drawn."""
        if row_key not in self._row_index or column_key not in self.columns:
            raise KeyError((row_key, column_key))
        return self._source(row_key, column_key)

    # the cursor

    def move_cursor(
        self, *, row: int | None = None, column: int | None = None, animate: bool = False
    ) -> None:
        """Put the cursor on a cell, scrolling it into view."""
        rows, columns = len(self._row_keys), len(self._columns)
        new_row = self.cursor_row if row is None else row
        new_column = self.cursor_column if column is None else column
        new_row = max(0, min(new_row, rows - 1)) if rows else 0
        new_column = max(0, min(new_column, columns - 1)) if columns else 0
        if (new_row, new_column) != (self.cursor_row, self.cursor_column):
            self.refresh_lines(self.cursor_row + 1)
            self.cursor_row, self.cursor_column = new_row, new_column
            self.refresh_lines(new_row + 1)
            self.cursor_moved()
        self._scroll_cursor_into_view(animate)

    def cursor_moved(self) -> None:
        """Called when the cursor has moved: posts CursorMoved; a subclass that owns what
        follows the cursor may update it here at once, so it repaints in the same frame."""
        self.post_message(self.CursorMoved(self))

    @property
    def _fixed_width(self) -> int:
        """The cells the fixed columns take, padding included."""
        return self._offsets[self.fixed_columns] if self._columns else 0

    def _scroll_cursor_into_view(self, animate: bool = False) -> None:
        if not self._columns or not self._row_keys:
            return
        left = self._offsets[self.cursor_column]
        width = self._offsets[self.cursor_column + 1] - left
        region = Region(left, self.cursor_row + 1, width, 1)
        self.scroll_to_region(
            region,
            animate=animate,
            spacing=Spacing(1, 0, 0, self._fixed_width),
            force=True,
            immediate=True,
        )

    def action_scroll_up(self) -> None:
        self.move_cursor(row=self.cursor_row - 1)

    def action_scroll_down(self) -> None:
        self.move_cursor(row=self.cursor_row + 1)

    def action_scroll_left(self) -> None:
        self.move_cursor(column=self.cursor_column - 1)

    def action_scroll_right(self) -> None:
        self.move_cursor(column=self.cursor_column + 1)

    def _page(self) -> int:
        return max(self.scrollable_content_region.height - 1, 1)

    def action_page_up(self) -> None:
        self.move_cursor(row=self.cursor_row - self._page())

    def action_page_down(self) -> None:
        self.move_cursor(row=self.cursor_row + self._page())

    def action_cursor_top(self) -> None:
        self.move_cursor(row=0)

    def action_cursor_bottom(self) -> None:
        self.move_cursor(row=len(self._row_keys) - 1)

    def action_scroll_home(self) -> None:
        self.move_cursor(column=0)

    def action_scroll_end(self) -> None:
        self.move_cursor(column=len(self._columns) - 1)

    def cell_at(self, x: int, y: int) -> tuple[int, int] | None:
        """The (row, column) drawn at x, y of the content region; None on the header or past
        the last row or column."""
        if y < 1:
            return None
        row = y - 1 + int(self.scroll_y)
        fixed = self._fixed_width
        table_x = x if x < fixed else x + int(self.scroll_x)
        first = 0 if x < fixed else self.fixed_columns
        for index in range(first, len(self._columns)):
            if self._offsets[index] <= table_x < self._offsets[index + 1]:
                return (row, index) if row < len(self._row_keys) else None
        return None

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        cell = self.cell_at(offset.x, offset.y)
        if cell is None:
            return
        event.stop()
        again = cell == (self.cursor_row, self.cursor_column)
        self.move_cursor(row=cell[0], column=cell[1])
        if again:
            self.post_message(self.CellSelected(self))

    # drawing

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._looks = None
        self._lines.clear()

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    def _table_looks(self) -> tuple[Style, Style, Style, Style, Style]:
        """The header, fixed, even, odd and cursor styles, read once per look of the table."""
        state = (self.has_focus, self.app.theme, self.app.no_color)
        if self._looks is None or state != self._look_state:
            style = self.get_component_rich_style
            self._looks = (
                style("line-table--header"),
                style("line-table--fixed"),
                style("line-table--even-row"),
                style("line-table--odd-row"),
                style("line-table--cursor"),
            )
            self._look_state = state
            self._lines.clear()
        return self._looks

    def render_line(self, y: int) -> Strip:
        self._table_looks()
        width = self.size.width
        scroll_x = int(self.scroll_x)
        row = -1 if y == 0 else y - 1 + int(self.scroll_y)
        if row >= len(self._row_keys):
            return Strip.blank(width, self.rich_style)
        cursor = self.cursor_column if row == self.cursor_row else -1
        key = (row, scroll_x, width, cursor)
        line = self._lines.get(key)
        if line is None:
            if len(self._lines) >= LINE_CACHE_SIZE:
                self._lines.clear()
            line = self._lines[key] = self._render_row(row, scroll_x, width, cursor)
        return line

    def _render_row(self, row: int, scroll_x: int, width: int, cursor: int) -> Strip:
        header, fixed, even, odd, cursor_style = self._table_looks()
        base = self.rich_style
        if row < 0:
            row_style = base + header
            fixed_style = row_style
        else:
            row_style = base + (even if row % 2 == 0 else odd)
            fixed_style = base + fixed
        row_key = self._row_keys[row] if row >= 0 else ""
        pad = " " * self.PADDING
        segments: list[Segment] = []
        for index, column in enumerate(self._columns):
            text = column.label if row < 0 else self._source(row_key, str(column.key.value))
            style = (fixed_style if index < self.fixed_columns else row_style) + self._column_meta[
                index
            ]
            on_cursor = cursor_style if index == cursor else None
            segments.extend(self._cell_segments(text, column.width, style, pad, on_cursor))
        line = Strip(segments, self._offsets[-1] if self._columns else 0)
        fixed_width = self._fixed_width
        if scroll_x:
            start = fixed_width + scroll_x
            line = Strip.join([line.crop(0, fixed_width), line.crop(start, start + width)])
        return line.adjust_cell_length(width, row_style)

    def _cell_segments(
        self, text: RichText, width: int, style: Style, pad: str, cursor: Style | None
    ) -> list[Segment]:
        """One cell's segments: its text cut or padded to width in its own style, between
        padding in the row's; the cursor's style goes over the whole cell."""
        if cursor is not None:
            style = style + cursor
        if not text.spans:
            own = text.style if isinstance(text.style, Style) else Style.parse(text.style or "")
            shown_len = min(cell_len(text.plain), width)
            text_style = style + own if cursor is None else style + own + cursor
            inner = [Segment(set_cell_size(text.plain, shown_len), text_style)]
            if shown_len < width:
                inner.append(Segment(" " * (width - shown_len), style))
        else:
            shown = text.copy()
            shown.truncate(width, pad=True)
            inner = list(Segment.apply_style(shown.render(self.app.console), style, cursor))
        return [Segment(pad, style), *inner, Segment(pad, style)]
