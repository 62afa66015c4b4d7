"""Calendar quarters: parsing, bounds, stepping and the district report deadline."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

_QUARTER_RE = re.compile(r"^\s*(\d{4})\s*[Qq]\s*([1-4])\s*$")


@dataclass(frozen=True, order=True, slots=True)
class Quarter:
    """One calendar quarter such as 2022Q3."""

    year: int
    number: int

    def __post_init__(self) -> None:
        if not 1 <= self.number <= 4:
            raise ValueError(f"quarter number must be 1..4, not {self.number}")

    @classmethod
    def parse(cls, text: str) -> Quarter:
        """Read '2022Q3' (case and spaces tolerated); raise ValueError otherwise."""
        match = _QUARTER_RE.match(text)
        if match is None:
            raise ValueError(f"not a quarter (expected like 2022Q3): {text!r}")
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def of(cls, day: date) -> Quarter:
        """The quarter a date falls in."""
        return cls(day.year, (day.month - 1) // 3 + 1)

    @property
    def start(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> date:
        return self.next().start - timedelta(days=1)

    def next(self) -> Quarter:
        if self.number == 4:
            return Quarter(self.year + 1, 1)
        return Quarter(self.year, self.number + 1)

    def previous(self) -> Quarter:
        if self.number == 1:
            return Quarter(self.year - 1, 4)
        return Quarter(self.year, self.number - 1)

    @property
    def report_deadline(self) -> date:
        """The 6th of the first month of the next quarter, when the district report is due."""
        return self.next().start.replace(day=6)

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    def __str__(self) -> str:
        return f"{self.year}Q{self.number}"


def quarter_range(first: Quarter, last: Quarter) -> list[Quarter]:
    """Every quarter from first to last, both included."""
    out: list[Quarter] = []
    current = first
    while current <= last:
        out.append(current)
        current = current.next()
    return out
