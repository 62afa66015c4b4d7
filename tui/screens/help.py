"""The help screen: pingan's keys on the screen it came from, grouped, with ids and tooltips."""

from __future__ import annotations

from rich.text import Text as RichText
from textual import on
from textual.app import App, ComposeResult
from textual.binding import ActiveBinding, Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from plugins import keymap as key_specs
from plugins.i18n import Text
from tui import keys
from tui.app_access import PinganAccess
from tui.text import tr

SCREEN_NAMES: dict[str, Text] = {
    "MainScreen": Text("主屏幕", "main screen"),
    "EvidenceScreen": Text("依据", "evidence"),
    "HistoryScreen": Text("格的历史", "cell history"),
    "LoginScreen": Text("登录", "login"),
    "JumpScreen": Text("跳转到村", "jump to village"),
    "RecordsScreen": Text("记录", "records"),
    "RecordTypePicker": Text("选择记录类型", "choose a record type"),
    "RecordFormScreen": Text("记录表单", "record form"),
    "ConfirmScreen": Text("确认", "confirmation"),
    "UnitsScreen": Text("单位", "units"),
    "ListsScreen": Text("红黑榜", "lists"),
    "MeetingScreen": Text("季度会议", "meeting"),
    "ReasonScreen": Text("写理由", "reason"),
    "RectificationScreen": Text("整改事项", "rectification"),
    "ImportScreen": Text("导入文件", "import a file"),
    "ImportBatchesScreen": Text("导入批次", "import batches"),
    "ReportsScreen": Text("季度报告", "report"),
    "CommandPalette": Text("命令面板", "command palette"),
    "PluginFailuresScreen": Text("未能加载的插件", "failed plugins"),
    "PinganPalette": Text("命令面板", "command palette"),
}


def screen_name(screen_class: str, lang: str) -> str:
    """What the help title calls a screen; a screen it does not know by its class name."""
    known = SCREEN_NAMES.get(screen_class)
    return tr(known, lang) if known is not None else screen_class


KEY_WIDTH = 8
"""Cells of the key column: wide enough for `ctrl+s`, `[` and `shift+tab`."""
DESCRIPTION_WIDTH = {"zh": 12, "en": 18}
"""Cells of the description column; the details column takes the rest and wraps."""
CHROME = 12
"""Cells the dialog's border, padding, scrollbar and the columns' padding take."""
GROUPS: tuple[tuple[str, Text], ...] = (
    ("screen", Text("本屏幕", "This screen")),
    ("app", Text("任何屏幕", "Everywhere")),
)
SPEC_ORDER = {spec.id: index for index, spec in enumerate(key_specs.KEY_SPECS)}


class HelpScreen(PinganAccess, ModalScreen[None]):
    """Lists pingan's keys active on a screen: its own first, then those that work everywhere.

    Textual's own widget keys (typing in a box, moving in a list) are left out; the hint
    under the table says that arrows, Tab and Space work as usual.
    """

    CSS_PATH = "help.tcss"
    BINDINGS = keys.owned("help")

    def __init__(self, screen_class: str, active: dict[str, ActiveBinding]) -> None:
        super().__init__()
        self.screen_class = screen_class
        self.active = active
        """The bindings by key, as `Screen.active_bindings` gave them when help was asked for."""

    def compose(self) -> ComposeResult:
        with Vertical(id="help"):
            yield Static(id="help-title")
            yield DataTable[RichText](id="help-table", cursor_type="row")
            yield Static(id="help-detail")
            yield Static(id="help-hint")

    def on_mount(self) -> None:
        keys.follow_language(self)
        self.watch(self.app, "lang", self._fill, init=False)
        self._fill(self.pingan.lang)
        self.set_focus(self.query_one("#help-table", DataTable))

    def on_resize(self) -> None:
        self._fill(self.pingan.lang)

    def _details_width(self, lang: str) -> int:
        dialog = min(120, self.app.size.width * 9 // 10)
        return max(16, dialog - KEY_WIDTH - DESCRIPTION_WIDTH[lang] - CHROME)

    def _fill(self, lang: str) -> None:
        """Title, hint and the keys in their groups, in lang; long details wrap in their cell."""
        self.query_one("#help-title", Static).update(
            RichText(
                tr("help.title", lang, screen=screen_name(self.screen_class, lang)), style="bold"
            )
        )
        self.query_one("#help-hint", Static).update(RichText(tr("help.hint", lang)))
        table: DataTable[RichText] = self.query_one("#help-table", DataTable)
        row = table.cursor_row
        table.clear(columns=True)
        table.add_column(tr("help.key", lang), key="key", width=KEY_WIDTH)
        table.add_column(
            tr("help.description", lang), key="description", width=DESCRIPTION_WIDTH[lang]
        )
        table.add_column(tr("help.tooltip", lang), key="tooltip", width=self._details_width(lang))
        for group, title in GROUPS:
            rows = self.rows(group)
            if not rows:
                continue
            table.add_row(
                RichText(""),
                RichText(tr(title, lang), style="bold reverse"),
                RichText(""),
                key=f"group-{group}",
            )
            for key, shown, (_node, binding, enabled, tooltip) in rows:
                style = "" if enabled else "dim"
                description, tip = self.labels(binding, tooltip, lang)
                table.add_row(
                    RichText(shown, style=f"bold {style}".strip()),
                    RichText(description or binding.action, style=style),
                    RichText(tip, style=style),
                    key=key,
                    height=None,
                )
        table.move_cursor(row=max(1, row))
        self._show_detail()

    @on(DataTable.RowHighlighted, "#help-table")
    def _show_detail(self) -> None:
        """The highlighted key's description, id and whole tooltip under the table.

        The id is what `pingan settings set key.<id>` remaps.
        """
        table: DataTable[RichText] = self.query_one("#help-table", DataTable)
        detail = self.query_one("#help-detail", Static)
        if not table.row_count:
            detail.update("")
            return
        row_key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value or ""
        active = self.active.get(row_key)
        if active is None:
            detail.update("")
            return
        key, description, tooltip = table.get_row_at(table.cursor_row)
        line = RichText.assemble(key, "  ", description, style="bold")
        line.append(f"  [{active.binding.id}]", style="dim")
        if tooltip.plain:
            line.append("  ")
            line.append_text(tooltip)
        detail.update(line)

    @staticmethod
    def labels(binding: Binding, tooltip: str, lang: str) -> tuple[str, str]:
        """A binding's description and tooltip in lang, from the registry."""
        spec = key_specs.SPECS.get(binding.id or "")
        if spec is not None:
            return tr(spec.description, lang), tr(spec.tooltip, lang)
        return binding.description, tooltip or binding.tooltip

    def rows(self, group: str) -> list[tuple[str, str, ActiveBinding]]:
        """pingan's bindings of a group ("screen": the screen's and its widgets', "app": the
        app's) in the registry's order, each once with every key it has (`/ j`), as
        (first key, keys shown, binding); Textual's own widget keys carry no id and are left out.
        """
        by_id: dict[str, list[tuple[str, ActiveBinding]]] = {}
        for key, active in self.active.items():
            binding_id = active.binding.id or ""
            if binding_id in key_specs.SPECS and isinstance(active.node, App) == (group == "app"):
                by_id.setdefault(binding_id, []).append((key, active))
        out: list[tuple[str, str, ActiveBinding]] = []
        for binding_id in sorted(by_id, key=SPEC_ORDER.__getitem__):
            bound = by_id[binding_id]
            shown = " ".join(self.app.get_key_display(active.binding) for _, active in bound)
            out.append((bound[0][0], shown, bound[0][1]))
        return out
