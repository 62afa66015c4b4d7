"""A quarter's compliance in numbers: the rate against the target, failures, pending and returns.

Textual-free, so the dashboard and written reports share it. Results are cached per quarter:
a change drops only its own and later quarters (checks read history).
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Collection
from dataclasses import dataclass, field

from plugins.api import State
from plugins.engine import Engine, Grid
from plugins.i18n import Text
from plugins.manager import PluginHost
from store import Quarter, Store

GridKeeper = Callable[[Grid, int], None]
"""Receives a grid computed for a summary and the store revision read before computing it."""
GridSource = Callable[[Quarter], tuple[int, Grid]]
"""Where a quarter's grid can come from besides computing it: (store revision, grid)."""


@dataclass(frozen=True, slots=True)
class PendingCauses:
    """Why a quarter's villages are PENDING: how many wait on each unit's return or the meeting."""

    villages: int = 0
    """Villages with at least one PENDING cell."""
    returns: tuple[tuple[str, int], ...] = ()
    """(unit code, villages waiting on that unit's quarterly return), by unit code."""
    meeting: int = 0
    """Villages with a cell no data decides (G1, G2) and no meeting decision yet."""

    @classmethod
    def of(cls, grid: Grid, only: Collection[str] | None = None) -> PendingCauses:
        """The causes over every village of grid, or over the villages in only."""
        villages: set[str] = set()
        by_unit: dict[str, set[str]] = {}
        meeting: set[str] = set()
        for (village, _), cell in grid.cells.items():
            if cell.state is not State.PENDING or (only is not None and village not in only):
                continue
            villages.add(village)
            for unit in cell.waiting_for:
                by_unit.setdefault(unit, set()).add(village)
            if not cell.waiting_for:
                meeting.add(village)
        returns = tuple((unit, len(waiting)) for unit, waiting in sorted(by_unit.items()))
        return cls(len(villages), returns, len(meeting))


@dataclass(frozen=True, slots=True)
class QuarterResult:
    """What a summary needs of one quarter's grid."""

    quarter: Quarter
    compliant: int
    total: int
    target: float
    failures: dict[str, int] = field(default_factory=dict)
    pending: dict[str, int] = field(default_factory=dict)
    undecided: int = 0
    """Villages that fail nothing yet but wait on a return or a decision: they may still comply."""
    errors: int = 0
    """Cells whose check crashed (ERROR): they count as not complying, so the rate drops."""
    error_plugins: tuple[str, ...] = ()
    errored: dict[str, int] = field(default_factory=dict)
    """ERROR cells per criterion."""
    error_villages: int = 0
    causes: PendingCauses = PendingCauses()

    @property
    def incomplete(self) -> bool:
        """Whether cells still wait on a return or the meeting, so the rate is not final."""
        return self.causes.villages > 0

    @property
    def rate(self) -> float:
        return self.compliant / self.total if self.total else 0.0

    @property
    def missing(self) -> int:
        """How many more compliant villages the target needs (0 when met)."""
        return max(0, math.ceil(self.target * self.total - 1e-9) - self.compliant)

    @classmethod
    def of(cls, grid: Grid) -> QuarterResult:
        failures = dict.fromkeys(grid.criteria, 0)
        pending = dict.fromkeys(grid.criteria, 0)
        for (_, criterion), cell in grid.cells.items():
            if cell.state is State.FAIL:
                failures[criterion] += 1
            elif cell.state is State.PENDING:
                pending[criterion] += 1
        undecided = sum(
            1
            for v in grid.villages
            if not grid.failures(v.code)
            and any(grid.cell(v.code, c).state is State.PENDING for c in grid.criteria)
        )
        errored = dict.fromkeys(grid.criteria, 0)
        error_villages: set[str] = set()
        for (village, criterion), cell in grid.cells.items():
            if cell.state is State.ERROR:
                errored[criterion] += 1
                error_villages.add(village)
        errors = sum(errored.values())
        plugins = tuple(sorted({f.plugin for f in grid.errors}))
        return cls(
            grid.quarter,
            grid.compliant,
            len(grid.villages),
            grid.target,
            failures,
            pending,
            undecided,
            errors,
            plugins,
            errored,
            len(error_villages),
            PendingCauses.of(grid),
        )


@dataclass(frozen=True, slots=True)
class UnitReturn:
    """Whether one unit that files returns has filed the quarter's."""

    code: str
    name: Text
    filed_at: str = ""

    @property
    def filed(self) -> bool:
        return bool(self.filed_at)


@dataclass(frozen=True, slots=True)
class QuarterSummary:
    """Everything known of one quarter at a glance: its result, the history and the returns."""

    quarter: Quarter
    current: QuarterResult
    history: tuple[QuarterResult, ...]
    returns: tuple[UnitReturn, ...]


class ResultCache:
    """Quarter results kept until a change at or before their quarter drops them.

    A generation counter, bumped by every drop, keeps a worker that started before a change
    from storing what it computed from the older data.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._generation = 0
        self._results: dict[Quarter, QuarterResult] = {}

    def get(
        self,
        engine: Engine,
        quarter: Quarter,
        keep: GridKeeper | None = None,
        source: GridSource | None = None,
    ) -> QuarterResult:
        """The quarter's result, computed (or taken from source) if not cached; keep receives
        a grid found here."""
        with self._lock:
            generation = self._generation
            cached = self._results.get(quarter)
        if cached is not None:
            return cached
        if source is not None:
            revision, grid = source(quarter)
        else:
            with engine.reading():
                revision = engine.store.revision()
            grid = engine.shown_grid(quarter)
        if keep is not None:
            keep(grid, revision)
        result = QuarterResult.of(grid)
        with self._lock:
            if generation == self._generation:
                self._results[quarter] = result
        return result

    def put(self, grid: Grid) -> None:
        """Keep a grid computed elsewhere (the app's grid of the quarter on screen)."""
        with self._lock:
            self._results[grid.quarter] = QuarterResult.of(grid)

    def drop(self, since: Quarter | None) -> None:
        """Forget the results of since and every later quarter; None forgets all."""
        with self._lock:
            self._generation += 1
            self._results = {
                q: r for q, r in self._results.items() if since is not None and q < since
            }


def compute(
    store: Store,
    host: PluginHost,
    engine: Engine,
    quarter: Quarter,
    cache: ResultCache,
    keep: GridKeeper | None = None,
    source: GridSource | None = None,
) -> QuarterSummary:
    """The summary of quarter: its grid, every quarter with records, its returns.

    keep receives each grid found on the way with the store revision read before it;
    source, if given, finds the grids instead of the engine (the app's kept grids).
    """
    with engine.reading():
        quarters = sorted(set(store.record_quarters()) | {quarter})
    history = tuple(cache.get(engine, q, keep, source) for q in quarters)
    current = next(r for r in history if r.quarter == quarter)
    filed = {r.unit: r.filed_at for r in store.returns(quarter)}
    returns = tuple(
        UnitReturn(unit.code, unit.name, filed.get(unit.code, ""))
        for unit in host.registry.units.values()
        if unit.files_returns
    )
    return QuarterSummary(quarter, current, history, returns)
