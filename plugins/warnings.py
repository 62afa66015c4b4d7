"""Early warning during a quarter: every unit's warning rules run, each on its own.

A rule that raises gives no warnings and is named in `WarningReport.errors`, so one broken
plugin cannot hide the others' warnings.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from plugins.api import EarlyWarning, Severity
from plugins.i18n import Text
from plugins.manager import PLUGIN_ERRORS, PluginHost, describe
from store import Quarter, Record, Store

SEVERITY_ORDER = {Severity.HIGH: 0, Severity.MEDIUM: 1, Severity.LOW: 2}
SEVERITY_WORDS: dict[Severity, Text] = {
    Severity.HIGH: Text("高", "high"),
    Severity.MEDIUM: Text("中", "medium"),
    Severity.LOW: Text("低", "low"),
}


@dataclass(frozen=True, slots=True)
class Warned:
    """One warning with the unit and rule that raised it."""

    unit: str
    rule: str
    warning: EarlyWarning

    def to_doc(self, lang: str) -> dict[str, Any]:
        """The warning as `pingan warnings --format json` prints it."""
        return {
            "village": self.warning.village,
            "unit": self.unit,
            "rule": self.rule,
            "severity": str(self.warning.severity),
            "message": self.warning.message.get(lang),
            "records": list(self.warning.records),
        }


@dataclass(slots=True)
class WarningReport:
    """A quarter's warnings, most severe first, and the rules that failed to run."""

    quarter: Quarter
    as_of: date
    warnings: list[Warned] = field(default_factory=list)
    errors: list[Text] = field(default_factory=list)


class _Context:
    """The WarningContext a rule receives."""

    def __init__(
        self, store: Store, quarter: Quarter, as_of: date, thresholds: dict[str, float]
    ) -> None:
        self.quarter = quarter
        self.as_of = as_of
        self._store = store
        self._thresholds = thresholds

    def records(self, record_type: str) -> Sequence[Record]:
        return tuple(
            r for r in self._store.records(self.quarter, record_type) if r.date <= self.as_of
        )

    def history(self, record_type: str) -> Sequence[Record]:
        return tuple(
            r
            for q in self._store.record_quarters(until=self.quarter)
            for r in self._store.records(q, record_type)
            if r.date <= self.as_of
        )

    def previous(self, record_type: str) -> Sequence[Record]:
        return tuple(self._store.records(self.quarter.previous(), record_type))

    def threshold(self, name: str) -> float:
        if name not in self._thresholds:
            raise KeyError(f"no threshold {name!r}")
        return self._thresholds[name]


def as_of(quarter: Quarter, today: date) -> date:
    """The day a quarter's warnings look from: today while it runs, else its last day."""
    return min(today, quarter.end)


def warnings(store: Store, host: PluginHost, quarter: Quarter, today: date) -> WarningReport:
    """Run every registered warning rule for quarter; each rule's failure is kept apart."""
    day = as_of(quarter, today)
    report = WarningReport(quarter, day)
    settings = store.settings()
    active = {v.code for v in store.villages(active_only=True)}
    for rule in host.registry.warnings:
        unit = host.registry.units.get(rule.unit)
        thresholds = {
            t.name: settings.threshold(f"{rule.unit}.{t.name}", t.default)
            for t in (unit.thresholds if unit else ())
        }
        plugin = host.registry.plugin_of_warning.get(rule.name, rule.unit)
        try:
            found = list(rule.function(_Context(store, quarter, day, thresholds)))
            for item in found:
                if not isinstance(item, EarlyWarning):
                    raise TypeError(f"rule gave {item!r}, not an EarlyWarning")
        except PLUGIN_ERRORS as exc:
            report.errors.append(
                Text(
                    f"插件 {plugin} 的预警规则 {rule.name} 出错：{describe(exc)}",
                    f"warning rule {rule.name} of plugin {plugin} failed: {describe(exc)}",
                )
            )
            continue
        report.warnings.extend(
            Warned(rule.unit, rule.name, w) for w in found if w.village in active
        )
    report.warnings.sort(
        key=lambda w: (SEVERITY_ORDER.get(w.warning.severity, 9), w.warning.village, w.rule)
    )
    return report
