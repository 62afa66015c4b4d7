"""The compliance engine: turns checks, returns and meeting decisions into the quarter's grid.

A cell follows DESIGN.md: a meeting decision wins; else failing evidence gives
FAIL; else PASS once every unit the criterion depends on has filed its return;
else PENDING. A check that raises gives ERROR naming its plugin.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from plugins.api import Check, Finding, State
from plugins.criteria import CRITERION_CODES
from plugins.i18n import Text
from plugins.manager import PLUGIN_ERRORS, PluginHost, describe
from store import Decision, Quarter, QuarterWindow, Record, Store, Village

PARSED_OBJECTS = 50_000
"""Objects allocated by one store read from which it counts as a parse worth freezing.

Freezing only after a parse, not after every cached read, keeps what the collector never
sees again to the parsed records and little else.
"""


@dataclass(frozen=True, slots=True)
class CellFinding:
    """One check's result in a cell, with who produced it."""

    check: str
    unit: str
    plugin: str
    state: State
    message: Text
    evidence: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class Cell:
    """One village × criterion × quarter: its state, the data's own verdict and why."""

    village: str
    criterion: str
    state: State
    data_state: State
    findings: tuple[CellFinding, ...] = ()
    decision: Decision | None = None
    waiting_for: tuple[str, ...] = ()

    @property
    def evidence(self) -> tuple[int, ...]:
        return tuple(sorted({i for f in self.findings for i in f.evidence}))

    def against_data(self, passed: bool) -> bool:
        """Whether a decision of passed would go against what the data says."""
        return (passed and self.data_state is State.FAIL) or (
            not passed and self.data_state is State.PASS
        )


@dataclass(frozen=True, slots=True)
class GridBasis:
    """What every row of a grid was computed from besides the village's own records.

    Two grids of a quarter with the same basis differ only in rows whose records or
    decisions differ, so a grid can be brought up to date one row at a time.
    """

    villages: tuple[Village, ...]
    filed: frozenset[str]
    thresholds: tuple[tuple[str, tuple[tuple[str, float], ...]], ...]
    target: float
    registry: int


@dataclass(slots=True)
class Grid:
    """The whole grid of one quarter: active villages × the fifteen criteria."""

    quarter: Quarter
    villages: list[Village]
    cells: dict[tuple[str, str], Cell]
    target: float
    criteria: tuple[str, ...] = CRITERION_CODES
    errors: list[CellFinding] = field(default_factory=list)
    basis: GridBasis | None = field(default=None, compare=False, repr=False)
    """The inputs shared by every row; None for a grid read from a snapshot."""
    frozen: bool = field(default=False, compare=False)
    """Whether the grid was read from the quarter's finalized snapshot rather than computed."""

    def cell(self, village: str, criterion: str) -> Cell:
        return self.cells[(village, criterion)]

    def complies(self, village: str) -> bool:
        cells = self.cells
        return all(cells[(village, c)].state is State.PASS for c in self.criteria)

    def failures(self, village: str) -> list[str]:
        cells = self.cells
        return [c for c in self.criteria if cells[(village, c)].state is State.FAIL]

    @property
    def compliant(self) -> int:
        return sum(1 for v in self.villages if self.complies(v.code))

    @property
    def rate(self) -> float:
        return self.compliant / len(self.villages) if self.villages else 0.0

    def to_doc(self) -> dict[str, Any]:
        """A JSON form of the grid, for snapshots and `pingan grid --format json`."""
        return {
            "quarter": str(self.quarter),
            "compliant": self.compliant,
            "total": len(self.villages),
            "rate": round(self.rate, 4),
            "target": self.target,
            "villages": [
                {
                    "code": v.code,
                    "name": v.name,
                    "office": v.office,
                    **{c: str(self.cells[(v.code, c)].state) for c in self.criteria},
                    "complies": "yes" if self.complies(v.code) else "no",
                }
                for v in self.villages
            ],
        }


