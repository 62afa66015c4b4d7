"""Every bindable action of the TUI as data: id, default keys, screen, description and tooltip.

Textual-free, so that the settings action can check a key override (`pingan settings set
key.ID KEY`) against the ids and keys the TUI binds; `tui.keys` turns these into Bindings.
"""

from __future__ import annotations

import string
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING

from plugins.i18n import Text
from tui.text import tr

if TYPE_CHECKING:
    from textual.binding import Binding


@dataclass(frozen=True, slots=True)
class KeySpec:
    """One bindable action: its id, default keys and what the footer and help say about it."""

    id: str
    keys: str
    action: str
    description: Text
    tooltip: Text
    show: bool = True
    priority: bool = False
    key_display: str | None = None

    def binding(self, lang: str) -> Binding:
        """The Textual Binding of this action, labelled in lang."""
        from textual.binding import Binding

        return Binding(
            self.keys,
            self.action,
            tr(self.description, lang),
            show=self.show,
            key_display=self.key_display,
            priority=self.priority,
            tooltip=tr(self.tooltip, lang),
            id=self.id,
        )


KEY_SPECS: tuple[KeySpec, ...] = (
    KeySpec(
        "app.quit",
        "ctrl+q",
        "quit",
        Text("退出", "Quit"),
        Text("退出 pingan", "Quit pingan"),
        show=False,
        priority=True,
    ),
    KeySpec(
        "app.help",
        "question_mark",
        "help",
        Text("帮助", "Help"),
        Text("列出本屏幕的全部按键", "List every key of this screen"),
    ),
    KeySpec(
        "app.help_anywhere",
        "f1",
        "help",
        Text("帮助", "Help"),
        Text("在任何屏幕（包括输入框中）列出按键", "List the keys, from any screen or input"),
        show=False,
        priority=True,
    ),
    KeySpec(
        "app.palette",
        "ctrl+p",
        "command_palette",
        Text("命令", "Commands"),
        Text("打开命令面板", "Open the command palette"),
        show=False,
        priority=True,
    ),
    KeySpec(
        "app.language",
        "l",
        "toggle_language",
        Text("English", "中文"),
        Text("切换界面语言并保存到设置", "Switch the interface language and save it"),
    ),
    KeySpec(
        "quarter.previous",
        "left_square_bracket",
        "previous_quarter",
        Text("上季度", "Prev Q"),
        Text("显示上一季度", "Show the previous quarter"),
    ),
    KeySpec(
        "quarter.next",
        "right_square_bracket",
        "next_quarter",
        Text("下季度", "Next Q"),
        Text("显示下一季度", "Show the next quarter"),
    ),
    KeySpec(
        "tab.grid",
        "g",
        "show_tab('grid')",
        Text("网格", "Grid"),
        Text("各村十五项标准的达标网格", "Villages by the fifteen criteria"),
        show=False,
    ),
    KeySpec(
        "tab.dashboard",
        "d",
        "show_tab('dashboard')",
        Text("仪表盘", "Dashboard"),
        Text("达标率、趋势与报表完整性", "Rate, trend and returns filed"),
        show=False,
    ),
    KeySpec(
        "grid.jump",
        "slash,j",
        "jump",
        Text("跳转", "Jump"),
        Text(
            "按村名、编号或拼音首字母跳转到村", "Jump to a village by name, code or pinyin initials"
        ),
    ),
    KeySpec(
        "grid.new_record",
        "n",
        "new_record",
        Text("新建", "New"),
        Text("为当前村新建一条记录", "Add a record for the village under the cursor"),
    ),
    KeySpec(
        "records.list",
        "r",
        "records",
        Text("记录", "Records"),
        Text("本季度的全部记录", "The quarter's records"),
        show=False,
    ),
    KeySpec(
        "units.open",
        "u",
        "units",
        Text("单位", "Units"),
        Text("各指导单位的数据视图", "The data views of each unit"),
        show=False,
    ),
    KeySpec(
        "grid.evidence",
        "enter",
        "open_evidence",
        Text("依据", "Evidence"),
        Text("查看当前格的检查结果、记录与会议决定", "The cell's findings, records and decision"),
    ),
    KeySpec(
        "grid.office",
        "o",
        "cycle_office",
        Text("办事处", "Office"),
        Text("依次只显示一个办事处的村", "Show one office's villages at a time"),
        show=False,
    ),
    KeySpec(
        "grid.sort",
        "s",
        "cycle_sort",
        Text("排序", "Sort"),
        Text("按编号、办事处分组或不达标项数排序", "Sort by code, by office or by failures"),
        show=False,
    ),
    KeySpec(
        "evidence.close",
        "escape",
        "dismiss",
        Text("关闭", "Close"),
        Text("回到网格", "Back to the grid"),
    ),
    KeySpec(
        "evidence.history",
        "h",
        "history",
        Text("历史", "History"),
        Text(
            "此格背后的每条审计记录：记录、决定和报表的改动",
            "Every audit entry behind the cell: records, decisions and returns changed",
        ),
    ),
    KeySpec(
        "history.close",
        "escape",
        "dismiss",
        Text("关闭", "Close"),
        Text("回到依据", "Back to the evidence"),
    ),
    KeySpec(
        "help.close",
        "escape",
        "dismiss",
        Text("关闭", "Close"),
        Text("关闭帮助", "Close the help"),
    ),
    KeySpec(
        "jump.cancel",
        "escape",
        "dismiss",
        Text("取消", "Cancel"),
        Text("不跳转", "Stay where you are"),
    ),
    KeySpec(
        "jump.down",
        "down",
        "move(1)",
        Text("下一个", "Next"),
        Text("选择下一个匹配的村", "Highlight the next match"),
        show=False,
    ),
    KeySpec(
        "jump.up",
        "up",
        "move(-1)",
        Text("上一个", "Previous"),
        Text("选择上一个匹配的村", "Highlight the previous match"),
        show=False,
    ),
    KeySpec(
        "records.new",
        "n",
        "new_record",
        Text("新建", "New"),
        Text("新建一条记录（预填筛选的村）", "Add a record (for the village filtered on, if any)"),
    ),
    KeySpec(
        "records.edit",
        "e",
        "edit_record",
        Text("编辑", "Edit"),
        Text("编辑选中的记录（或按回车）", "Edit the selected record (or press Enter)"),
    ),
    KeySpec(
        "records.delete",
        "delete,x",
        "delete_record",
        Text("删除", "Delete"),
        Text("删除选中的记录（需确认）", "Delete the selected record, after confirmation"),
    ),
    KeySpec(
        "records.filter",
        "slash",
        "focus_filter",
        Text("筛选", "Filter"),
        Text("按村名、编号或拼音首字母筛选", "Filter by village name, code or pinyin initials"),
    ),
    KeySpec(
        "records.back",
        "escape",
        "back",
        Text("返回", "Back"),
        Text("回到主屏幕", "Back to the main screen"),
    ),
    KeySpec(
        "record_type_picker.cancel",
        "escape",
        "cancel",
        Text("取消", "Cancel"),
        Text("不新建记录", "Add nothing"),
    ),
    KeySpec(
        "record_form.save",
        "ctrl+s",
        "save",
        Text("保存", "Save"),
        Text("检查每一项并保存记录", "Check every field and save the record"),
    ),
    KeySpec(
        "record_form.cancel",
        "escape",
        "cancel",
        Text("取消", "Cancel"),
        Text("关闭表单，不保存", "Close the form without saving"),
    ),
    KeySpec(
        "village_picker.matches",
        "down",
        "focus_matches",
        Text("匹配的村", "Matches"),
        Text("移到匹配的村的列表", "Move into the list of matching villages"),
        show=False,
    ),
    KeySpec(
        "confirm.yes",
        "y",
        "answer(True)",
        Text("是", "Yes"),
        Text("确认并执行", "Confirm and go ahead"),
    ),
    KeySpec(
        "confirm.no",
        "n,escape",
        "answer(False)",
        Text("否", "No"),
        Text("取消，不做改动", "Cancel; change nothing"),
    ),
    KeySpec(
        "units.back",
        "escape",
        "back",
        Text("返回", "Back"),
        Text("回到主屏幕", "Back to the main screen"),
    ),
    KeySpec(
        "units.menu",
        "m",
        "focus_menu",
        Text("菜单", "Menu"),
        Text("回到单位菜单", "Move to the units menu"),
    ),
    KeySpec(
        "units.reload",
        "f5",
        "reload_view",
        Text("刷新", "Reload"),
        Text("重新打开当前视图", "Open the current view again"),
    ),
)

