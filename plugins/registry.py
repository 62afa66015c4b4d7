"""Everything the loaded plugins contributed, validated and indexed for the engine and the UIs."""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from plugins.api import (
    Check,
    Contributions,
    Importer,
    ReportSection,
    UnitSpec,
    ViewSpec,
    WarningRule,
)
from plugins.criteria import BY_CODE
from plugins.i18n import Text
from plugins.schema import RecordType


class ContributionError(Exception):
    """A plugin's contribution that cannot be accepted (duplicate name, unknown criterion...)."""


_HOOK_CLASSES: tuple[tuple[str, str, type], ...] = (
    ("units", "register_units", UnitSpec),
    ("record_types", "register_record_types", RecordType),
    ("checks", "register_checks", Check),
    ("views", "register_views", ViewSpec),
    ("importers", "register_importers", Importer),
    ("warnings", "register_warnings", WarningRule),
    ("report_sections", "register_report_sections", ReportSection),
)
"""Each Contributions bucket, the hook that fills it and the class its items must be."""


def _not_text(item: Any, where: str) -> str | None:
    """Where a label or name declared as Text holds something else, in item or the parts it holds.

    The command line and the TUI call `.get(lang)` on every such value, so a plain string
    would end in a traceback far from the plugin that registered it.
    """
    for f in dataclasses.fields(item):
        value = getattr(item, f.name)
        if f.type in ("Text", Text) and not isinstance(value, Text):
            return f"{where}.{f.name} is {type(value).__name__}, not Text"
        if isinstance(value, tuple | list) and not isinstance(value, Text):
            for index, part in enumerate(value):
                if dataclasses.is_dataclass(part) and not isinstance(part, type):
                    found = _not_text(part, f"{where}.{f.name}[{index}]")
                    if found is not None:
                        return found
    return None


def _refuse_malformed(found: Contributions) -> None:
    """Raise ContributionError for an item that is not its hook's class or has a non-Text label."""
    for bucket, hook, cls in _HOOK_CLASSES:
        for index, item in enumerate(getattr(found, bucket)):
            if not isinstance(item, cls):
                raise ContributionError(f"{hook} got {type(item).__name__}, not {cls.__name__}")
            problem = _not_text(item, f"{hook}[{index}]")
            if problem is not None:
                raise ContributionError(problem)


@dataclass(slots=True)
class Registry:
    """Units, record types, checks, views and importers by name."""

    units: dict[str, UnitSpec] = field(default_factory=dict)
    record_types: dict[str, RecordType] = field(default_factory=dict)
    checks: list[Check] = field(default_factory=list)
    views: list[ViewSpec] = field(default_factory=list)
    importers: dict[str, Importer] = field(default_factory=dict)
    warnings: list[WarningRule] = field(default_factory=list)
    plugin_of_warning: dict[str, str] = field(default_factory=dict)
    report_sections: list[ReportSection] = field(default_factory=list)
    plugin_of_report_section: dict[str, str] = field(default_factory=dict)
    plugin_of_unit: dict[str, str] = field(default_factory=dict)
    plugin_of_check: dict[str, str] = field(default_factory=dict)
    plugin_of_view: dict[tuple[str, str], str] = field(default_factory=dict)

    def unit_name(self, code: str, lang: str) -> str:
        """What unit code is called in lang; the code itself for a unit no plugin declares."""
        unit = self.units.get(code)
        return unit.name.get(lang) if unit is not None else code

    def unit_names(self, codes: Iterable[str], lang: str) -> str:
        """The names of units codes in lang, joined as the language lists them."""
        return ("、" if lang == "zh" else ", ").join(self.unit_name(c, lang) for c in codes)

    def vet(self, plugin: str, found: Contributions) -> None:
        """Raise ContributionError if found clashes with what is registered or is malformed."""
        _refuse_malformed(found)
        known_units = set(self.units)
        for unit in found.units:
            if unit.code in known_units:
                owner = self.plugin_of_unit.get(unit.code, plugin)
                raise ContributionError(f"unit {unit.code!r} is already provided by {owner}")
            for code in unit.criteria:
                if code not in BY_CODE:
                    raise ContributionError(f"unit {unit.code!r}: unknown criterion {code!r}")
            known_units.add(unit.code)
        seen_types: set[str] = set()
        for rtype in found.record_types:
            if rtype.name in self.record_types or rtype.name in seen_types:
                raise ContributionError(f"record type {rtype.name!r} is already registered")
            if rtype.unit not in known_units:
                raise ContributionError(f"record type {rtype.name!r}: unknown unit {rtype.unit!r}")
            names = {f.name for f in rtype.all_fields()}
            for key in rtype.natural_key:
                if key not in names:
                    raise ContributionError(
                        f"record type {rtype.name!r}: natural key {key!r} is not a field"
                    )
            seen_types.add(rtype.name)
        seen_checks: set[str] = set()
        for check in found.checks:
            if check.criterion not in BY_CODE:
                raise ContributionError(
                    f"check {check.name!r}: unknown criterion {check.criterion!r}"
                )
            if check.unit not in known_units:
                raise ContributionError(f"check {check.name!r}: unknown unit {check.unit!r}")
            if check.name in self.plugin_of_check or check.name in seen_checks:
                raise ContributionError(f"check {check.name!r} is already registered")
            if not callable(check.function):
                raise ContributionError(f"check {check.name!r}: function is not callable")
            seen_checks.add(check.name)
        for view in found.views:
            if view.unit not in known_units:
                raise ContributionError(f"view {view.key!r}: unknown unit {view.unit!r}")
        seen_importers: set[str] = set()
        for importer in found.importers:
            if importer.name in self.importers or importer.name in seen_importers:
                raise ContributionError(f"importer {importer.name!r} is already registered")
            seen_importers.add(importer.name)
        seen_rules: set[str] = set()
        for rule in found.warnings:
            if rule.unit not in known_units:
                raise ContributionError(f"warning rule {rule.name!r}: unknown unit {rule.unit!r}")
            if rule.name in self.plugin_of_warning or rule.name in seen_rules:
                raise ContributionError(f"warning rule {rule.name!r} is already registered")
            if not callable(rule.function):
                raise ContributionError(f"warning rule {rule.name!r}: function is not callable")
            seen_rules.add(rule.name)
        seen_sections: set[str] = set()
        for section in found.report_sections:
            if section.unit not in known_units:
                raise ContributionError(
                    f"report section {section.name!r}: unknown unit {section.unit!r}"
                )
            if section.name in self.plugin_of_report_section or section.name in seen_sections:
                raise ContributionError(f"report section {section.name!r} is already registered")
            if not callable(section.function):
                raise ContributionError(
                    f"report section {section.name!r}: function is not callable"
                )
            seen_sections.add(section.name)

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
        for rule in found.warnings:
            self.warnings.append(rule)
            self.plugin_of_warning[rule.name] = plugin
        for section in found.report_sections:
            self.report_sections.append(section)
            self.plugin_of_report_section[section.name] = plugin

    def checks_by_criterion(self) -> dict[str, list[Check]]:
        grouped: dict[str, list[Check]] = defaultdict(list)
        for check in self.checks:
            grouped[check.criterion].append(check)
        return grouped

    def importer_for(self, suffix: str) -> Importer | None:
        suffix = suffix.lower()
        return next((i for i in self.importers.values() if suffix in i.suffixes), None)
