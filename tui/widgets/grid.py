"""The compliance grid: villages by the fifteen criteria, each cell a colour and a symbol.

The symbols read without colour (a colour-blind reader, a black-and-white projector) and
are one cell wide and not East-Asian-ambiguous, so CJK terminals align them.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Literal

from rich.cells import cell_len
from rich.text import Text as RichText
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.events import Resize
from textual.widgets import Static
from textual.widgets.data_table import ColumnKey

from plugins.api import State
from plugins.criteria import BY_CODE, CRITERION_CODES
from plugins.engine import Cell, Grid
from plugins.offices import by_office, sort_offices
from plugins.summary import PendingCauses
from store import Village
from tui import keys
from tui.app_access import PinganAccess
from tui.pending_text import pending_phrase
from tui.screens.evidence import EvidenceScreen
from tui.state_styles import STATE_STYLES
from tui.symbols import STATE_SYMBOLS, state_name
from tui.text import tr
from tui.widgets.grid_table import LineTable, TableColumn

WIDE_MIN = 110
"""From this terminal width on, the grid also shows the village code and office columns."""

SortOrder = Literal["code", "office", "failures"]
SORT_ORDERS: tuple[SortOrder, ...] = ("code", "office", "failures")


@functools.cache
def cell_text(state: State) -> RichText:
    """The symbol of a state in its colour."""
    return RichText(STATE_SYMBOLS[state], style=STATE_STYLES[state].cell)


def complies_text(grid: Grid, village: str) -> RichText:
    """The complies column: ✔, ✘ with the failure count, ! on an error, else ?."""
    if grid.complies(village):
        return cell_text(State.PASS)
    failures = len(grid.failures(village))
    if failures:
        return RichText(
            f"{STATE_SYMBOLS[State.FAIL]}{failures}", style=STATE_STYLES[State.FAIL].cell
        )
    states = {grid.cell(village, code).state for code in grid.criteria}
    return cell_text(State.ERROR if State.ERROR in states else State.PENDING)


@dataclass(frozen=True, slots=True)
class GridColumns:
    """Which columns the grid shows: the wide layout adds the code and office columns."""

    wide: bool

    def columns(self) -> tuple[str, ...]:
        head = ("code", "name", "office") if self.wide else ("name",)
        return (*head, *CRITERION_CODES, "complies")


class GridTable(LineTable):
    """The grid's table; Enter opens the evidence of the cell under the cursor."""

    BINDINGS = keys.owned("grid_table")

    def cursor_moved(self) -> None:
        """Update the grid's cursor line with the move, so both repaint in one frame."""
        grid = self.parent
        if isinstance(grid, ComplianceGrid):
            grid.cursor_line_follows()
        else:
            super().cursor_moved()

    async def action_open_evidence(self) -> None:
        """Open the evidence at once, not through a message that keys typed after Enter
        would overtake."""
        grid = self.parent
        if isinstance(grid, ComplianceGrid):
            await grid.open_evidence()