def verdict_state(passed: bool) -> State:
    """The state a meeting decision gives its cell: PASS or FAIL."""
    return State.PASS if passed else State.FAIL


class _Context:
    """The CheckContext a check receives; records come as tuples so a check cannot edit them."""

    __slots__ = ("_window", "_unit_thresholds", "_unit", "_records", "quarter", "village", "filed")

    def __init__(
        self,
        quarter: Quarter,
        village: Village,
        window: QuarterWindow,
        unit_thresholds: dict[str, dict[str, float]],
        filed: frozenset[str] = frozenset(),
    ) -> None:
        self.quarter = quarter
        self.filed = filed
        self._records: dict[str, Sequence[Record]] = {}
        """The village's records by type, each tuple made once for the row's checks."""
        self.village = village
        self._window = window
        self._unit_thresholds = unit_thresholds
        self._unit = ""

    def records(self, record_type: str) -> Sequence[Record]:
        found = self._records.get(record_type)
        if found is None:
            found = self._records[record_type] = self._window.village_records(
                self.village.code, record_type
            )
        return found

    def history(self, record_type: str) -> Sequence[Record]:
        return self._window.history(self.village.code, record_type)

    def threshold(self, name: str) -> float:
        values = self._unit_thresholds.get(self._unit, {})
        if name not in values:
            raise KeyError(f"unit {self._unit!r} declares no threshold {name!r}")
        return values[name]


