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
        "grid.import",
        "i",
        "import_file",
        Text("导入", "Import"),
        Text(
            "从 CSV/XLSX 文件导入记录（先预览）", "Import records from a CSV/XLSX file, previewed"
        ),
        show=False,
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
        "lists.open",
        "b",
        "lists",
        Text("红黑榜", "Lists"),
        Text(
            "本季度的红黑榜、督导、通报、表彰和年度目标",
            "The quarter's lists, supervision, public notice, honours and target",
        ),
        show=False,
    ),
    KeySpec(
        "quarter.finalize",
        "f",
        "finalize",
        Text("定稿", "Finalize"),
        Text(
            "预览与上季度的对比，确认后定稿本季度",
            "Preview against the previous quarter, then finalize this one",
        ),
        show=False,
    ),
    KeySpec(
        "lists.back",
        "escape",
        "back",
        Text("返回", "Back"),
        Text("回到主屏幕", "Back to the main screen"),
    ),
    KeySpec(
        "meeting.open",
        "m",
        "meeting",
        Text("会议", "Meeting"),
        Text(
            "按议程逐村开季度会议：登记出席、决定、纪要",
            "Hold the quarterly meeting village by village: attendance, decisions, minutes",
        ),
    ),
    KeySpec(
        "meeting.pass",
        "p",
        "pass_village",
        Text("两项达标", "G1+G2 pass"),
        Text("本村 G1、G2 达标并转到下一个村", "G1 and G2 pass for this village, then the next"),
    ),
    KeySpec(
        "meeting.fail_g1",
        "1",
        "fail('G1')",
        Text("G1不达标", "G1 fail"),
        Text("本村 G1 不达标（需写理由）", "G1 fails for this village (with a reason)"),
    ),
    KeySpec(
        "meeting.fail_g2",
        "2",
        "fail('G2')",
        Text("G2不达标", "G2 fail"),
        Text("本村 G2 不达标（需写理由）", "G2 fails for this village (with a reason)"),
    ),
    KeySpec(
        "meeting.override",
        "o",
        "override",
        Text("改判", "Override"),
        Text(
            "改判光标所在格（与数据相反时须写理由）",
            "Override the cell under the cursor (a reason when against the data)",
        ),
    ),
    KeySpec(
        "meeting.undo",
        "u",
        "undo",
        Text("撤销", "Undo"),
        Text("撤销上一个决定", "Undo the last decision"),
        show=False,
    ),
    KeySpec(
        "meeting.next",
        "n",
        "move(1)",
        Text("下一村", "Next"),
        Text("下一个村", "The next village"),
    ),
    KeySpec(
        "meeting.previous",
        "N",
        "move(-1)",
        Text("上一村", "Prev"),
        Text("上一个村", "The previous village"),
        show=False,
    ),
    KeySpec(
        "meeting.all_pass",
        "A",
        "all_pass",
        Text("其余全达标", "Rest pass"),
        Text(
            "其余尚未决定的村 G1、G2 全部达标（需确认）",
            "G1 and G2 pass for every village not yet decided (after confirmation)",
        ),
        show=False,
    ),
    KeySpec(
        "meeting.evidence",
        "enter",
        "evidence",
        Text("依据", "Evidence"),
        Text("查看光标所在格的依据", "The evidence of the cell under the cursor"),
        show=False,
    ),
    KeySpec(
        "meeting.end",
        "escape",
        "end",
        Text("结束", "End"),
        Text("结束会议并写会议纪要", "End the meeting and write the minutes"),
    ),
    KeySpec(
        "reason.cancel",
        "escape",
        "cancel",
        Text("取消", "Cancel"),
        Text("不写理由，不作决定", "Decide nothing"),
    ),
    KeySpec(
        "rectification.open",
        "z",
        "rectification",
        Text("整改", "Rectify"),
        Text("整改事项：谁在何时前整改什么", "Rectification items: who rectifies what by when"),
        show=False,
    ),
    KeySpec(
        "rectification.note",
        "a",
        "note",
        Text("备注", "Note"),
        Text("给选中的整改事项加一条备注", "Add a note to the selected item"),
    ),
    KeySpec(
        "rectification.deadline",
        "e",
        "deadline",
        Text("改期限", "Deadline"),
        Text("修改选中事项的整改期限", "Move the selected item's deadline"),
    ),
    KeySpec(
        "rectification.closed",
        "c",
        "toggle_closed",
        Text("含已销号", "Closed too"),
        Text("显示或隐藏已销号的事项", "Show or hide closed items"),
    ),
    KeySpec(
        "rectification.back",
        "escape",
        "back",
        Text("返回", "Back"),
        Text("回到主屏幕", "Back to the main screen"),
    ),
    KeySpec(
        "reports.open",
        "R",
        "reports",
        Text("报告", "Report"),
        Text(
            "写出本季度向区里上报的报告（Enter 即写出 docx）",
            "Write the quarter's report to the district (Enter writes the docx)",
        ),
        show=False,
    ),
    KeySpec(
        "reports.write",
        "ctrl+s",
        "write",
        Text("写出", "Write"),
        Text("按所选格式写出报告到文件", "Write the report in the chosen format to the file"),
    ),
    KeySpec(
        "reports.back",
        "escape",
        "back",
        Text("返回", "Back"),
        Text("回到主屏幕", "Back to the main screen"),
    ),
    KeySpec(
        "grid.evidence",
        "enter",
        "open_evidence",
        Text("依据", "Evidence"),
        Text("查看当前格的检查结果、记录与会议决定", "The cell's findings, records and decision"),
    ),
    KeySpec(
        "grid.top",
        "ctrl+home",
        "cursor_top",
        Text("首行", "First row"),
        Text("光标移到第一个村", "Move the cursor to the first village"),
        show=False,
    ),
    KeySpec(
        "grid.bottom",
        "ctrl+end",
        "cursor_bottom",
        Text("末行", "Last row"),
        Text("光标移到最后一个村", "Move the cursor to the last village"),
        show=False,
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
        "x,delete",
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
        "import.confirm",
        "ctrl+s",
        "confirm_import",
        Text("导入", "Import"),
        Text("预览无误后导入整个文件", "Import the whole file once the preview shows no problem"),
    ),
    KeySpec(
        "import.back",
        "escape",
        "back",
        Text("返回", "Back"),
        Text("不导入，回到主屏幕", "Import nothing; back to the main screen"),
    ),
    KeySpec(
        "import.batches",
        "f2",
        "batches",
        Text("批次", "Batches"),
        Text("列出导入批次，可撤销", "List the import batches, to undo one"),
    ),
    KeySpec(
        "import_batches.undo",
        "ctrl+s",
        "undo_batch",
        Text("撤销批次", "Undo batch"),
        Text("按写明的理由撤销选中的批次", "Undo the selected batch, with the reason typed"),
    ),
    KeySpec(
        "import_batches.back",
        "escape",
        "back",
        Text("返回", "Back"),
        Text("回到上一屏", "Back to the previous screen"),
    ),
    KeySpec(
        "units.back",
        "escape",
        "back",
        Text("返回", "Back"),
        Text("回到主屏幕", "Back to the main screen"),
    ),
    KeySpec(
        "plugins.failures",
        "exclamation_mark",
        "plugin_failures",
        Text("出错插件", "Failed plugins"),
        Text("列出未能加载的插件：文件与错误", "List the plugins that did not load: file, error"),
        show=False,
    ),
    KeySpec(
        "plugin_failures.close",
        "escape",
        "dismiss",
        Text("关闭", "Close"),
        Text("关闭出错插件列表", "Close the list of failed plugins"),
    ),
    KeySpec(
        "records.clear_filter",
        "c",
        "clear_filters",
        Text("清除筛选", "Clear filter"),
        Text("显示本季度全部记录", "Show every record of the quarter"),
        show=False,
    ),
    KeySpec(
        "evidence.edit",
        "e",
        "edit_record",
        Text("修改记录", "Edit record"),
        Text(
            "修改依据记录（多条时打开该村的记录列表）",
            "Edit the record behind the cell (several: the village's records list)",
        ),
    ),
    KeySpec(
        "units.previous_quarter",
        "left_square_bracket",
        "previous_quarter",
        Text("上季度", "Prev Q"),
        Text("视图显示上一季度", "Show the view for the previous quarter"),
        show=False,
    ),
    KeySpec(
        "units.next_quarter",
        "right_square_bracket",
        "next_quarter",
        Text("下季度", "Next Q"),
        Text("视图显示下一季度", "Show the view for the next quarter"),
        show=False,
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
        "grid.import",
        "records.list",
        "units.open",
        "lists.open",
        "quarter.finalize",
        "meeting.open",
        "rectification.open",
        "reports.open",
        "plugins.failures",
    ),
    "grid": ("grid.office", "grid.sort"),
    "grid_table": ("grid.evidence", "grid.top", "grid.bottom"),
    "records": (
        "records.new",
        "records.edit",
        "records.delete",
        "records.filter",
        "records.clear_filter",
        "records.back",
    ),
    "record_form": ("record_form.save", "record_form.cancel"),
    "record_type_picker": ("record_type_picker.cancel",),
    "village_picker": ("village_picker.matches",),
    "evidence": ("evidence.close", "evidence.history", "evidence.edit"),
    "history": ("history.close",),
    "help": ("help.close",),
    "plugin_failures": ("plugin_failures.close",),
    "jump": ("jump.cancel", "jump.down", "jump.up"),
    "confirm": ("confirm.yes", "confirm.no"),
    "units": (
        "units.back",
        "units.menu",
        "units.reload",
        "units.previous_quarter",
        "units.next_quarter",
    ),
    "lists": ("lists.back",),
    "meeting": (
        "meeting.pass",
        "meeting.fail_g1",
        "meeting.fail_g2",
        "meeting.override",
        "meeting.undo",
        "meeting.next",
        "meeting.previous",
        "meeting.all_pass",
        "meeting.evidence",
        "meeting.end",
    ),
    "reason": ("reason.cancel",),
    "rectification": (
        "rectification.note",
        "rectification.deadline",
        "rectification.closed",
        "rectification.back",
    ),
    "import_file": ("import.confirm", "import.back", "import.batches"),
    "import_batches": ("import_batches.undo", "import_batches.back"),
    "reports": ("reports.write", "reports.back"),
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
            "plugin_failures",
            "jump",
            "confirm",
            "units",
            "lists",
            "meeting",
            "reason",
            "rectification",
            "import_file",
            "import_batches",
            "reports",
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