class ComplianceGrid(PinganAccess, Vertical):
    """The grid tab: a bar with the filter and sort, the table, the cursor cell and a legend."""

    BINDINGS = keys.owned("grid")
    DEFAULT_CSS = """
    ComplianceGrid { height: 1fr; }
    ComplianceGrid > GridTable { height: 1fr; }
    ComplianceGrid > Static { height: 1; width: 1fr; }
    ComplianceGrid > #grid-legend { height: auto; }
    """

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 - Textual's name
        super().__init__(id=id)
        self.grid: Grid | None = None
        """The grid on show, None until the app's first grid arrives."""
        self.office: str | None = None
        """The office whose villages are shown; None shows every office."""
        self.sort: SortOrder = "code"
        self.columns_shown = GridColumns(wide=False)
        self.rebuilds = 0
        """How many times the table was rebuilt rather than updated in place."""
        self._row_keys: list[str] = []
        self._villages: dict[str, Village] = {}

    @property
    def lang(self) -> str:
        return self.pingan.lang

    @property
    def table(self) -> GridTable:
        return self.query_one(GridTable)

    def compose(self) -> ComposeResult:
        yield Static(id="grid-bar")
        yield GridTable(id="grid-table")
        yield Static(id="grid-cell")
        yield Static(id="grid-legend")

    def on_mount(self) -> None:
        self.columns_shown = GridColumns(wide=self.app.size.width >= WIDE_MIN)
        self.watch(self.app, "lang", self._relabel, init=False)
        keys.follow_language(self)
        keys.follow_language(self.table)
        if self.pingan.grid is not None:
            self.show(self.pingan.grid)
        else:
            self._update_bars()

    def _relabel(self, lang: str) -> None:
        if self.grid is not None:
            self._rebuild()
        self._update_bars()

    def on_resize(self, event: Resize) -> None:
        layout = GridColumns(wide=self.app.size.width >= WIDE_MIN)
        if layout != self.columns_shown:
            self.columns_shown = layout
            if self.grid is not None:
                self._rebuild()

    # showing a grid

    def show(self, grid: Grid) -> None:
        """Show grid: repaint in place when the rows and columns are the same, else rebuild."""
        self.grid = grid
        self._villages = {v.code: v for v in grid.villages}
        if self.office is not None and self.office not in self.offices():
            self.office = None
        rows = [v.code for v in self.shown_villages()]
        if rows == self._row_keys and self._table_columns() == list(self.table.columns.values()):
            self._update_in_place()
        else:
            self._rebuild()
        self._update_bars()

    def offices(self) -> list[str]:
        """The offices of the grid's villages, in the town's order."""
        return (
            sort_offices((v.office for v in self.grid.villages), self.grid.villages)
            if self.grid
            else []
        )

    def shown_villages(self) -> list[Village]:
        """The grid's villages after the office filter, in the sort order."""
        if self.grid is None:
            return []
        grid = self.grid
        villages = [v for v in grid.villages if self.office is None or v.office == self.office]
        if self.sort == "office":
            return by_office(villages)
        if self.sort == "failures":
            return sorted(villages, key=lambda v: (-len(grid.failures(v.code)), v.code))
        return sorted(villages, key=lambda v: v.code)

    def cell(self, village: str, column: str) -> RichText:
        """The text the table shows for a village's column, read from the grid when drawn."""
        assert self.grid is not None
        if column in BY_CODE:
            return cell_text(self.grid.cells[(village, column)].state)
        if column == "complies":
            return complies_text(self.grid, village)
        shown = self._villages[village]
        return RichText(shown.code if column == "code" else getattr(shown, column))

    def _column_label(self, column: str) -> RichText:
        if column in BY_CODE:
            return RichText(column)
        return RichText(tr("col.village" if column == "name" else f"col.{column}", self.lang))

    def _table_columns(self) -> list[TableColumn]:
        """The table's columns: criteria two cells wide, the complies column wide enough for
        ✘ and two digits, the others as wide as their longest text."""
        villages = list(self._villages.values())
        columns: list[TableColumn] = []
        for key in self.columns_shown.columns():
            label = self._column_label(key)
            if key in BY_CODE:
                width = 2
            elif key == "complies":
                width = max(label.cell_len, 1 + len(str(len(CRITERION_CODES))))
            else:
                texts = {getattr(v, key) for v in villages}
                width = max((cell_len(t) for t in texts), default=0)
                width = max(width, label.cell_len)
            columns.append(TableColumn(ColumnKey(key), label, width))
        return columns

    def _rebuild(self) -> None:
        table = self.table
        village, column = self.cursor_village(), self.cursor_column()
        villages = self.shown_villages()
        self._row_keys = [v.code for v in villages]
        table.set_table(
            self._table_columns(),
            self._row_keys,
            self.cell,
            fixed_columns=2 if self.columns_shown.wide else 1,
        )
        self.rebuilds += 1
        self._move_to(village, column)

    def _update_in_place(self) -> None:
        """Repaint the table's visible rows from the new grid: its rows and columns are the same."""
        self.table.refresh_cells(self.cell)
        self._update_cursor_line()

    def _move_to(self, village: str | None, column: str | None) -> None:
        table = self.table
        row = self._row_keys.index(village) if village in self._row_keys else 0
        columns = list(self.columns_shown.columns())
        col = columns.index(column) if column in columns else columns.index(CRITERION_CODES[0])
        if self._row_keys:
            table.move_cursor(row=row, column=col, animate=False)
        self._update_cursor_line()

    # the cursor

    def cursor_village(self) -> str | None:
        """The code of the village under the cursor."""
        row = self.table.cursor_row
        return self._row_keys[row] if 0 <= row < len(self._row_keys) else None

    def cursor_column(self) -> str | None:
        """The key of the column under the cursor."""
        columns = list(self.table.columns)
        col = self.table.cursor_column
        return str(columns[col].value) if 0 <= col < len(columns) else None

    def cursor_cell(self) -> Cell | None:
        """The grid cell under the cursor, if the cursor is on a criterion column."""
        village, column = self.cursor_village(), self.cursor_column()
        if self.grid is None or village is None or column not in BY_CODE:
            return None
        return self.grid.cell(village, column)

    def select_village(self, code: str) -> None:
        """Put the cursor on a village's row, clearing the office filter if it hides it."""
        if code not in self._row_keys and self.office is not None:
            self.office = None
            self._rebuild()
            self._update_bars()
        if code in self._row_keys:
            self._move_to(code, self.cursor_column())
        self.table.focus()

    def cursor_line_follows(self) -> None:
        """Show the cell under the table's cursor, which has just moved, in the cursor line."""
        self._update_cursor_line()

    @on(LineTable.CellSelected)
    async def _cell_selected(self, event: LineTable.CellSelected) -> None:
        event.stop()
        await self.open_evidence()

    async def open_evidence(self) -> None:
        """Open the evidence of the cell under the cursor (on another column: the worst cell)."""
        village = self.cursor_village()
        if self.grid is None or village is None:
            self.notify(tr("notice.no_cell", self.lang))
            return
        column = self.cursor_column()
        if column not in BY_CODE:
            column = self._worst_criterion(village)
            self._move_to(village, column)
        cell = self.grid.cell(village, column)
        shown = next(v for v in self.grid.villages if v.code == village)
        await self.app.push_screen(EvidenceScreen(self.grid.quarter, shown, cell))

    def _worst_criterion(self, village: str) -> str:
        assert self.grid is not None
        for state in (State.FAIL, State.ERROR, State.PENDING):
            for code in self.grid.criteria:
                if self.grid.cell(village, code).state is state:
                    return code
        return self.grid.criteria[0]

    # actions

    def action_cycle_office(self) -> None:
        """Show the next office's villages; after the last office, every office again."""
        choices: list[str | None] = [None, *self.offices()]
        self.office = choices[(choices.index(self.office) + 1) % len(choices)]
        if self.grid is not None:
            self.show(self.grid)

    def action_cycle_sort(self) -> None:
        """Sort by the next order: code, grouped by office, most failures first."""
        self.sort = SORT_ORDERS[(SORT_ORDERS.index(self.sort) + 1) % len(SORT_ORDERS)]
        if self.grid is not None:
            self.show(self.grid)

    # bars

    def _update_bars(self) -> None:
        lang = self.lang
        bar = self.query_one("#grid-bar", Static)
        legend = self.query_one("#grid-legend", Static)
        if self.grid is None:
            bar.update(tr("grid.computing", lang))
            legend.update(self._legend_symbols({}))
            return
        office = self.office if self.office is not None else tr("grid.office_all", lang)
        shown = self.shown_villages()
        bar.update(
            "  ".join(
                (
                    str(self.grid.quarter),
                    tr("grid.office", lang, office=office),
                    tr("grid.sort", lang, order=tr(f"grid.sort.{self.sort}", lang)),
                    tr("grid.villages", lang, shown=len(shown), total=len(self.grid.villages)),
                )
            )
        )
        counts: dict[State, int] = dict.fromkeys(State, 0)
        for village in shown:
            for code in self.grid.criteria:
                counts[self.grid.cell(village.code, code).state] += 1
        grid = self.grid
        line = RichText(
            tr(
                "grid.compliant" if self.office is None else "grid.compliant_town",
                lang,
                compliant=grid.compliant,
                total=len(grid.villages),
                rate=f"{grid.rate:.0%}",
                target=f"{grid.target:.0%}",
            )
        )
        if self.office is not None:
            ours = sum(1 for v in shown if grid.complies(v.code))
            line.append(
                tr(
                    "grid.compliant_office",
                    lang,
                    office=self.office,
                    compliant=ours,
                    total=len(shown),
                )
            )
        pending = pending_phrase(PendingCauses.of(grid), self.pingan.host, lang)
        if pending:
            line.append(f"  {pending}")
        symbols, beside = self._legend_symbols(counts), "  |  "
        # the symbols go on a line of their own unless both fit: a wrap would split one of them
        width = legend.size.width or self.app.size.width
        fits = line.cell_len + len(beside) + symbols.cell_len <= width
        line.append(beside if fits and not pending else "\n")
        line.append_text(symbols)
        if grid.errors:
            plugins = ", ".join(sorted({f.plugin for f in grid.errors}))
            line.append("  ")
            line.append(
                tr("grid.errors", lang, count=len(grid.errors), plugins=plugins),
                style=STATE_STYLES[State.ERROR].cell,
            )
        legend.update(line)
        self._update_cursor_line()

    def _legend_symbols(self, counts: dict[State, int]) -> RichText:
        line = RichText()
        for state in State:
            line.append(STATE_SYMBOLS[state], style=STATE_STYLES[state].cell)
            line.append(f" {state_name(state, self.lang)} {counts.get(state, 0)}  ")
        line.rstrip()
        return line

    def _update_cursor_line(self) -> None:
        """Show the cursor line: one row of fixed width, so a cursor move needs no layout."""
        self.query_one("#grid-cell", Static).update(self.cursor_line(), layout=False)

    def cursor_line(self) -> RichText | str:
        """What the cursor line says of the cell (or village) under the cursor."""
        village_code = self.cursor_village()
        if self.grid is None or village_code is None:
            return ""
        lang = self.lang
        village = self._villages[village_code]
        line = RichText(f"{village.name} {village.code}  ")
        cell = self.cursor_cell()
        if cell is None:
            line.append_text(complies_text(self.grid, village_code))
            failures = len(self.grid.failures(village_code))
            if self.grid.complies(village_code):
                line.append(" " + tr("complies.yes", lang))
            elif failures:
                line.append(" " + tr("complies.no", lang, count=failures))
            else:
                line.append(" " + tr("complies.pending", lang))
            return line
        line.append(f"{cell.criterion} {tr(BY_CODE[cell.criterion].name, lang)}  ")
        line.append(STATE_SYMBOLS[cell.state], style=STATE_STYLES[cell.state].cell)
        line.append(f" {state_name(cell.state, lang)}")
        reason = next((f for f in cell.findings if f.state is cell.state), None)
        if cell.decision is not None:
            line.append(f"  {tr('evidence.decision', lang)} {cell.decision.reason}".rstrip())
        elif reason is not None:
            line.append(f"  {tr(reason.message, lang)}")
        return line