PUNCTUATION = string.punctuation

SPECS: dict[str, KeySpec] = {spec.id: spec for spec in KEY_SPECS}

KEY_OWNERS: dict[str, tuple[str, ...]] = {
    "app": ("app.quit", "app.palette", "app.help", "app.help_anywhere", "app.language"),
    "main": (
        "quarter.previous",
        "quarter.next",
        "tab.grid",
        "tab.dashboard",
        "grid.jump",
        "grid.new_record",
        "records.list",
        "units.open",
    ),
    "grid": ("grid.office", "grid.sort"),
    "grid_table": ("grid.evidence",),
    "records": ("records.new", "records.edit", "records.delete", "records.filter", "records.back"),
    "record_form": ("record_form.save", "record_form.cancel"),
    "record_type_picker": ("record_type_picker.cancel",),
    "village_picker": ("village_picker.matches",),
    "evidence": ("evidence.close", "evidence.history"),
    "history": ("history.close",),
    "help": ("help.close",),
    "jump": ("jump.cancel", "jump.down", "jump.up"),
    "confirm": ("confirm.yes", "confirm.no"),
    "units": ("units.back", "units.menu", "units.reload"),
}
"""The binding ids each screen or widget class declares, by owner name (`tui.keys.owned`)."""

SCREEN_OWNERS: dict[str, tuple[str, ...]] = {
    "main": ("main", "grid", "grid_table"),
    "records": ("records", "village_picker"),
    "record_form": ("record_form", "village_picker"),
    **{
        owner: (owner,)
        for owner in (
            "record_type_picker",
            "evidence",
            "history",
            "help",
            "jump",
            "confirm",
            "units",
        )
    },
}
"""The owners whose bindings are active together on one screen, besides the app's own."""

