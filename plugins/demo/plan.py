"""The demo's trouble plan: which villages fail which criteria in which quarter.

The records are generated from this plan, so the town's compliance rises on
purpose: a falling number of troubled villages per quarter, the weakest villages
troubled most often.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from enum import StrEnum

from store import Quarter, Village, quarter_range

FIRST_QUARTER = Quarter(2021, 3)
LAST_QUARTER = Quarter(2023, 4)
QUARTERS: tuple[Quarter, ...] = tuple(quarter_range(FIRST_QUARTER, LAST_QUARTER))

TROUBLED_VILLAGES: dict[Quarter, int] = {
    Quarter(2021, 3): 22,
    Quarter(2021, 4): 21,
    Quarter(2022, 1): 15,
    Quarter(2022, 2): 14,
    Quarter(2022, 3): 12,
    Quarter(2022, 4): 10,
    Quarter(2023, 1): 9,
    Quarter(2023, 2): 7,
    Quarter(2023, 3): 5,
    Quarter(2023, 4): 4,
}
"""How many of the forty villages are troubled in each quarter, before meeting overrides."""


class Trouble(StrEnum):
    """One kind of failing evidence the demo can plant in a village's quarter."""

    SECURITY_CASE = "security_case"
    CRIMINAL_CASE = "criminal_case"
    GAMBLING = "gambling"
    DRUGS = "drugs"
    GANG = "gang"
    CULT = "cult"
    HOMICIDE = "homicide"
    FEW_PATROLS = "few_patrols"
    MASS_INCIDENT = "mass_incident"
    LAWSUIT = "lawsuit"
    ACCIDENT = "accident"
    DISPUTE_BACKLOG = "dispute_backlog"
    DISPUTE_CRIMINAL = "dispute_criminal"
    DISPUTE_ABOVE = "dispute_above"
    HAZARD_LATE = "hazard_late"
    HAZARD_MAJOR = "hazard_major"
    SKIP_PETITION = "skip_petition"
    COLLECTIVE_PETITION = "collective_petition"
    KEY_POP_INCIDENT = "key_pop_incident"
    KEY_POP_UNSERVED = "key_pop_unserved"
    CADRES_FAIL = "cadres_fail"
    MORALS_FAIL = "morals_fail"


TROUBLE_CRITERIA: dict[Trouble, tuple[str, ...]] = {
    Trouble.SECURITY_CASE: ("N8",),
    Trouble.CRIMINAL_CASE: ("N9",),
    Trouble.GAMBLING: ("N2", "N8"),
    Trouble.DRUGS: ("N2", "N8"),
    Trouble.GANG: ("N1", "N9"),
    Trouble.CULT: ("N3", "N8"),
    Trouble.HOMICIDE: ("G4", "N9"),
    Trouble.FEW_PATROLS: ("G4",),
    Trouble.MASS_INCIDENT: ("N6",),
    Trouble.LAWSUIT: ("N4",),
    Trouble.ACCIDENT: ("N7",),
    Trouble.DISPUTE_BACKLOG: ("G3",),
    Trouble.DISPUTE_CRIMINAL: ("G3", "N9"),
    Trouble.DISPUTE_ABOVE: ("G3",),
    Trouble.HAZARD_LATE: ("G5",),
    Trouble.HAZARD_MAJOR: ("G5",),
    Trouble.SKIP_PETITION: ("N5",),
    Trouble.COLLECTIVE_PETITION: ("N5",),
    Trouble.KEY_POP_INCIDENT: ("G6",),
    Trouble.KEY_POP_UNSERVED: ("G6",),
    Trouble.CADRES_FAIL: ("G1",),
    Trouble.MORALS_FAIL: ("G2",),
}
"""The criteria each trouble fails (a case always fails N8 or N9 besides its tag's criterion)."""

_WEIGHTS: dict[Trouble, int] = {
    Trouble.SECURITY_CASE: 14,
    Trouble.CRIMINAL_CASE: 12,
    Trouble.GAMBLING: 4,
    Trouble.DRUGS: 2,
    Trouble.GANG: 1,
    Trouble.CULT: 1,
    Trouble.HOMICIDE: 1,
    Trouble.FEW_PATROLS: 5,
    Trouble.MASS_INCIDENT: 3,
    Trouble.LAWSUIT: 6,
    Trouble.ACCIDENT: 7,
    Trouble.DISPUTE_BACKLOG: 8,
    Trouble.DISPUTE_CRIMINAL: 2,
    Trouble.DISPUTE_ABOVE: 3,
    Trouble.HAZARD_LATE: 7,
    Trouble.HAZARD_MAJOR: 3,
    Trouble.SKIP_PETITION: 7,
    Trouble.COLLECTIVE_PETITION: 3,
    Trouble.KEY_POP_INCIDENT: 3,
    Trouble.KEY_POP_UNSERVED: 5,
    Trouble.CADRES_FAIL: 2,
    Trouble.MORALS_FAIL: 3,
}

