"""The plugin host of pingan: hook specifications, plugin loading and the compliance engine."""

from plugins.api import (
    API_VERSION,
    Check,
    CheckContext,
    EarlyWarning,
    Finding,
    Importer,
    ReportBody,
    ReportContext,
    ReportSection,
    ReportTable,
    Severity,
    State,
    Threshold,
    ThresholdKind,
    UnitSpec,
    ViewSpec,
    WarningContext,
    WarningRule,
)
from plugins.hookspecs import hookimpl
from plugins.i18n import Text
from plugins.plugin import Plugin
from plugins.schema import Choice, Field, Kind, RecordType

__all__ = [
    "API_VERSION",
    "Check",
    "CheckContext",
    "EarlyWarning",
    "Choice",
    "Field",
    "Finding",
    "Importer",
    "Kind",
    "Plugin",
    "RecordType",
    "ReportBody",
    "ReportContext",
    "ReportSection",
    "ReportTable",
    "Severity",
    "State",
    "Text",
    "Threshold",
    "ThresholdKind",
    "UnitSpec",
    "ViewSpec",
    "WarningContext",
    "WarningRule",
    "hookimpl",
]
