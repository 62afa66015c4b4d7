"""The compliance engine: turns checks, returns and meeting decisions into the quarter's grid.

A cell follows DESIGN.md: a meeting decision wins; else failing evidence gives
FAIL; else PASS once every unit the criterion depends on has filed its return;
else PENDING. A check that raises gives ERROR naming its plugin.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from plugins.api import Check, Finding, State
from plugins.criteria import CRITERION_CODES
from plugins.i18n import Text
from plugins.manager import PLUGIN_ERRORS, PluginHost, describe
from store import Decision, Quarter, QuarterWindow, Record, Store, Village


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


@dataclass(slots=True)
class Grid:
    """The whole grid of one quarter: active villages × the fifteen criteria."""

    quarter: Quarter
    villages: list[Village]
    cells: dict[tuple[str, str], Cell]
    target: float
    criteria: tuple[str, ...] = CRITERION_CODES
    errors: list[CellFinding] = field(default_factory=list)

    def cell(self, village: str, criterion: str) -> Cell:
        return self.cells[(village, criterion)]

    def complies(self, village: str) -> bool:
        return all(self.cells[(village, c)].state is State.PASS for c in self.criteria)

    def failures(self, village: str) -> list[str]:
        return [c for c in self.criteria if self.cells[(village, c)].state is State.FAIL]

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

    __slots__ = ("_window", "_unit_thresholds", "_unit", "quarter", "village")

    def __init__(
        self,
        quarter: Quarter,
        village: Village,
        window: QuarterWindow,
        unit_thresholds: dict[str, dict[str, float]],
    ) -> None:
        self.quarter = quarter
        self.village = village
        self._window = window
        self._unit_thresholds = unit_thresholds
        self._unit = ""

    def records(self, record_type: str) -> Sequence[Record]:
        return self._window.village_records(self.village.code, record_type)

    def history(self, record_type: str) -> Sequence[Record]:
        return self._window.history(self.village.code, record_type)

    def threshold(self, name: str) -> float:
        values = self._unit_thresholds.get(self._unit, {})
        if name not in values:
            raise KeyError(f"unit {self._unit!r} declares no threshold {name!r}")
        return values[name]


class Engine:
    """Computes grids and single cells from a store and the loaded plugins."""

    def __init__(self, store: Store, host: PluginHost) -> None:
        self.store = store
        self.host = host

    def _thresholds(self) -> dict[str, dict[str, float]]:
        settings = self.store.settings()
        return {
            code: {
                t.name: settings.threshold(f"{code}.{t.name}", t.default) for t in unit.thresholds
            }
            for code, unit in self.host.registry.units.items()
        }

    def grid(self, quarter: Quarter) -> Grid:
        villages = self.store.villages(active_only=True)
        filed = self.store.filed_units(quarter)
        decisions = {(d.village, d.criterion): d for d in self.store.decisions(quarter)}
        checks = self.host.registry.checks_by_criterion()
        thresholds = self._thresholds()
        window = self.store.window(quarter)
        grid = Grid(quarter, villages, {}, self.store.settings().target(quarter.year))
        for village in villages:
            ctx = _Context(quarter, village, window, thresholds)
            for code in CRITERION_CODES:
                cell = self._cell(
                    ctx, code, checks.get(code, []), filed, decisions.get((village.code, code))
                )
                grid.cells[(village.code, code)] = cell
                grid.errors.extend(f for f in cell.findings if f.state is State.ERROR)
        return grid

    def cell(self, quarter: Quarter, village_code: str, criterion: str) -> Cell:
        village = self.store.village(village_code)
        if village is None:
            raise KeyError(f"unknown village {village_code}")
        decision = next(
            (
                d
                for d in self.store.decisions(quarter)
                if d.village == village_code and d.criterion == criterion
            ),
            None,
        )
        ctx = _Context(quarter, village, self.store.window(quarter), self._thresholds())
        checks = self.host.registry.checks_by_criterion().get(criterion, [])
        return self._cell(ctx, criterion, checks, self.store.filed_units(quarter), decision)

    def _cell(
        self,
        ctx: _Context,
        criterion: str,
        checks: list[Check],
        filed: set[str],
        decision: Decision | None,
    ) -> Cell:
        findings: list[CellFinding] = []
        known = self.host.registry.units
        waiting = tuple(
            u
            for u in sorted({c.unit for c in checks})
            if u not in filed and (u not in known or known[u].files_returns)
        )
        for check in checks:
            plugin = self.host.registry.plugin_of_check.get(check.name, check.unit)
            ctx._unit = check.unit
            try:
                result = check.function(ctx)
                if not isinstance(result, Finding) or result.state not in (State.PASS, State.FAIL):
                    raise TypeError(f"check returned {result!r}, not a PASS or FAIL Finding")
            except PLUGIN_ERRORS as exc:
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
            awaiting_return = result.shortfall and check.unit in waiting
            found_state = State.PENDING if awaiting_return else result.state
            findings.append(
                CellFinding(
                    check.name, check.unit, plugin, found_state, result.message, result.evidence
                )
            )
        states = {f.state for f in findings}
        if State.FAIL in states:
            data_state = State.FAIL
        elif State.ERROR in states:
            data_state = State.ERROR
        elif checks and not waiting:
            data_state = State.PASS
        else:
            data_state = State.PENDING
        state = data_state if decision is None else verdict_state(decision.passed)
        return Cell(
            ctx.village.code, criterion, state, data_state, tuple(findings), decision, waiting
        )
