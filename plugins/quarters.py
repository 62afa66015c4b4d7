"""A quarter's life cycle as read from the store: its state, its deadline and its frozen grid.

Textual-free, so the command line, the TUI and the lists share one reading: a finalized
quarter is read from its snapshot, an open one from the live grid.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from plugins.api import State
from plugins.criteria import CRITERION_CODES
from plugins.engine import Engine, Grid
from plugins.i18n import Text
from plugins.manager import PluginHost
from plugins.summary import PendingCauses
from store import Quarter, Store


class QuarterState(StrEnum):
    """Where a quarter stands: open, finalized by the meeting, or reported to the district."""

    OPEN = "open"
    FINALIZED = "finalized"
    REPORTED = "reported"


STATE_WORDS: dict[QuarterState, Text] = {
    QuarterState.OPEN: Text("未定稿", "open"),
    QuarterState.FINALIZED: Text("已定稿", "finalized"),
    QuarterState.REPORTED: Text("已上报", "reported"),
}


@dataclass(frozen=True, slots=True)
class QuarterStatus:
    """A quarter's state, its district deadline and the day it was reported, if it was."""

    quarter: Quarter
    state: QuarterState
    deadline: date
    reported_on: date | None = None

    def deadline_text(self, today: date) -> Text:
        """Days left while open, days overdue while not reported, else the day it was reported."""
        when = self.deadline.isoformat()
        if self.reported_on is not None:
            on = self.reported_on.isoformat()
            late = (self.reported_on - self.deadline).days
            if late > 0:
                return Text(
                    f"已于 {on} 上报（逾期 {late} 天）", f"reported on {on} ({late} d late)"
                )
            return Text(f"已于 {on} 上报", f"reported on {on}")
        left = (self.deadline - today).days
        if left >= 0:
            return Text(f"上报截止 {when}，还有 {left} 天", f"due {when}, {left} days left")
        return Text(f"上报截止 {when}，已逾期 {-left} 天", f"due {when}, {-left} days overdue")


def quarter_status(store: Store, quarter: Quarter) -> QuarterStatus:
    """The quarter's state: reported once finalized and reported, else finalized if locked."""
    entry = store.reported(quarter)
    reported_on = date.fromisoformat(entry["on"]) if entry else None
    if not store.is_locked(quarter):
        state = QuarterState.OPEN
    elif reported_on is not None:
        state = QuarterState.REPORTED
    else:
        state = QuarterState.FINALIZED
    return QuarterStatus(quarter, state, quarter.report_deadline, reported_on)


def responsible_units(host: PluginHost, criterion: str) -> list[str]:
    """The units whose data decides criterion, in the order they were loaded."""
    return [u.code for u in host.registry.units.values() if criterion in u.criteria]


@dataclass(frozen=True, slots=True)
class VillageRow:
    """One village of a quarter's grid: who it is and the state of each criterion."""

    code: str
    name: str
    office: str
    states: dict[str, State]

    @property
    def complies(self) -> bool:
        return all(s is State.PASS for s in self.states.values())

    @property
    def failed_nowhere(self) -> bool:
        """Whether no criterion fails or errs, so only PENDING cells keep it from complying."""
        return not any(s in (State.FAIL, State.ERROR) for s in self.states.values())

    def having(self, state: State) -> list[str]:
        """The criteria in that state, in criterion order."""
        return [c for c in CRITERION_CODES if self.states.get(c) is state]


@dataclass(frozen=True, slots=True)
class QuarterGrid:
    """A quarter's rows, frozen (from its snapshot) or live (from the engine)."""

    quarter: Quarter
    finalized: bool
    rows: list[VillageRow]
    target: float
    causes: PendingCauses = PendingCauses()
    """Who the villages that only wait (`waiting`) wait on; empty once finalized."""

    @property
    def compliant(self) -> int:
        return sum(1 for row in self.rows if row.complies)

    @property
    def waiting(self) -> list[VillageRow]:
        """While open, the villages that fail nowhere and only wait: they may still comply.

        A finalized quarter's frozen PENDING counts as not complying, so none wait.
        """
        if self.finalized:
            return []
        return [r for r in self.rows if not r.complies and r.failed_nowhere]

    @property
    def failing(self) -> int:
        """Villages that do not comply and do not only wait: the measured failures."""
        return len(self.rows) - self.compliant - len(self.waiting)

    @property
    def provisional(self) -> bool:
        """Whether the rate may still change because villages wait on a return or decision."""
        return bool(self.waiting)

    @property
    def best_rate(self) -> float:
        """The rate if every waiting village complied: the most the quarter can reach."""
        if not self.rows:
            return 0.0
        return (self.compliant + len(self.waiting)) / len(self.rows)


def rows_of(grid: Grid) -> list[VillageRow]:
    """The live grid's rows."""
    return [
        VillageRow(
            v.code,
            v.name,
            v.office,
            {c: grid.cell(v.code, c).state for c in grid.criteria},
        )
        for v in grid.villages
    ]


