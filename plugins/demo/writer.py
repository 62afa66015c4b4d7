"""The demo's record writer: random days, numbering, and a village's everyday records.

Everyday records pass every rule: enough patrols, disputes resolved within the
quarter at village or town level, hazards rectified by their deadline, petitions
at village or town level without flags, key populations all served.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from plugins.demo import texts
from plugins.demo.plan import LAST_QUARTER
from store import Quarter

RawRecord = tuple[str, dict[str, Any]]
"""A record type and its raw fields (date and village included), before validation."""

DATA_END = LAST_QUARTER.end
"""The last day the demo's data knows about: later resolutions have not happened yet."""


def known(day: date) -> date | None:
    """A resolution date, or None when it lies beyond the demo's data."""
    return day if day <= DATA_END else None


@dataclass(slots=True)
class RecordWriter:
    """Collects raw records in a fixed order for a given random source."""

    rng: random.Random
    out: list[RawRecord] = field(default_factory=list)
    key_rows: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    case_numbers: dict[tuple[int, bool], int] = field(default_factory=dict)
    lawsuit_numbers: dict[int, int] = field(default_factory=dict)

    def add(self, record_type: str, day: date, village: str, **fields: Any) -> None:
        self.out.append((record_type, {"date": day, "village": village, **fields}))

    def day(self, quarter: Quarter, first: int = 0, last_margin: int = 0) -> date:
        """A random day of the quarter, skipping `first` days and the last `last_margin`."""
        span = (quarter.end - quarter.start).days
        return quarter.start + timedelta(days=self.rng.randint(first, span - last_margin))

    def dispute_category(self) -> str:
        names = [c for c, _ in texts.DISPUTE_CATEGORIES]
        return self.rng.choices(names, weights=[w for _, w in texts.DISPUTE_CATEGORIES])[0]

    def hazard_note(self, major: bool) -> str:
        return self.rng.choice(texts.MAJOR_HAZARD_NOTES if major else texts.HAZARD_NOTES)

    def case(
        self, quarter: Quarter, village: str, *, criminal: bool, tags: tuple[str, ...], summary: str
    ) -> None:
        """A police case numbered within its year and kind, e.g. SC-XS-2022-0003."""
        key = (quarter.year, criminal)
        self.case_numbers[key] = self.case_numbers.get(key, 0) + 1
        case_no = f"SC-{'XS' if criminal else 'ZA'}-{quarter.year}-{self.case_numbers[key]:04d}"
        self.add(
            "police.case",
            self.day(quarter),
            village,
            kind="criminal" if criminal else "security",
            tags=list(tags),
            case_no=case_no,
            summary=summary,
        )

    def lawsuit(self, quarter: Quarter, village: str) -> None:
        """A lawsuit numbered within its year, e.g. (2022)桑民初003号."""
        year = quarter.year
        self.lawsuit_numbers[year] = self.lawsuit_numbers.get(year, 0) + 1
        self.add(
            "judicial.lawsuit",
            self.day(quarter),
            village,
            case_no=f"({year})桑民初{self.lawsuit_numbers[year]:03d}号",
            summary=self.rng.choice(texts.LAWSUIT_NOTES),
        )

    # everyday records

    def patrols(self, quarter: Quarter, village: str, count: int) -> None:
        for day in sorted(self.day(quarter) for _ in range(count)):
            self.add(
                "police.patrol",
                day,
                village,
                participants=self.rng.randint(2, 6),
                summary=self.rng.choice(texts.PATROL_NOTES),
            )

    def resolved_dispute(self, quarter: Quarter, village: str) -> None:
        """A dispute resolved within the quarter it was registered in, at village or town level."""
        day = self.day(quarter, last_margin=3)
        resolved = day + timedelta(days=self.rng.randint(1, min(20, (quarter.end - day).days)))
        self.add(
            "judicial.dispute",
            day,
            village,
            category=self.dispute_category(),
            status="resolved",
            resolved_on=resolved,
            resolved_level=self.rng.choices(("village", "town"), weights=(7, 3))[0],
            turned_criminal=False,
        )

    def hazard_on_time(self, quarter: Quarter, village: str) -> None:
        """A hazard rectified by its deadline (not yet, if the deadline lies beyond the data)."""
        found = self.day(quarter)
        deadline = found + timedelta(days=self.rng.randint(7, 30))
        rectified = found + timedelta(days=self.rng.randint(1, (deadline - found).days))
        major = self.rng.random() < 0.1
        self.add(
            "emergency.hazard",
            found,
            village,
            deadline=deadline,
            rectified_on=known(rectified),
            major=major,
            summary=self.hazard_note(major),
        )

    def petition(self, quarter: Quarter, village: str) -> None:
        self.add(
            "civil.petition",
            self.day(quarter),
            village,
            level=self.rng.choices(("village", "town"), weights=(6, 4))[0],
            skip_level=False,
            collective=False,
            abnormal=False,
            summary=self.rng.choice(texts.PETITION_NOTES),
        )

    def key_population(
        self, quarter: Quarter, village: str, *, unserved: bool = False, incident: bool = False
    ) -> None:
        """The village's key-population counts for the quarter; all served unless told otherwise.

        Each village keeps its own categories from quarter to quarter, counts drifting by one.
        """
        if village not in self.key_rows:
            self.key_rows[village] = self._key_base()
        rows = self.key_rows[village]
        if incident and not any(c == "mental_disorder" for c, _ in rows):
            rows.append(("mental_disorder", 1))
        day = self.day(quarter, first=62)
        for index, (category, base) in enumerate(rows):
            registered = max(1, base + self.rng.randint(-1, 1))
            served = registered
            if unserved and index == 0:
                registered = max(2, registered)
                served = registered - self.rng.randint(1, min(2, registered - 1))
            self.add(
                "civil.key_population",
                day,
                village,
                category=category,
                registered=registered,
                served=served,
                incidents=1 if incident and category == "mental_disorder" else 0,
            )

    def _key_base(self) -> list[tuple[str, int]]:
        chosen = self.rng.sample(texts.KEY_CATEGORIES, k=self.rng.randint(1, 3))
        return [(c, self.rng.randint(1, 6)) for c in texts.KEY_CATEGORIES if c in chosen]
