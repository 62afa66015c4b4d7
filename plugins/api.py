"""What a unit plugin contributes: units, checks and their findings, data views and importers."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Any, Protocol

from plugins.i18n import Text
from plugins.schema import RecordType
from store import Quarter, Record, Village

API_VERSION = 1
"""The plugin API version: a plugin declares the one it was written for as `PINGAN_API = 1`."""


class State(StrEnum):
    """The state of one grid cell."""

    PASS = "PASS"
    FAIL = "FAIL"
    PENDING = "PENDING"
    ERROR = "ERROR"


STATE_NAMES: dict[State, Text] = {
    State.PASS: Text("达标", "pass"),
    State.FAIL: Text("不达标", "fail"),
    State.PENDING: Text("待定", "pending"),
    State.ERROR: Text("出错", "error"),
}
"""What each cell state is called in words, for people."""


class ThresholdKind(StrEnum):
    """What a threshold counts: a whole number of things, or a share between 0 and 1."""

    COUNT = "count"
    RATIO = "ratio"


@dataclass(frozen=True, slots=True)
class Threshold:
    """A tunable number of a unit's rules; the town's settings may override the default."""

    name: str
    default: float
    label: Text
    kind: ThresholdKind = ThresholdKind.COUNT

    def problem(self, value: float) -> Text | None:
        """Why value cannot be this threshold: counts are whole numbers >= 0, ratios in [0, 1]."""
        if self.kind is ThresholdKind.RATIO and not 0 <= value <= 1:
            return Text(
                f"{value:g} 超出范围：比例在 0 到 1 之间",
                f"{value:g} is out of range: a ratio lies in [0, 1]",
            )
        if self.kind is ThresholdKind.COUNT and (value < 0 or value != int(value)):
            return Text(
                f"{value:g} 不可用：次数是不小于 0 的整数",
                f"{value:g} is not a count: counts are whole numbers >= 0",
            )
        return None


@dataclass(frozen=True, slots=True)
class UnitSpec:
    """A guidance unit (指导单位): its code, names and the criteria whose data it keeps."""

    code: str
    name: Text
    criteria: tuple[str, ...] = ()
    thresholds: tuple[Threshold, ...] = ()
    files_returns: bool = True


@dataclass(frozen=True, slots=True)
class Finding:
    """What one check concluded for one village and quarter: PASS or FAIL, why, and the evidence.

    `shortfall` marks a failure shown only by too few records (see `lacking`).
    """

    state: State
    message: Text
    evidence: tuple[int, ...] = ()
    shortfall: bool = False

    @classmethod
    def passed(cls, zh: str, en: str) -> Finding:
        """A pass, with its message in Chinese and English."""
        return cls(State.PASS, Text(zh, en))

    @classmethod
    def failed(cls, zh: str, en: str, evidence: Iterable[Record | int] = ()) -> Finding:
        """A failure proven by records that exist (a case, an accident, an unresolved dispute)."""
        return cls(State.FAIL, Text(zh, en), _ids(evidence))

    @classmethod
    def lacking(cls, zh: str, en: str, evidence: Iterable[Record | int] = ()) -> Finding:
        """A failure shown only by too few records (e.g. patrols).

        Until the unit has filed its quarterly return, missing records prove nothing, so the
        engine counts such a finding as a failure only once the return is in.
        """
        return cls(State.FAIL, Text(zh, en), _ids(evidence), shortfall=True)


def _ids(evidence: Iterable[Record | int]) -> tuple[int, ...]:
    """The distinct record ids of evidence given as records or ids, sorted."""
    return tuple(sorted({r if isinstance(r, int) else r.id for r in evidence}))


class CheckContext(Protocol):
    """What a check sees: one village in one quarter, its records and the town's thresholds."""

    quarter: Quarter
    village: Village

    def records(self, record_type: str) -> Sequence[Record]:
        """This village's records of the type dated within the quarter."""
        ...

    def history(self, record_type: str) -> Sequence[Record]:
        """This village's records of the type dated on or before the quarter's last day."""
        ...

    def threshold(self, name: str) -> float:
        """The unit's threshold by name: the town's setting, else the unit's declared default."""
        ...


CheckFunction = Callable[[CheckContext], Finding]


@dataclass(frozen=True, slots=True)
class Check:
    """A rule that decides one criterion from a unit's records."""

    criterion: str
    unit: str
    name: str
    function: CheckFunction
    description: Text = Text("", "")


ViewFactory = str | Callable[[], Any]


@dataclass(frozen=True, slots=True)
class ViewSpec:
    """A unit's data view: a Textual widget class, named lazily so the host never imports Textual.

    `factory` is "package.module:ClassName" or a no-argument callable that imports and returns
    the class. The TUI builds it as `cls(context)` where context is a `plugins.views.ViewContext`.
    """

    unit: str
    key: str
    title: Text
    factory: ViewFactory


