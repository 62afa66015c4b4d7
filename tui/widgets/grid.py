"""The compliance grid: villages by the fifteen criteria, each cell a colour and a symbol.

The symbols read without colour (a colour-blind reader, a black-and-white projector) and
are one cell wide and not East-Asian-ambiguous, so CJK terminals align them.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Literal

from rich.text import Text as RichText
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.events import Resize
from textual.widgets import DataTable, Static
from textual.widgets.data_table import CellDoesNotExist, ColumnKey, RowKey

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


class GridTable(DataTable[RichText]):
    """The grid's DataTable; Enter opens the evidence of the cell under the cursor."""

    BINDINGS = keys.owned("grid_table")

    async def action_open_evidence(self) -> None:
        """Open the evidence at once, not through a CellSelected message that keys typed
        after Enter would overtake."""
        grid = self.parent
        if isinstance(grid, ComplianceGrid):
            await grid.open_evidence()

    def update_cells(self, changes: list[tuple[str, str, RichText]]) -> None:
        """Put new values in many cells (row key, column key, value) with one refresh.

        `update_cell` refreshes the table once per cell, which at thousands of changed cells
        (a quarter step at county scale) costs more than the repaint; this writes the cells
        as `update_cell` does (Textual is pinned) and refreshes once.
        """
        if not changes:
            return
        for row, column, _ in changes:
            if row not in self._data or column not in self._data[RowKey(row)]:
                raise CellDoesNotExist(
                    f"No cell exists for row_key={row!r}, column_key={column!r}."
                )
        for row, column, value in changes:
            self._data[RowKey(row)][ColumnKey(column)] = value
        self._update_count += 1
        self.refresh()


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
        yield GridTable(id="grid-table", cursor_type="cell", zebra_stripes=True, fixed_columns=1)
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
        """Show grid: update changed cells in place when the rows are the same, else rebuild."""
        before, self.grid = self.grid, grid
        self._villages = {v.code: v for v in grid.villages}
        if self.office is not None and self.office not in self.offices():
            self.office = None
        rows = [v.code for v in self.shown_villages()]
        columns = [str(column.value) for column in self.table.columns]
        if rows == self._row_keys and columns == list(self.columns_shown.columns()):
            self._update_in_place(before)
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

    def _row(self, village: Village) -> list[RichText]:
        assert self.grid is not None
        values: list[RichText] = []
        for column in self.columns_shown.columns():
            if column == "code":
                values.append(RichText(village.code))
            elif column == "name":
                values.append(RichText(village.name))
            elif column == "office":
                values.append(RichText(village.office))
            elif column == "complies":
                values.append(complies_text(self.grid, village.code))
            else:
                values.append(cell_text(self.grid.cell(village.code, column).state))
        return values

    def _column_label(self, column: str) -> str:
        if column in BY_CODE:
            return column
        return tr("col.village" if column == "name" else f"col.{column}", self.lang)

    def _rebuild(self) -> None:
        table = self.table
        village, column = self.cursor_village(), self.cursor_column()
        table.clear(columns=True)
        table.fixed_columns = 2 if self.columns_shown.wide else 1
        for key in self.columns_shown.columns():
            width = 2 if key in BY_CODE else None
            table.add_column(self._column_label(key), key=key, width=width)
        villages = self.shown_villages()
        for v in villages:
            table.add_row(*self._row(v), key=v.code)
        self._row_keys = [v.code for v in villages]
        self.rebuilds += 1
        self._move_to(village, column)

    def _update_in_place(self, before: Grid | None) -> None:
        """Update the cells whose state changed since before; a row whose cells are the very
        same objects (a save recomputes only its village's row) is not looked at again.
        """
        assert self.grid is not None
        grid = self.grid
        columns = self.columns_shown.columns()
        criteria = [c for c in columns if c in BY_CODE]
        was = {v.code: v for v in before.villages} if before is not None else {}
        changes: list[tuple[str, str, RichText]] = []
        for village in self.shown_villages():
            code = village.code
            changed = before is None
            for criterion in criteria:
                cell = grid.cells[(code, criterion)]
                old = before.cells.get((code, criterion)) if before is not None else None
                if old is not cell and (old is None or old.state is not cell.state):
                    changes.append((code, criterion, cell_text(cell.state)))
                    changed = True
            if changed:
                changes.append((code, "complies", complies_text(grid, code)))
            if was.get(code) != village:
                for column, value in zip(columns, self._row(village), strict=True):
                    if column not in BY_CODE and column != "complies":
                        changes.append((code, column, value))
        self.table.update_cells(changes)
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

    @on(DataTable.CellHighlighted)
    def _cell_highlighted(self, event: DataTable.CellHighlighted) -> None:
        event.stop()
        self._update_cursor_line()

    @on(DataTable.CellSelected)
    async def _cell_selected(self, event: DataTable.CellSelected) -> None:
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
        line.append("\n" if pending else "  |  ")
        line.append_text(self._legend_symbols(counts))
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
        self.query_one("#grid-cell", Static).update(self._cursor_line(), layout=False)

    def _cursor_line(self) -> RichText | str:
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
