"""A plugin declared as values: what it contributes, registered by hook methods of its own.

pluggy registers any object whose methods carry the hookimpl marker, so `Plugin(...)` is a
plugin by itself: a module exposes it as `plugin`, and pingan registers it in the module's
place, together with any hook functions the module defines beside it (`register_commands`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields
from typing import Any

from plugins.api import Check, Importer, ReportSection, UnitSpec, ViewSpec, WarningRule
from plugins.hookspecs import hookimpl
from plugins.schema import RecordType

DECLARED_ATTRIBUTE = "plugin"
"""The module attribute where a plugin module declares its `Plugin`."""


def _registering(field: str) -> Callable[[Any, Callable[[Any], None]], None]:
    """The hook method `register_<field>`: it registers each item the plugin holds in field."""

    def hook(self: Any, register: Callable[[Any], None]) -> None:
        for item in getattr(self, field):
            register(item)

    hook.__name__ = f"register_{field}"
    hook.__qualname__ = f"Plugin.register_{field}"
    return hookimpl(hook)


@dataclass(frozen=True, slots=True, eq=False)
class Plugin:
    """The units, record types, checks, views, importers, warning rules and report sections of
    a plugin; each field is registered by the hook of the same name (`units`: register_units).

    A hook it does not cover is a method of a subclass, or a hook function beside it in its
    module. Compared by identity: pluggy refuses one object registered under two names.
    """

    units: tuple[UnitSpec, ...] = ()
    record_types: tuple[RecordType, ...] = ()
    checks: tuple[Check, ...] = ()
    views: tuple[ViewSpec, ...] = ()
    importers: tuple[Importer, ...] = ()
    warnings: tuple[WarningRule, ...] = ()
    report_sections: tuple[ReportSection, ...] = ()

    def __post_init__(self) -> None:
        """Take a list as a tuple; refuse a lone item, naming the field, at the plugin's import."""
        for f in fields(self):
            value: Any = getattr(self, f.name)
            if isinstance(value, list):
                object.__setattr__(self, f.name, tuple(value))
            elif not isinstance(value, tuple):
                raise TypeError(
                    f"Plugin({f.name}=...) takes a tuple, such as ({type(value).__name__}(...),), "
                    f"not {type(value).__name__}"
                )

    register_units = _registering("units")
    register_record_types = _registering("record_types")
    register_checks = _registering("checks")
    register_views = _registering("views")
    register_importers = _registering("importers")
    register_warnings = _registering("warnings")
    register_report_sections = _registering("report_sections")
