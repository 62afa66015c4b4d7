"""The Reports screen: the report of the quarter in view, its format, language and file.

`R` opens it with docx and the default file (`reports/` beside the store) in the file box,
so `R` then Enter writes the usual report; it says where, and the check code to print. A
file that exists is replaced only after the user confirms it.
"""

from __future__ import annotations

from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.markup import escape
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Input, Label, RadioSet, Static

from plugins import actions
from plugins.actions import Refusal, WrittenReport
from plugins.actions.reports import OVERWRITE, default_report_path
from plugins.i18n import Text
from plugins.quarters import STATE_WORDS, quarter_status
from plugins.reports.formats import FORMATS
from tui import keys
from tui.app_access import PinganAccess
from tui.screens.confirm import ConfirmScreen
from tui.text import tr
from tui.widgets.choice_button import ChoiceButton

TITLE = Text(
    "{quarter} 向区里上报的季度报告（{state}）", "{quarter} report to the district ({state})"
)
DRAFT_NOTE = Text(
    "本季度尚未定稿：报告为草稿，每页标明「草稿」",
    "Not finalized: the report is a DRAFT on every page",
)
FINAL_NOTE = Text("依据定稿快照生成", "Built from the finalized snapshot")
FORMAT = Text("格式", "Format")
LANGUAGE = Text("语言", "Language")
FILE = Text("文件（Enter 写出 {fmt}，{language}）", "File (Enter writes {fmt}, {language})")
WRITING = Text("正在写出 {path}", "Writing {path}")
WRITTEN = Text("已写出：{path}\n核验码：{code}", "Written: {path}\nCheck code: {code}")
REPLACE = Text("{path} 已存在。替换它吗？", "{path} exists. Replace it?")
REPLACE_YES = Text("替换 (y)", "Replace (y)")
KEEP = Text("保留原文件 (n)", "Keep it (n)")
KEPT = Text("未写出：{path} 已存在，保留原文件", "Not written: {path} exists and was kept")
FAILED_SECTIONS = Text("有章节未写入：{names}", "Sections left out: {names}")
LANGS = (("zh", "中文"), ("en", "English"))


