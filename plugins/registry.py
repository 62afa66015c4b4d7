"""Everything the loaded plugins contributed, validated and indexed for the engine and the UIs."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from plugins.api import Check, Contributions, Importer, UnitSpec, ViewSpec
from plugins.criteria import BY_CODE
from plugins.schema import RecordType


class ContributionError(Exception):
    """A plugin's contribution that cannot be accepted (duplicate name, unknown criterion...)."""


@dataclass(slots=True)
class Registry:
    """Units, record types, checks, views and importers by name."""

    units: dict[str, UnitSpec] = field(default_factory=dict)
    record_types: dict[str, RecordType] = field(default_factory=dict)
    checks: list[Check] = field(default_factory=list)
    views: list[ViewSpec] = field(default_factory=list)
    importers: dict[str, Importer] = field(default_factory=dict)
    plugin_of_unit: dict[str, str] = field(default_factory=dict)
    plugin_of_check: dict[str, str] = field(default_factory=dict)
    plugin_of_view: dict[tuple[str, str], str] = field(default_factory=dict)

    def vet(self, plugin: str, found: Contributions) -> None:
        """Raise ContributionError if found clashes with what is registered or is malformed."""
        units = {u.code for u in found.units}
        for unit in found.units:
            if unit.code in self.units:
                raise ContributionError(
                    f"unit {unit.code!r} is already provided by {self.plugin_of_unit[unit.code]}"
                )
            for code in unit.criteria:
                if code not in BY_CODE:
                    raise ContributionError(f"unit {unit.code!r}: unknown criterion {code!r}")
        known_units = units | set(self.units)
        seen_types: set[str] = set()
        for rtype in found.record_types:
            if not isinstance(rtype, RecordType):
                raise ContributionError(f"register_record_types got {type(rtype).__name__}")
            if rtype.name in self.record_types or rtype.name in seen_types:
                raise ContributionError(f"record type {rtype.name!r} is already registered")
            if rtype.unit not in known_units:
                raise ContributionError(f"record type {rtype.name!r}: unknown unit {rtype.unit!r}")
            seen_types.add(rtype.name)
        for check in found.checks:
            if check.criterion not in BY_CODE:
                raise ContributionError(
                    f"check {check.name!r}: unknown criterion {check.criterion!r}"
                )
            if check.unit not in known_units:
                raise ContributionError(f"check {check.name!r}: unknown unit {check.unit!r}")
            if check.name in self.plugin_of_check:
                raise ContributionError(f"check {check.name!r} is already registered")
            if not callable(check.function):
                raise ContributionError(f"check {check.name!r}: function is not callable")
        for view in found.views:
            if view.unit not in known_units:
                raise ContributionError(f"view {view.key!r}: unknown unit {view.unit!r}")
        for importer in found.importers:
            if importer.name in self.importers:
                raise ContributionError(f"importer {importer.name!r} is already registered")

    def add(self, plugin: str, found: Contributions) -> None:
        """Merge a vetted plugin's contributions."""
        for unit in found.units:
            self.units[unit.code] = unit
            self.plugin_of_unit[unit.code] = plugin
        for rtype in found.record_types:
            self.record_types[rtype.name] = rtype
        for check in found.checks:
            self.checks.append(check)
            self.plugin_of_check[check.name] = plugin
        for view in found.views:
            self.views.append(view)
            self.plugin_of_view[(view.unit, view.key)] = plugin
        for importer in found.importers:
            self.importers[importer.name] = importer

    def checks_by_criterion(self) -> dict[str, list[Check]]:
        grouped: dict[str, list[Check]] = defaultdict(list)
        for check in self.checks:
            grouped[check.criterion].append(check)
        return grouped

    def units_for(self, criterion: str) -> list[str]:
        """The units whose returns a criterion waits for: those with a check on it."""
        return sorted({c.unit for c in self.checks if c.criterion == criterion})

    def importer_for(self, suffix: str) -> Importer | None:
        suffix = suffix.lower()
        return next((i for i in self.importers.values() if suffix in i.suffixes), None)
