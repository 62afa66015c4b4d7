"""The quarter's lists: positive and negative, supervision and public notice, honours and target.

Textual-free reads over `plugins.quarters`: a finalized quarter is read from its snapshot,
an open one from the live grid; streaks count only consecutive finalized quarters.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from plugins.api import State
from plugins.i18n import Text
from plugins.manager import PluginHost
from plugins.quarters import QuarterGrid, VillageRow, quarter_grid, responsible_units
from store import Quarter, Store

SUPERVISION = "office.supervision_quarters"
PUBLIC_NOTICE = "office.public_notice_quarters"
SUPERVISION_DEFAULT = 2
PUBLIC_NOTICE_DEFAULT = 4
CLOSEST = 5
"""How many of the villages closest to complying the target names."""


def streaks(store: Store, quarter: Quarter) -> dict[str, int]:
    """Per village, how many consecutive finalized quarters ending at quarter it did not comply."""
    counts: dict[str, int] = {}
    alive: set[str] | None = None
    current = quarter
    while store.is_locked(current):
        snap = store.snapshot(current) or {}
        failing = {
            v["code"]
            for v in snap.get("grid", {}).get("villages", [])
            if v.get("complies") != "yes"
        }
        alive = failing if alive is None else alive & failing
        if not alive:
            break
        for code in alive:
            counts[code] = counts.get(code, 0) + 1
        current = current.previous()
    return counts


def flagged(store: Store, quarter: Quarter) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Villages for focused supervision and for public notice, by the thresholds in settings."""
    settings = store.settings()
    supervise = settings.threshold(SUPERVISION, SUPERVISION_DEFAULT)
    notice = settings.threshold(PUBLIC_NOTICE, PUBLIC_NOTICE_DEFAULT)
    runs = sorted(streaks(store, quarter).items())
    supervision = [{"code": c, "quarters": n} for c, n in runs if supervise <= n < notice]
    public_notice = [{"code": c, "quarters": n} for c, n in runs if n >= notice]
    return supervision, public_notice


def commendation(store: Store, year: int) -> list[dict[str, Any]]:
    """Villages compliant in all four finalized quarters of year; empty until Q4 is finalized."""
    quarters = [Quarter(year, n) for n in range(1, 5)]
    if not all(store.is_locked(q) for q in quarters):
        return []
    compliant: set[str] | None = None
    for q in quarters:
        snap = store.snapshot(q) or {}
        ok = {
            v["code"]
            for v in snap.get("grid", {}).get("villages", [])
            if v.get("complies") == "yes"
        }
        compliant = ok if compliant is None else compliant & ok
    return [{"code": c, "year": year} for c in sorted(compliant or set())]


@dataclass(frozen=True, slots=True)
class Target:
    """The year's target against the quarter: the rate, how many more must comply, and who."""

    year: int
    rate: float
    compliant: int
    active: int
    needed: int
    closest: list[VillageRow]

    def to_doc(self) -> dict[str, Any]:
        return {
            "year": self.year,
            "rate": self.rate,
            "compliant": self.compliant,
            "active": self.active,
            "needed": self.needed,
            "closest": [
                {
                    "code": r.code,
                    "failing": r.having(State.FAIL),
                    "pending": r.having(State.PENDING),
                }
                for r in self.closest
            ],
        }


def closest_words(entry: dict[str, Any]) -> Text:
    """A village of the target's closest, in words: how many criteria short, or only pending."""
    code, failing, pending = entry["code"], entry["failing"], entry.get("pending", [])
    if not failing:
        return Text(
            f"{code} 仅待定（{' '.join(pending)}）", f"{code} only pending ({' '.join(pending)})"
        )
    short = Text(
        f"{code} 差 {len(failing)} 项（{' '.join(failing)}）",
        f"{code} {len(failing)} short ({' '.join(failing)})",
    )
    if not pending:
        return short
    return Text(
        f"{short.zh}，另待定 {' '.join(pending)}", f"{short.en}, pending {' '.join(pending)}"
    )


def needed(rate: float, compliant: int, active: int) -> int:
    """How many more villages must comply for compliant/active to reach rate (0 once met)."""
    return max(0, math.ceil(rate * active - 1e-9) - compliant)


def target(grid: QuarterGrid) -> Target:
    """The target of the quarter's year; closest are the non-compliant with fewest failures."""
    active = len(grid.rows)
    others = [r for r in grid.rows if not r.complies]
    others.sort(key=lambda r: (len(r.having(State.FAIL)) + len(r.having(State.PENDING)), r.code))
    return Target(
        grid.quarter.year,
        grid.target,
        grid.compliant,
        active,
        needed(grid.target, grid.compliant, active),
        others[:CLOSEST],
    )


def negative_entry(host: PluginHost, row: VillageRow) -> dict[str, Any]:
    """A village of the negative list: its failing and pending criteria and the units for them."""
    failing = row.having(State.FAIL) + row.having(State.ERROR)
    pending = row.having(State.PENDING)
    units: list[str] = []
    for criterion in failing + pending:
        for unit in responsible_units(host, criterion):
            if unit not in units:
                units.append(unit)
    return {
        "code": row.code,
        "name": row.name,
        "office": row.office,
        "failing": failing,
        "pending": pending,
        "units": units,
    }


def only_pending(row: VillageRow) -> bool:
    """Whether a village fails nowhere and only waits (on a return or the meeting)."""
    return (
        not row.complies
        and not row.having(State.FAIL)
        and not row.having(State.ERROR)
        and bool(row.having(State.PENDING))
    )


def lists(store: Store, host: PluginHost, quarter: Quarter) -> dict[str, Any]:
    """Everything `pingan lists --format json` prints, in its contract's shape.

    In an open quarter a village that fails nowhere and only waits is listed under pending,
    not on the negative list; in a finalized one frozen PENDING counts as not compliant, as
    the report and the boards count it, so pending stays empty.
    """
    grid = quarter_grid(store, host, quarter)
    waiting = set() if grid.finalized else {r.code for r in grid.rows if only_pending(r)}
    supervision, public_notice = flagged(store, quarter)
    honours = commendation(store, quarter.year) if store.is_locked(Quarter(quarter.year, 4)) else []
    return {
        "quarter": str(quarter),
        "finalized": grid.finalized,
        "positive": [
            {"code": r.code, "name": r.name, "office": r.office} for r in grid.rows if r.complies
        ],
        "negative": [
            negative_entry(host, r) for r in grid.rows if not r.complies and r.code not in waiting
        ],
        "pending": [negative_entry(host, r) for r in grid.rows if r.code in waiting],
        "supervision": supervision,
        "public_notice": public_notice,
        "commendation": honours,
        "target": target(grid).to_doc(),
    }
