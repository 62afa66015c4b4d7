"""Choose which kind of record to add, grouped by the unit that keeps it."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.markup import escape
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from plugins.i18n import Text
from plugins.schema import RecordType
from tui.screens.record_form import bilingual

if TYPE_CHECKING:
    from plugins.manager import PluginHost
    from tui.app import PinganApp

TITLE = Text("新建哪类记录？", "Which kind of record?")
HINT = Text("回车选择，Esc 取消", "Enter to choose, Esc to cancel")


def grouped_record_types(host: PluginHost) -> list[tuple[str, list[RecordType]]]:
    """Record types by unit code, units in registration order, types in name order."""
    by_unit: dict[str, list[RecordType]] = {}
    for record_type in host.registry.record_types.values():
        by_unit.setdefault(record_type.unit, []).append(record_type)
    order = [code for code in host.registry.units if code in by_unit]
    return [(code, sorted(by_unit[code], key=lambda t: t.name)) for code in order]


class RecordTypePicker(ModalScreen[str | None]):
    """A list of record types under their units' names; dismisses with the type's name or None."""

    DEFAULT_CSS = """
    RecordTypePicker {
        align: center middle;
    }
    RecordTypePicker > Vertical {
        width: 60;
        max-width: 100%;
        height: auto;
        max-height: 90%;
        border: thick $primary;
        background: $surface;
        padding: 0 1;
    }
    RecordTypePicker OptionList {
        height: auto;
        max-height: 20;
    }
    RecordTypePicker .hint {
        color: $text-muted;
    }
    """

    BINDINGS = [
        Binding(
            "escape",
            "cancel",
            "取消 Cancel",
            id="record_type_picker.cancel",
            tooltip="不新建记录 Add nothing",
        ),
    ]

    def compose(self) -> ComposeResult:
        app = cast("PinganApp", self.app)
        lang = app.lang
        options: list[Option | None] = []
        for code, types in grouped_record_types(app.host):
            unit = app.host.registry.units[code]
            options.append(Option(escape(bilingual(unit.name, lang)), disabled=True))
            options.extend(
                Option(escape(f"  {bilingual(t.label, lang)}  ({t.name})"), id=t.name)
                for t in types
            )
        with Vertical():
            yield Label(bilingual(TITLE, lang), id="picker-title")
            yield OptionList(*options, id="record-types")
            yield Label(HINT.get(lang), classes="hint")

    def on_mount(self) -> None:
        options = self.query_one("#record-types", OptionList)
        options.focus()
        options.action_first()

    @on(OptionList.OptionSelected, "#record-types")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