class ReportsScreen(PinganAccess, Screen[None]):
    """Choose format, language and file for the quarter in view, and write the report."""

    CSS_PATH = "reports.tcss"
    BINDINGS = keys.owned("reports")

    class Written(Message):
        """A report written, or why not (the refusal's lines, and whether the file exists)."""

        def __init__(
            self,
            written: WrittenReport | None,
            refused: list[str],
            path: Path,
            exists: bool = False,
        ) -> None:
            super().__init__()
            self.written = written
            self.refused = refused
            self.path = path
            self.exists = exists

    def __init__(self) -> None:
        super().__init__()
        self.fmt = "docx"
        self.report_lang = "zh"

    def compose(self) -> ComposeResult:
        yield Static(id="reports-title")
        with VerticalScroll(id="reports-body"):
            yield Static(id="reports-note")
            with Horizontal(classes="reports-row"):
                yield Label(id="reports-format-label", classes="reports-label")
                with RadioSet(id="reports-format"):
                    for name in FORMATS:
                        yield ChoiceButton(name, value=name == self.fmt, name=name)
            with Horizontal(classes="reports-row"):
                yield Label(id="reports-lang-label", classes="reports-label")
                with RadioSet(id="reports-lang"):
                    for code, word in LANGS:
                        yield ChoiceButton(word, value=code == self.report_lang, name=code)
            yield Label(id="reports-file-label")
            yield Input(id="reports-file")
            yield Static(id="reports-status")
        yield Footer()

    def on_mount(self) -> None:
        keys.follow_language(self)
        self.watch(self.app, "lang", self.show, init=False)
        app = self.pingan
        self.query_one("#reports-file", Input).value = str(
            default_report_path(app.store, app.quarter, self.fmt)
        )
        self.show()
        self.query_one("#reports-file", Input).focus()

    def show(self, _changed: object = None) -> None:
        """The labels in the interface language, and the quarter's state."""
        app = self.pingan
        lang, quarter = app.lang, app.quarter
        state = quarter_status(app.store, quarter).state
        self.query_one("#reports-title", Static).update(
            escape(tr(TITLE, lang, quarter=quarter, state=tr(STATE_WORDS[state], lang)))
        )
        draft = not app.store.is_locked(quarter)
        note = self.query_one("#reports-note", Static)
        note.update(escape(tr(DRAFT_NOTE if draft else FINAL_NOTE, lang)))
        note.set_class(draft, "-draft")
        self.query_one("#reports-format-label", Label).update(tr(FORMAT, lang))
        self.query_one("#reports-lang-label", Label).update(tr(LANGUAGE, lang))
        self._show_choice()

    def _show_choice(self) -> None:
        """The chosen format and language in words, so the choice reads without colour."""
        words = dict(LANGS)
        self.query_one("#reports-file-label", Label).update(
            escape(tr(FILE, self.pingan.lang, fmt=self.fmt, language=words[self.report_lang]))
        )

    @on(RadioSet.Changed, "#reports-format")
    def _format_chosen(self, event: RadioSet.Changed) -> None:
        """A new format: the file keeps its name and takes the format's suffix."""
        self.fmt = event.pressed.name or self.fmt
        box = self.query_one("#reports-file", Input)
        current = Path(box.value.strip() or "report")
        box.value = str(current.with_suffix(FORMATS[self.fmt].suffix))
        self._show_choice()

    @on(RadioSet.Changed, "#reports-lang")
    def _lang_chosen(self, event: RadioSet.Changed) -> None:
        self.report_lang = event.pressed.name or self.report_lang
        self._show_choice()

    @on(Input.Submitted, "#reports-file")
    def _submitted(self) -> None:
        self.action_write()

    def action_write(self) -> None:
        """Write the report to the file in the box, in a worker; the status line follows."""
        path = Path(self.query_one("#reports-file", Input).value.strip()).expanduser()
        self.query_one("#reports-status", Static).update(
            escape(tr(WRITING, self.pingan.lang, path=path))
        )
        self._write(path, self.fmt, self.report_lang)

    @work(thread=True, group="report-write", exclusive=True, exit_on_error=False)
    def _write(self, path: Path, fmt: str, lang: str, overwrite: bool = False) -> None:
        app = self.pingan
        try:
            written = actions.write_report_file(
                app.action_context(), app.quarter, fmt, path, lang, overwrite=overwrite
            )
        except Refusal as exc:
            exists = exc.field == OVERWRITE
            self.post_message(self.Written(None, exc.render(app.lang), path, exists))
            return
        self.post_message(self.Written(written, [], path))

    @on(Written)
    def _written(self, message: Written) -> None:
        lang = self.pingan.lang
        status = self.query_one("#reports-status", Static)
        status.set_class(message.written is None, "-refused")
        if message.exists:
            self._ask_to_replace(message.path)
            return
        if message.written is None:
            status.update(escape("\n".join(message.refused)))
            return
        done = message.written
        lines = [tr(WRITTEN, lang, path=done.path, code=done.report.stamp.code)]
        if done.report.failed:
            lines.append(tr(FAILED_SECTIONS, lang, names="; ".join(done.report.failed)))
        status.update(escape("\n".join(lines)))
        self.notify(tr(WRITTEN, lang, path=done.path, code=done.report.stamp.code), timeout=10)

    def _ask_to_replace(self, path: Path) -> None:
        """Ask whether to replace the existing file; write over it only on yes."""
        fmt, lang = self.fmt, self.report_lang
        status = self.query_one("#reports-status", Static)

        def answered(replace: bool | None) -> None:
            if replace:
                status.update(escape(tr(WRITING, self.pingan.lang, path=path)))
                self._write(path, fmt, lang, overwrite=True)
            else:
                status.update(escape(tr(KEPT, self.pingan.lang, path=path)))

        question = ConfirmScreen(REPLACE.format(path=path), yes=REPLACE_YES, no=KEEP)
        self.app.push_screen(question, answered)

    def action_back(self) -> None:
        self.dismiss()