@dataclass(frozen=True, slots=True)
class _Criterion:
    """One criterion in a grid: its checks with their plugins, and whose return it awaits."""

    code: str
    checks: tuple[tuple[Check, str], ...]
    waiting: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _Inputs:
    """Everything a quarter's grid reads, taken once: rows are computed from it alone."""

    quarter: Quarter
    basis: GridBasis
    window: QuarterWindow
    decisions: dict[tuple[str, str], Decision]
    thresholds: dict[str, dict[str, float]]
    criteria: tuple[_Criterion, ...]


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Keep the cyclic garbage collector out of a grid's computation.

    A grid makes tens of thousands of small objects without cycles; collections the
    allocations would trigger find nothing to free and cost about a fifth of the time.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class Engine:
    """Computes grids and single cells from a store and the loaded plugins."""

    def __init__(self, store: Store, host: PluginHost) -> None:
        self.store = store
        self.host = host
        self._reading = threading.RLock()

    @contextmanager
    def reading(self) -> Iterator[None]:
        """Read the store one thread at a time, without the cyclic garbage collector.

        The store caches each parsed file, but two threads missing the cache at once would
        both parse it; one at a time, each file is parsed once. Parsed records are many,
        long-lived and free of cycles: collecting while they are built roughly doubles the
        cost, and freezing them afterwards keeps later collections from walking them again.
        """
        with self._reading:
            enabled = gc.isenabled()
            allocated = gc.get_count()[0]
            gc.disable()
            try:
                yield
            finally:
                if enabled:
                    gc.enable()
                if gc.get_count()[0] - allocated >= PARSED_OBJECTS:
                    gc.freeze()

    def _thresholds(self) -> dict[str, dict[str, float]]:
        settings = self.store.settings()
        return {
            code: {
                t.name: settings.threshold(f"{code}.{t.name}", t.default) for t in unit.thresholds
            }
            for code, unit in self.host.registry.units.items()
        }

    def _inputs(self, quarter: Quarter) -> _Inputs:
        with self.reading():
            return self._read_inputs(quarter)

    def _read_inputs(self, quarter: Quarter) -> _Inputs:
        villages = tuple(self.store.villages(active_only=True))
        filed = frozenset(self.store.filed_units(quarter))
        thresholds = self._thresholds()
        registry = self.host.registry
        by_criterion = registry.checks_by_criterion()
        known = registry.units
        criteria = []
        for code in CRITERION_CODES:
            checks = by_criterion.get(code, [])
            units = sorted({c.unit for c in checks})
            waiting = tuple(
                u for u in units if u not in filed and (u not in known or known[u].files_returns)
            )
            plugins = tuple((c, registry.plugin_of_check.get(c.name, c.unit)) for c in checks)
            criteria.append(_Criterion(code, plugins, waiting))
        basis = GridBasis(
            villages,
            filed,
            tuple(sorted((u, tuple(sorted(t.items()))) for u, t in thresholds.items())),
            self.store.settings().target(quarter.year),
            id(registry),
        )
        return _Inputs(
            quarter,
            basis,
            self.store.window(quarter),
            {(d.village, d.criterion): d for d in self.store.decisions(quarter)},
            thresholds,
            tuple(criteria),
        )

    def grid(self, quarter: Quarter) -> Grid:
        """The quarter's grid computed from the live data, whether or not it is finalized."""
        inputs = self._inputs(quarter)
        cells: dict[tuple[str, str], Cell] = {}
        with _collector_paused():
            for village in inputs.basis.villages:
                self._row(inputs, village, cells)
        return self._grid(inputs, cells)

    def shown_grid(self, quarter: Quarter) -> Grid:
        """The grid a person looks at: a finalized quarter's frozen snapshot, else the live one.

        Reading the snapshot spares the computation and shows the result the town reported.
        """
        frozen = self.frozen_grid(quarter)
        return frozen if frozen is not None else self.grid(quarter)

    def update_rows(self, grid: Grid, villages: Iterable[str]) -> Grid:
        """grid brought up to date after a change to the records or decisions of villages only.

        Only those villages' rows are computed again (a check sees one village's records);
        when anything every row reads has changed (villages, returns, settings, plugins) or
        grid is frozen, the whole grid is computed.
        """
        if grid.frozen or grid.basis is None:
            return self.shown_grid(grid.quarter)
        inputs = self._inputs(grid.quarter)
        if inputs.basis != grid.basis:
            return self.grid(grid.quarter)
        cells = dict(grid.cells)
        shown = {v.code: v for v in inputs.basis.villages}
        errors = bool(grid.errors)
        for code in dict.fromkeys(villages):
            village = shown.get(code)
            if village is not None:
                self._row(inputs, village, cells)
                errors = errors or any(
                    f.state is State.ERROR
                    for c in CRITERION_CODES
                    for f in cells[(code, c)].findings
                )
        if errors:
            return self._grid(inputs, cells)
        basis = inputs.basis
        return Grid(inputs.quarter, list(basis.villages), cells, basis.target, basis=basis)

    def _grid(self, inputs: _Inputs, cells: dict[tuple[str, str], Cell]) -> Grid:
        basis = inputs.basis
        errors = [
            f
            for v in basis.villages
            for code in CRITERION_CODES
            for f in cells[(v.code, code)].findings
            if f.state is State.ERROR
        ]
        return Grid(
            inputs.quarter, list(basis.villages), cells, basis.target, errors=errors, basis=basis
        )

    def _row(self, inputs: _Inputs, village: Village, cells: dict[tuple[str, str], Cell]) -> None:
        ctx = _Context(
            inputs.quarter, village, inputs.window, inputs.thresholds, inputs.basis.filed
        )
        decisions = inputs.decisions
        for criterion in inputs.criteria:
            key = (village.code, criterion.code)
            cells[key] = self._cell(ctx, criterion, decisions.get(key))

    def cell(self, quarter: Quarter, village_code: str, criterion: str) -> Cell:
        village = self.store.village(village_code)
        if village is None:
            raise KeyError(f"unknown village {village_code}")
        inputs = self._inputs(quarter)
        ctx = _Context(quarter, village, inputs.window, inputs.thresholds, inputs.basis.filed)
        plan = next(c for c in inputs.criteria if c.code == criterion)
        return self._cell(ctx, plan, inputs.decisions.get((village_code, criterion)))

    def frozen_grid(self, quarter: Quarter) -> Grid | None:
        """The grid a finalized quarter's snapshot froze, with its cells' findings; None if open."""
        with self.reading():
            snap = self.store.snapshot(quarter)
        if not snap or not snap.get("locked"):
            return None
        return grid_of_snapshot(quarter, snap)

    def _cell(self, ctx: _Context, criterion: _Criterion, decision: Decision | None) -> Cell:
        findings: list[CellFinding] = []
        waiting = criterion.waiting
        failed = errored = False
        for check, plugin in criterion.checks:
            ctx._unit = check.unit
            try:
                result = check.function(ctx)
                if not isinstance(result, Finding) or result.state not in (State.PASS, State.FAIL):
                    raise TypeError(f"check returned {result!r}, not a PASS or FAIL Finding")
            except PLUGIN_ERRORS as exc:
                errored = True
                findings.append(
                    CellFinding(
                        check.name,
                        check.unit,
                        plugin,
                        State.ERROR,
                        Text(
                            f"插件 {plugin} 的检查出错：{describe(exc)}",
                            f"check of plugin {plugin} failed: {describe(exc)}",
                        ),
                    )
                )
                continue
            found_state: State = result.state
            if result.shortfall and check.unit in waiting:
                found_state = State.PENDING
            elif found_state is State.FAIL:
                failed = True
            findings.append(
                CellFinding(
                    check.name, check.unit, plugin, found_state, result.message, result.evidence
                )
            )
        if failed:
            data_state = State.FAIL
        elif errored:
            data_state = State.ERROR
        elif criterion.checks and not waiting:
            data_state = State.PASS
        else:
            data_state = State.PENDING
        state = data_state if decision is None else verdict_state(decision.passed)
        return Cell(
            ctx.village.code, criterion.code, state, data_state, tuple(findings), decision, waiting
        )