PASS_OVERRIDE_QUARTER = Quarter(2022, 3)
FAIL_OVERRIDE_QUARTER = Quarter(2023, 2)


@dataclass(frozen=True, slots=True)
class Override:
    """A meeting decision that goes against the data, with the meeting's reason."""

    quarter: Quarter
    village: str
    criterion: str
    passed: bool
    reason: str


@dataclass(slots=True)
class TroublePlan:
    """Per village and quarter, the troubles to plant; plus the meeting's overrides."""

    troubles: dict[tuple[Quarter, str], tuple[Trouble, ...]] = field(default_factory=dict)
    overrides: list[Override] = field(default_factory=list)

    def troubles_of(self, quarter: Quarter, village: str) -> tuple[Trouble, ...]:
        return self.troubles.get((quarter, village), ())

    def failing(self, quarter: Quarter, village: str) -> set[str]:
        """The criteria the grid should show FAIL for, meeting overrides applied."""
        failed = {c for t in self.troubles_of(quarter, village) for c in TROUBLE_CRITERIA[t]}
        for o in self.overrides:
            if o.quarter == quarter and o.village == village:
                if o.passed:
                    failed.discard(o.criterion)
                else:
                    failed.add(o.criterion)
        return failed

    def used(self) -> set[Trouble]:
        return {t for ts in self.troubles.values() for t in ts}


def _pick_troubles(rng: random.Random) -> tuple[Trouble, ...]:
    """One to three different troubles, weighted towards the common ones."""
    count = rng.choices((1, 2, 3), weights=(55, 35, 10))[0]
    kinds = list(_WEIGHTS)
    weights = [_WEIGHTS[k] for k in kinds]
    chosen: list[Trouble] = []
    while len(chosen) < count:
        kind = rng.choices(kinds, weights=weights)[0]
        if kind not in chosen:
            chosen.append(kind)
    return tuple(chosen)


def make_plan(rng: random.Random, villages: list[Village]) -> TroublePlan:
    """Pick each quarter's troubled villages (weakest first, with noise) and their troubles."""
    codes = [v.code for v in villages]
    weakness = {code: rng.random() for code in codes}
    plan = TroublePlan()
    for quarter in QUARTERS:
        score = {code: weakness[code] + rng.gauss(0.0, 0.2) for code in codes}
        troubled = sorted(codes, key=lambda c: -score[c])[: TROUBLED_VILLAGES[quarter]]
        for code in sorted(troubled):
            plan.troubles[(quarter, code)] = _pick_troubles(rng)
    _add_overrides(rng, plan, codes)
    _cover_every_trouble(rng, plan)
    return plan


def _cover_every_trouble(rng: random.Random, plan: TroublePlan) -> None:
    """Plant each trouble at least once, so the demo holds every record type and rule."""
    overridden = {(o.quarter, o.village) for o in plan.overrides}
    slots = sorted(key for key in plan.troubles if key not in overridden)
    for kind in Trouble:
        if kind in plan.used():
            continue
        key = rng.choice(slots)
        plan.troubles[key] = (*plan.troubles[key], kind)


def _add_overrides(rng: random.Random, plan: TroublePlan, codes: list[str]) -> None:
    """Two meeting decisions against the data: one pass over a late hazard, one fail with no record.

    The pass goes to a troubled village whose only trouble becomes a late hazard; the
    fail goes to a village with clean data.
    """
    troubled = sorted(c for q, c in plan.troubles if q == PASS_OVERRIDE_QUARTER)
    lucky = rng.choice(troubled)
    plan.troubles[(PASS_OVERRIDE_QUARTER, lucky)] = (Trouble.HAZARD_LATE,)
    plan.overrides.append(
        Override(
            PASS_OVERRIDE_QUARTER,
            lucky,
            "G5",
            True,
            "隐患逾期系施工单位停工所致，村里已落实临时防护措施，领导小组会议研究认定达标",
        )
    )
    clean = sorted(c for c in codes if (FAIL_OVERRIDE_QUARTER, c) not in plan.troubles)
    unlucky = rng.choice(clean)
    plan.overrides.append(
        Override(
            FAIL_OVERRIDE_QUARTER,
            unlucky,
            "N7",
            False,
            "经核实该村发生一起未向应急办报告的农机伤人事故，领导小组会议研究认定不达标",
        )
    )
