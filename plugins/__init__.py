"""The plugin host of pingan: hook specifications, plugin loading and the compliance engine."""

from plugins.api import (
    Check,
    CheckContext,
    Finding,
    Importer,
    State,
    Threshold,
    ThresholdKind,
    UnitSpec,
    ViewSpec,
)
from plugins.hookspecs import hookimpl
from plugins.i18n import Text
from plugins.schema import Choice, Field, Kind, RecordType

__all__ = [
    "Check",
    "CheckContext",
    "Choice",
    "Field",
    "Finding",
    "Importer",
    "Kind",
    "RecordType",
    "State",
    "Text",
    "Threshold",
    "ThresholdKind",
    "UnitSpec",
    "ViewSpec",
    "hookimpl",
]