KEY_GROUPS: dict[str, tuple[str, ...]] = {
    "app": KEY_OWNERS["app"],
    **{
        screen: tuple(i for owner in owners for i in KEY_OWNERS[owner])
        for screen, owners in SCREEN_OWNERS.items()
    },
}
"""Binding ids active together on one screen; the app's own bindings are active on every one."""

MODIFIERS = frozenset({"ctrl", "shift", "alt", "meta", "super", "hyper"})
NAMED_KEYS = frozenset(
    {
        "backspace",
        "delete",
        "down",
        "end",
        "enter",
        "escape",
        "home",
        "insert",
        "left",
        "pagedown",
        "pageup",
        "return",
        "right",
        "space",
        "tab",
        "up",
        *(f"f{n}" for n in range(1, 25)),
        *(unicodedata.name(c).lower().replace(" ", "_").replace("-", "_") for c in PUNCTUATION),
        *("slash", "backslash", "at", "minus", "plus", "underscore"),
    }
)
"""Key names Textual understands besides single characters (tests compare with textual.keys)."""


def key_problem(keys: str) -> Text | None:
    """Why keys (one key or several, comma-separated) is no key Textual can bind, else None."""
    names = [k.strip() for k in keys.split(",")]
    if not keys.strip() or any(not name for name in names):
        return Text("没有给出按键", "no key given")
    for name in names:
        *mods, base = name.split("+")
        bad_mods = [m for m in mods if m.lower() not in MODIFIERS]
        repeated = len({m.lower() for m in mods}) != len(mods)
        single = len(base) == 1 and base.isprintable() and not base.isspace()
        if bad_mods or repeated or not (single or base.lower() in NAMED_KEYS):
            return Text(
                f"{name!r} 不是有效的按键（例如 n、ctrl+n、f5、escape）",
                f"{name!r} is not a key (try n, ctrl+n, f5, escape)",
            )
    return None


def key_names(keys: str) -> set[str]:
    """The keys of a binding's key string, normalised for comparison."""
    return {k.strip().lower() for k in keys.split(",") if k.strip()}


def effective_keys(binding_id: str, keymap: dict[str, str]) -> str:
    """The keys a binding answers to: the town's override, else its default."""
    return keymap.get(binding_id) or SPECS[binding_id].keys


def key_clash(binding_id: str, keys: str, keymap: dict[str, str]) -> str | None:
    """The id of another binding on the same screen that already answers to one of keys."""
    groups = [ids for ids in KEY_GROUPS.values() if binding_id in ids]
    neighbours: set[str] = set()
    if binding_id in KEY_GROUPS["app"]:
        neighbours = {i for ids in KEY_GROUPS.values() for i in ids}
    else:
        neighbours = {i for ids in groups for i in ids} | set(KEY_GROUPS["app"])
    wanted = key_names(keys)
    for other in sorted(neighbours - {binding_id}):
        if wanted & key_names(effective_keys(other, keymap)):
            return other
    return None
