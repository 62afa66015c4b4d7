"""The registry of every key binding of the TUI: ids, default keys, descriptions and tooltips.

Every binding has an id so a town can remap it from settings.keymap (App.set_keymap), and
a description and tooltip in each language so the footer and help screen show the
interface language only and follow a switch. An id names one action of one screen
(`grid.new_record` is the main screen's `n`, `records.new` the records screen's), so
remapping one never moves another.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

from textual.binding import Binding, BindingsMap, BindingType
from textual.dom import DOMNode

from plugins.keymap import KEY_OWNERS, SPECS
from tui.app_access import pingan_app
from tui.text import tr


def owned(owner: str, lang: str = "zh") -> list[BindingType]:
    """The Bindings a screen or widget class declares, as listed for owner in KEY_OWNERS."""
    return bindings(*KEY_OWNERS[owner], lang=lang)


def bindings(*ids: str, lang: str = "zh") -> list[BindingType]:
    """The Bindings for ids, labelled in lang, for a class's BINDINGS."""
    return [SPECS[binding_id].binding(lang) for binding_id in ids]


def follow_language(node: DOMNode) -> None:
    """Label node's bindings in the app's language now, and again after every switch.

    Call it from on_mount; the footer and help screen then show one language only. The
    first labelling asks for no footer refresh: the footer reads the bindings once the
    screen is up, and a refresh while a DataTable fills can paint it with stale widths.
    """
    app = pingan_app(node)

    def switched(lang: str) -> None:
        relabel(node, lang)
        node.refresh_bindings()

    relabel(node, app.lang)
    node.watch(app, "lang", switched, init=False)


def relabel(node: DOMNode, lang: str) -> None:
    """Give node's own bindings the descriptions and tooltips of lang, keeping their keys.

    Textual keeps a node's bindings in `_bindings` and offers no public way to change a
    binding's description, so the map is rebuilt with relabelled copies.
    """
    keys: dict[str, list[Binding]] = {}
    for key, key_bindings in node._bindings.key_to_bindings.items():
        keys[key] = [_relabelled(binding, lang) for binding in key_bindings]
    node._bindings = BindingsMap.from_keys(keys)


def _relabelled(binding: Binding, lang: str) -> Binding:
    spec = SPECS.get(binding.id or "")
    if spec is None:
        return binding
    description = tr(spec.description, lang)
    return dataclasses.replace(
        binding,
        description=description,
        tooltip=tr(spec.tooltip, lang),
        show=bool(description and spec.show),
    )


def valid_keymap(keymap: Mapping[str, str]) -> tuple[dict[str, str], list[str]]:
    """Split a settings keymap into the entries naming known binding ids and the unknown ids."""
    known = {binding_id: keys for binding_id, keys in keymap.items() if binding_id in SPECS}
    unknown = sorted(binding_id for binding_id in keymap if binding_id not in SPECS)
    return known, unknown