def rows_of_snapshot(doc: dict[str, Any]) -> list[VillageRow]:
    """The rows frozen in a snapshot's grid document."""
    rows = []
    for v in doc.get("villages", []):
        states = {c: State(v[c]) for c in CRITERION_CODES if c in v}
        rows.append(VillageRow(v["code"], v["name"], v.get("office", ""), states))
    return rows


def quarter_grid(store: Store, host: PluginHost, quarter: Quarter) -> QuarterGrid:
    """The grid a finalized quarter froze, else the live one."""
    snap = store.snapshot(quarter)
    if snap and snap.get("locked") and isinstance(snap.get("grid"), dict):
        grid_doc = snap["grid"]
        target = float(grid_doc.get("target", store.settings().target(quarter.year)))
        return QuarterGrid(quarter, True, rows_of_snapshot(grid_doc), target)
    grid = Engine(store, host).grid(quarter)
    rows = rows_of(grid)
    waiting = {r.code for r in rows if not r.complies and r.failed_nowhere}
    causes = PendingCauses.of(grid, only=waiting) if waiting else PendingCauses()
    return QuarterGrid(quarter, False, rows, grid.target, causes)


def snapshot_doc(grid: Grid, store: Store) -> tuple[dict[str, Any], dict[str, Any]]:
    """The grid as frozen, and the evidence behind it: every cell's findings and records."""
    cells: dict[str, dict[str, Any]] = {}
    ids: set[int] = set()
    for (village, criterion), cell in grid.cells.items():
        ids.update(cell.evidence)
        cells.setdefault(village, {})[criterion] = {
            "state": str(cell.state),
            "data_state": str(cell.data_state),
            "waiting_for": list(cell.waiting_for),
            "findings": [
                {
                    "check": f.check,
                    "unit": f.unit,
                    "plugin": f.plugin,
                    "state": str(f.state),
                    "message": {"zh": f.message.zh, "en": f.message.en},
                    "evidence": list(f.evidence),
                }
                for f in cell.findings
            ],
            "decision": None
            if cell.decision is None
            else {
                "passed": cell.decision.passed,
                "reason": cell.decision.reason,
                "actor": cell.decision.actor,
                "at": cell.decision.at,
            },
        }
    records = {}
    for record_id in sorted(ids):
        record = store.record(record_id)
        if record is not None:
            records[str(record_id)] = {"id": record_id, **record.to_doc()}
    return grid.to_doc(), {"cells": cells, "records": records}


@dataclass(frozen=True, slots=True)
class FinalizePreview:
    """What finalizing would freeze, against the previous quarter, and what still waits.

    newly_failing are villages that complied before and now FAIL (or ERROR) somewhere; those
    that only wait on PENDING cells are in pending.
    """

    quarter: Quarter
    grid: Grid
    previous: QuarterGrid
    newly_compliant: list[str]
    newly_failing: list[str]
    pending: dict[str, list[str]] = field(default_factory=dict)
    waiting_units: list[str] = field(default_factory=list)
    errors: int = 0


def preview(
    store: Store,
    host: PluginHost,
    quarter: Quarter,
    *,
    grid: Grid | None = None,
    previous: QuarterGrid | None = None,
) -> FinalizePreview:
    """The grid of quarter against the previous one, and the cells still PENDING with whom.

    grid and previous, when given, spare computing them again (the demo finalizes in a row).
    """
    grid = grid or Engine(store, host).grid(quarter)
    previous = previous or quarter_grid(store, host, quarter.previous())
    before = {row.code: row.complies for row in previous.rows}
    rows = rows_of(grid)
    newly_compliant = [r.code for r in rows if r.complies and not before.get(r.code, False)]
    newly_failing = [
        r.code
        for r in rows
        if before.get(r.code, False) and (r.having(State.FAIL) or r.having(State.ERROR))
    ]
    pending: dict[str, list[str]] = {}
    waiting: set[str] = set()
    for (village, criterion), cell in grid.cells.items():
        if cell.state is State.PENDING:
            pending.setdefault(village, []).append(criterion)
            waiting.update(cell.waiting_for or responsible_units(host, criterion))
    return FinalizePreview(
        quarter,
        grid,
        previous,
        newly_compliant,
        newly_failing,
        pending,
        sorted(waiting),
        len(grid.errors),
    )


@dataclass(frozen=True, slots=True)
class Drift:
    """A cell whose live state differs from what the quarter's snapshot froze."""

    village: str
    criterion: str
    frozen: State
    live: State


def drift(store: Store, host: PluginHost, quarter: Quarter) -> list[Drift]:
    """Where the live grid now differs from the finalized snapshot (settings, plugins, history).

    Empty for a quarter without a snapshot; villages added or dropped since are not compared.
    """
    snap = store.snapshot(quarter)
    if not snap or not isinstance(snap.get("grid"), dict):
        return []
    frozen = {row.code: row for row in rows_of_snapshot(snap["grid"])}
    found: list[Drift] = []
    for row in rows_of(Engine(store, host).grid(quarter)):
        old = frozen.get(row.code)
        if old is None:
            continue
        for criterion in CRITERION_CODES:
            was, now = old.states.get(criterion), row.states.get(criterion)
            if was is not None and now is not None and was is not now:
                found.append(Drift(row.code, criterion, was, now))
    return found
