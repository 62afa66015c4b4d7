"""What a unit's data view receives from the TUI; no Textual here so the host stays Textual-free."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from plugins.api import ViewSpec
from store import Quarter, Store

if TYPE_CHECKING:
    from plugins.engine import Engine
    from plugins.manager import PluginHost


@dataclass(frozen=True, slots=True)
class ViewContext:
    """The store, the plugins, the engine, the quarter on screen and the language."""

    store: Store
    host: PluginHost
    engine: Engine
    quarter: Quarter
    lang: str


def resolve_view(spec: ViewSpec) -> Any:
    """Import and return the widget class a view names; raises whatever the import raises."""
    factory = spec.factory
    if isinstance(factory, str):
        module_name, _, attr = factory.partition(":")
        if not attr:
            raise ValueError(f"view factory {factory!r} must read 'package.module:ClassName'")
        return getattr(importlib.import_module(module_name), attr)
    return factory()
