"""The district report as its writers see it: sections of paragraphs and tables in one language.

Everything is already worded in the report's language, so a writer only lays it out. A rate
is kept as a `Rate` so each format shows it its own way (a percentage, an xlsx number).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from plugins.reports.stamp import Stamp


@dataclass(frozen=True, slots=True)
class Rate:
    """A share between 0 and 1, shown as a percentage with one decimal."""

    value: float

    def __str__(self) -> str:
        return f"{self.value * 100:.1f}%"


Cell = str | int | float | Rate


def cell_text(value: Cell) -> str:
    """A cell as text: a rate as a percentage, a whole float without its `.0`."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


@dataclass(frozen=True, slots=True)
class Table:
    """A titled table: headings and rows of cells."""

    title: str
    headers: list[str]
    rows: list[list[Cell]]


@dataclass(frozen=True, slots=True)
class Section:
    """One section: its key (stable across languages), title, paragraphs and tables.

    unit names the unit of a plugin's section; chart marks the section the rate chart
    belongs to.
    """

    key: str
    title: str
    paragraphs: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    unit: str = ""
    chart: bool = False


@dataclass(frozen=True, slots=True)
class RatePoint:
    """One quarter of the rate chart: its rate and the target of its year."""

    quarter: str
    rate: float
    target: float
    finalized: bool
    provisional: bool = False
    """Villages still wait on a return or decision, so the rate may rise."""

    @property
    def label(self) -> str:
        """The rate as the chart writes it, '?' after a provisional one."""
        return f"{self.rate * 100:.1f}%" + ("?" if self.provisional else "")


@dataclass(frozen=True, slots=True)
class Labels:
    """The fixed words of a report in its language."""

    draft: str
    page: str
    """`第 {page} 页 共 {pages} 页` style: {page} and {pages} are filled by the writer."""
    none: str
    chart_rate: str
    chart_target: str
    contents_note: str


@dataclass(frozen=True, slots=True)
class Report:
    """The quarter's report to the district, worded in lang."""

    lang: str
    quarter: str
    town: str
    title: str
    issuer: str
    date: str
    draft: bool
    stamp: Stamp
    stamp_title: str
    stamp_lines: list[str]
    sections: list[Section]
    chart: list[RatePoint]
    chart_title: str
    labels: Labels
    failed: list[str] = field(default_factory=list)
    """The plugin sections that raised and were left out, each named with why."""
