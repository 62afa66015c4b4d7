"""The registry of the shell's key bindings: ids, default keys, bilingual descriptions and tooltips.

Every binding has an id so a town can remap it from settings.keymap (App.set_keymap), and
bilingual labels so the footer and help screen follow the interface language.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass

from textual.binding import Binding, BindingsMap, BindingType
from textual.dom import DOMNode

from plugins.i18n import Text


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
        return Binding(
            self.keys,
            self.action,
            self.description.get(lang),
            show=self.show,
            key_display=self.key_display,
            priority=self.priority,
            tooltip=self.tooltip.get(lang),
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
        "records.new",
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
)

SPECS: dict[str, KeySpec] = {spec.id: spec for spec in KEY_SPECS}


def bindings(*ids: str, lang: str = "zh") -> list[BindingType]:
    """The Bindings for ids, labelled in lang, for a class's BINDINGS."""
    return [SPECS[binding_id].binding(lang) for binding_id in ids]


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
    description = spec.description.get(lang)
    return dataclasses.replace(
        binding,
        description=description,
        tooltip=spec.tooltip.get(lang),
        show=bool(description and spec.show),
    )


def valid_keymap(keymap: Mapping[str, str]) -> tuple[dict[str, str], list[str]]:
    """Split a settings keymap into the entries naming known binding ids and the unknown ids."""
    known = {binding_id: keys for binding_id, keys in keymap.items() if binding_id in SPECS}
    unknown = sorted(binding_id for binding_id in keymap if binding_id not in SPECS)
    return known, unknown