RowReader = Callable[..., Iterable[tuple[int, Sequence[Any]]]]
"""Yields a file's lines as (line number, cells), the header first; pingan builds the table.

It is called as `read_rows(path)`, plus a keyword for each name in its importer's `options`.
"""

READER_OPTIONS = ("encoding", "sheet", "report")
"""Keywords a reader may take: a forced text encoding, a sheet name, and a `ReadReport` to fill."""


@dataclass(frozen=True, slots=True)
class Importer:
    """Reads a file format into (line number, cells) lines for record or village import.

    `options` names the keywords of READER_OPTIONS its reader takes; `sheets`, for workbooks,
    lists a file's sheet names so that pingan can look for the one holding the columns it needs.
    """

    name: str
    label: Text
    suffixes: tuple[str, ...]
    read_rows: RowReader
    options: tuple[str, ...] = ()
    sheets: Callable[[Path], Sequence[str]] | None = None


class Severity(StrEnum):
    """How urgent an early warning is."""

    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


@dataclass(frozen=True, slots=True)
class EarlyWarning:
    """One early warning: a village at risk, how urgent, why, and the records behind it."""

    village: str
    severity: Severity
    message: Text
    records: tuple[int, ...] = ()

    @classmethod
    def of(
        cls,
        village: str,
        severity: Severity,
        zh: str,
        en: str,
        records: Iterable[Record | int] = (),
    ) -> EarlyWarning:
        """A warning with its message in Chinese and English and the records as records or ids."""
        return cls(village, severity, Text(zh, en), _ids(records))


class WarningContext(Protocol):
    """What a warning rule sees: the whole town's records of one quarter, as of a day."""

    quarter: Quarter
    as_of: date
    """The day the warning is computed for: today, or the quarter's last day once it is over."""

    def records(self, record_type: str) -> Sequence[Record]:
        """Every village's records of the type dated within the quarter up to as_of."""
        ...

    def history(self, record_type: str) -> Sequence[Record]:
        """Every village's records of the type dated up to as_of."""
        ...

    def previous(self, record_type: str) -> Sequence[Record]:
        """Every village's records of the type dated within the previous quarter."""
        ...

    def threshold(self, name: str) -> float:
        """The unit's threshold by name: the town's setting, else the unit's declared default."""
        ...


WarningFunction = Callable[[WarningContext], Iterable[EarlyWarning]]


@dataclass(frozen=True, slots=True)
class WarningRule:
    """An early-warning rule of a unit: a name and a function of the quarter giving warnings."""

    unit: str
    name: str
    function: WarningFunction
    description: Text = Text("", "")


ReportCell = str | int | float | Text
"""A table cell: a number, plain text, or a `Text` shown in the report's language."""


@dataclass(frozen=True, slots=True)
class ReportTable:
    """A table in a report section: its title, column headings and rows of values."""

    title: Text
    headers: tuple[Text, ...]
    rows: tuple[tuple[ReportCell, ...], ...]


@dataclass(frozen=True, slots=True)
class ReportBody:
    """What a report section says: paragraphs, then tables, each in Chinese and English."""

    paragraphs: tuple[Text, ...] = ()
    tables: tuple[ReportTable, ...] = ()


class ReportContext(Protocol):
    """What a report section sees: the quarter being reported and the town's data for it."""

    quarter: Quarter
    finalized: bool
    """Whether the quarter is finalized; an unfinalized quarter's report is a draft."""

    def records(self, record_type: str) -> Sequence[Record]:
        """Every village's records of the type dated within the quarter."""
        ...

    def villages(self) -> Sequence[Village]:
        """The town's active villages, in the town's order."""
        ...

    def threshold(self, name: str) -> float:
        """The unit's threshold by name: the town's setting, else the unit's declared default."""
        ...


ReportFunction = Callable[[ReportContext], ReportBody]


@dataclass(frozen=True, slots=True)
class ReportSection:
    """A unit's section of the quarterly report to the district: counts and results, no names."""

    unit: str
    name: str
    title: Text
    function: ReportFunction


@dataclass(slots=True)
class Contributions:
    """Everything one plugin registered, kept apart until the plugin has loaded cleanly."""

    units: list[UnitSpec] = field(default_factory=list)
    record_types: list[RecordType] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    views: list[ViewSpec] = field(default_factory=list)
    importers: list[Importer] = field(default_factory=list)
    warnings: list[WarningRule] = field(default_factory=list)
    report_sections: list[ReportSection] = field(default_factory=list)
