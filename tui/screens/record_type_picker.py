"""Choose which kind of record to add, grouped by the unit that keeps it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.markup import escape
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from plugins.i18n import Text
from plugins.schema import RecordType
from tui import keys
from tui.app_access import PinganAccess
from tui.text import tr

if TYPE_CHECKING:
    from plugins.manager import PluginHost

TITLE = Text("新建哪类记录？", "Which kind of record?")
HINT = Text("回车选择，Esc 取消", "Enter to choose, Esc to cancel")


def grouped_record_types(host: PluginHost) -> list[tuple[str, list[RecordType]]]:
    """Record types by unit code, units in registration order, types in name order."""
    by_unit: dict[str, list[RecordType]] = {}
    for record_type in host.registry.record_types.values():
        by_unit.setdefault(record_type.unit, []).append(record_type)
    order = [code for code in host.registry.units if code in by_unit]
    return [(code, sorted(by_unit[code], key=lambda t: t.name)) for code in order]


class RecordTypePicker(PinganAccess, ModalScreen[str | None]):
    """A list of record types under their units' names; dismisses with the type's name or None."""

    CSS_PATH = "record_type_picker.tcss"

    BINDINGS = keys.owned("record_type_picker")

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(id="picker-title")
            yield OptionList(id="record-types")
            yield Label(classes="hint")

    def on_mount(self) -> None:
        keys.follow_language(self)
        self.watch(self.app, "lang", self._relabel, init=False)
        self._relabel(self.pingan.lang)
        options = self.query_one("#record-types", OptionList)
        self.set_focus(options)
        options.action_first()

    def options(self, lang: str) -> list[Option]:
        """Each unit's name (not selectable) followed by its record types, labelled in lang."""
        host = self.pingan.host
        options: list[Option] = []
        for code, types in grouped_record_types(host):
            options.append(Option(escape(tr(host.registry.units[code].name, lang)), disabled=True))
            options.extend(
                Option(f"  {escape(tr(t.label, lang))}  [dim]{escape(t.name)}[/]", id=t.name)
                for t in types
            )
        return options

    def _relabel(self, lang: str) -> None:
        self.query_one("#picker-title", Label).update(tr(TITLE, lang))
        self.query_one(".hint", Label).update(tr(HINT, lang))
        types = self.query_one("#record-types", OptionList)
        highlighted = types.highlighted
        types.clear_options()
        types.add_options(self.options(lang))
        if highlighted is not None:
            types.highlighted = highlighted

    @on(OptionList.OptionSelected, "#record-types")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
