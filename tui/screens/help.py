"""The help screen: every key of the screen it was opened from, with its id and tooltip."""

from __future__ import annotations

from rich.text import Text as RichText
from textual import on
from textual.app import ComposeResult
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
    "CommandPalette": Text("命令面板", "command palette"),
    "PinganPalette": Text("命令面板", "command palette"),
}


WIDGET_ACTIONS: dict[str, Text] = {
    "app.focus_next": Text("下一个控件", "Focus next"),
    "app.focus_previous": Text("上一个控件", "Focus previous"),
    "copy": Text("复制选中的文字", "Copy selected text"),
    "screen.copy_text": Text("复制选中的文字", "Copy selected text"),
    "cut": Text("剪切选中的文字", "Cut selected text"),
    "paste": Text("粘贴", "Paste"),
    "select_all": Text("全选", "Select all"),
    "cursor_up": Text("上移", "Cursor up"),
    "cursor_down": Text("下移", "Cursor down"),
    "cursor_left": Text("左移", "Cursor left"),
    "cursor_right": Text("右移", "Cursor right"),
    "cursor_left(True)": Text("向左选择", "Select left"),
    "cursor_right(True)": Text("向右选择", "Select right"),
    "cursor_left_word": Text("左移一个词", "Word left"),
    "cursor_right_word": Text("右移一个词", "Word right"),
    "cursor_left_word(True)": Text("向左选择一个词", "Select a word left"),
    "cursor_right_word(True)": Text("向右选择一个词", "Select a word right"),
    "home": Text("到开头", "Go to start"),
    "end": Text("到末尾", "Go to end"),
    "home(True)": Text("选择到开头", "Select to start"),
    "end(True)": Text("选择到末尾", "Select to end"),
    "delete_left": Text("删除左边一个字", "Delete character left"),
    "delete_right": Text("删除右边一个字", "Delete character right"),
    "delete_left_word": Text("删除左边一个词", "Delete word left"),
    "delete_right_word": Text("删除右边一个词", "Delete word right"),
    "delete_left_all": Text("删除左边全部", "Delete all to the left"),
    "delete_right_all": Text("删除右边全部", "Delete all to the right"),
    "submit": Text("确定", "Submit"),
    "first": Text("第一项", "First"),
    "last": Text("最后一项", "Last"),
    "page_up": Text("上一页", "Page up"),
    "page_down": Text("下一页", "Page down"),
    "page_left": Text("左翻一页", "Page left"),
    "page_right": Text("右翻一页", "Page right"),
    "scroll_up": Text("向上滚动", "Scroll up"),
    "scroll_down": Text("向下滚动", "Scroll down"),
    "scroll_left": Text("向左滚动", "Scroll left"),
    "scroll_right": Text("向右滚动", "Scroll right"),
    "scroll_home": Text("滚到开头", "Scroll to start"),
    "scroll_end": Text("滚到末尾", "Scroll to end"),
    "scroll_top": Text("到顶部", "Top"),
    "scroll_bottom": Text("到底部", "Bottom"),
    "select": Text("选择或勾选", "Select or tick"),
    "select_cursor": Text("选择", "Select"),
    "show_overlay": Text("展开选项", "Show the choices"),
    "dismiss": Text("收起", "Dismiss"),
    "press": Text("按下按钮", "Press the button"),
    "toggle_switch": Text("切换开关", "Toggle"),
    "next_tab": Text("下一个标签页", "Next tab"),
    "previous_tab": Text("上一个标签页", "Previous tab"),
    "help_quit": Text("提示如何退出", "Tell how to quit"),
}
"""What the keys Textual's own widgets bind (they carry no id) do, in both languages."""


def screen_name(screen_class: str, lang: str) -> str:
    """What the help title calls a screen; a screen it does not know by its class name."""
    known = SCREEN_NAMES.get(screen_class)
    return tr(known, lang) if known is not None else screen_class


class HelpScreen(PinganAccess, ModalScreen[None]):
    """Lists the active bindings of a screen (its own, its focused widgets' and the app's)."""

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
            yield DataTable[RichText](id="help-table", cursor_type="row", zebra_stripes=True)
            yield Static(id="help-detail")
            yield Static(id="help-hint")

    def on_mount(self) -> None:
        keys.follow_language(self)
        self.watch(self.app, "lang", self._fill, init=False)
        self._fill(self.pingan.lang)
        self.query_one("#help-table", DataTable).focus()

    def _fill(self, lang: str) -> None:
        """Title, hint and one row per binding, in lang (registry bindings relabelled)."""
        self.query_one("#help-title", Static).update(
            RichText(
                tr("help.title", lang, screen=screen_name(self.screen_class, lang)), style="bold"
            )
        )
        self.query_one("#help-hint", Static).update(RichText(tr("help.close", lang)))
        table: DataTable[RichText] = self.query_one("#help-table", DataTable)
        row = table.cursor_row
        table.clear(columns=True)
        for column in ("key", "id", "description", "tooltip"):
            table.add_column(tr(f"help.{column}", lang), key=column)
        for key, (_node, binding, enabled, tooltip) in self.rows():
            style = "" if enabled else "dim"
            description, tip = self.labels(binding, tooltip, lang)
            table.add_row(
                RichText(self.app.get_key_display(binding), style=f"bold {style}".strip()),
                RichText(binding.id or "", style="dim"),
                RichText(description or binding.action, style=style),
                RichText(tip, style=style),
                key=key,
            )
        table.move_cursor(row=row)
        self._show_detail()

    @on(DataTable.RowHighlighted, "#help-table")
    def _show_detail(self) -> None:
        """The highlighted binding's key, description and whole tooltip, wrapped under the table.

        A narrow terminal cuts the table's last column; this line never is.
        """
        table: DataTable[RichText] = self.query_one("#help-table", DataTable)
        detail = self.query_one("#help-detail", Static)
        if not table.row_count:
            detail.update("")
            return
        key, _id, description, tooltip = table.get_row_at(table.cursor_row)
        line = RichText.assemble(key, "  ", description, style="bold")
        if tooltip.plain:
            line.append("  ")
            line.append_text(tooltip)
        detail.update(line)

    @staticmethod
    def labels(binding: Binding, tooltip: str, lang: str) -> tuple[str, str]:
        """A binding's description and tooltip in lang: the registry's, else a widget action's."""
        spec = key_specs.SPECS.get(binding.id or "")
        if spec is not None:
            return tr(spec.description, lang), tr(spec.tooltip, lang)
        known = WIDGET_ACTIONS.get(binding.action)
        if known is not None:
            return tr(known, lang), tooltip or binding.tooltip
        return binding.description, tooltip or binding.tooltip

    def rows(self) -> list[tuple[str, ActiveBinding]]:
        """The bindings to list: ours (with ids) first, in id order, then the widgets' own."""
        return sorted(
            self.active.items(),
            key=lambda item: (item[1].binding.id is None, item[1].binding.id or "", item[0]),
        )
