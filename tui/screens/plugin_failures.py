"""The plugins that failed to load: each one's name, file and error, until the app restarts."""

from __future__ import annotations

from rich.text import Text as RichText
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from plugins.i18n import Text
from plugins.manager import PluginInfo
from tui import keys
from tui.app_access import PinganAccess
from tui.text import tr

TITLE = Text(
    "未能加载的插件（{count} 个），其余功能照常",
    "Plugins that did not load ({count}); the rest works",
)
NONE = Text("所有插件都已加载", "Every plugin loaded")
FILE = Text("文件", "File")
ERROR = Text("错误", "Error")
HINT = Text(
    "修好文件后重启 pingan；`pingan plugins` 列出全部插件。Esc 关闭",
    "Fix the file and restart pingan; `pingan plugins` lists every plugin. Esc closes",
)


def failure_text(info: PluginInfo, lang: str) -> RichText:
    """One failed plugin: its name, the file it came from and why it failed."""
    text = RichText(f"! {info.name}", style="bold")
    text.append(f"\n  {tr(FILE, lang)}：" if lang == "zh" else f"\n  {tr(FILE, lang)}: ")
    text.append(info.path or info.location)
    reason = info.reason_zh if lang == "zh" and info.reason_zh else info.reason
    text.append(f"\n  {tr(ERROR, lang)}：" if lang == "zh" else f"\n  {tr(ERROR, lang)}: ")
    text.append(reason)
    return text


class PluginFailuresScreen(PinganAccess, ModalScreen[None]):
    """A dialog listing every plugin that failed to load, with its file and error."""

    CSS_PATH = "plugin_failures.tcss"
    BINDINGS = keys.owned("plugin_failures")

    def compose(self) -> ComposeResult:
        lang = self.pingan.lang
        failed = self.pingan.host.failed()
        with Vertical(id="plugin-failures"):
            title = tr(TITLE, lang, count=len(failed)) if failed else tr(NONE, lang)
            yield Static(RichText(title, style="bold"), id="plugin-failures-title")
            with VerticalScroll(id="plugin-failures-list"):
                for info in failed:
                    yield Static(failure_text(info, lang), classes="plugin-failure")
            yield Static(tr(HINT, lang), id="plugin-failures-hint")

    def on_mount(self) -> None:
        keys.follow_language(self)
        self.set_focus(self.query_one("#plugin-failures-list"))