def grid_of_snapshot(quarter: Quarter, snap: dict[str, Any]) -> Grid | None:
    """A grid rebuilt from a snapshot's grid document and the evidence saved beside it.

    None when the snapshot lacks the cells' evidence (then only states were frozen).
    """
    doc = snap.get("grid")
    evidence = snap.get("evidence")
    if not isinstance(doc, dict) or not isinstance(evidence, dict):
        return None
    saved = evidence.get("cells")
    if not isinstance(saved, dict):
        return None
    try:
        villages = [Village(v["code"], v["name"], v.get("office", "")) for v in doc["villages"]]
        cells: dict[tuple[str, str], Cell] = {}
        errors: list[CellFinding] = []
        for village in villages:
            row = saved[village.code]
            for code in CRITERION_CODES:
                cell = _cell_of_doc(quarter, village.code, code, row[code])
                cells[(village.code, code)] = cell
                errors.extend(f for f in cell.findings if f.state is State.ERROR)
        target = float(doc.get("target", 0.0))
    except (KeyError, TypeError, ValueError):
        return None
    return Grid(quarter, villages, cells, target, errors=errors, frozen=True)


def _cell_of_doc(quarter: Quarter, village: str, criterion: str, doc: dict[str, Any]) -> Cell:
    findings = tuple(
        CellFinding(
            f["check"],
            f["unit"],
            f["plugin"],
            State(f["state"]),
            Text(f["message"]["zh"], f["message"]["en"]),
            tuple(int(i) for i in f.get("evidence", ())),
        )
        for f in doc.get("findings", ())
    )
    d = doc.get("decision")
    decision = (
        None
        if not d
        else Decision(
            quarter,
            village,
            criterion,
            bool(d["passed"]),
            d.get("reason", ""),
            d.get("actor", ""),
            d.get("at", ""),
        )
    )
    return Cell(
        village,
        criterion,
        State(doc["state"]),
        State(doc["data_state"]),
        findings,
        decision,
        tuple(doc.get("waiting_for", ())),
    )
