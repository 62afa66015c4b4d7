"""The hooks a pingan plugin may implement; each receives a `register` callback."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pluggy

from plugins.api import Check, Importer, ReportSection, UnitSpec, ViewSpec, WarningRule
from plugins.schema import RecordType

PROJECT = "pingan"

hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec
def register_units(register: Callable[[UnitSpec], None]) -> None:
    """Declare the guidance units this plugin provides (code, names, criteria, thresholds)."""


@hookspec
def register_record_types(register: Callable[[RecordType], None]) -> None:
    """Declare record types (name, unit, bilingual field schema)."""


@hookspec
def register_checks(register: Callable[[Check], None]) -> None:
    """Declare checks: a criterion and a function of a village-quarter context giving a Finding."""


@hookspec
def register_views(register: Callable[[ViewSpec], None]) -> None:
    """Declare data views: Textual widgets named lazily, shown in the TUI's Units menu."""


@hookspec
def register_importers(register: Callable[[Importer], None]) -> None:
    """Declare file readers that yield a file's lines as (line number, cells) for import."""


@hookspec
def register_warnings(register: Callable[[WarningRule], None]) -> None:
    """Declare early-warning rules: a function of the quarter's records giving EarlyWarnings."""


@hookspec
def register_report_sections(register: Callable[[ReportSection], None]) -> None:
    """Declare sections of the quarterly report to the district: a function giving a ReportBody."""


@hookspec
def register_commands(cli: Any) -> None:
    """Add sub-commands to `pingan`: `cli` is a click group; add one group named after the unit."""
