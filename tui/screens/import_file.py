"""The import screen: pick a file and a record type, see the rows and every problem, then import.

Reading and checking run in a worker; nothing is stored until the user confirms a preview that
shows no problem, and the import itself goes through `plugins.actions.import_records`.
"""

from __future__ import annotations

from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.suggester import Suggester
from textual.widgets import Button, DataTable, Footer, Input, Label, ProgressBar, Select, Static

from plugins import actions
from plugins.actions import ImportPreview, RecordImport, Refusal
from plugins.i18n import Text
from plugins.importing import ImportRefused, guess_record_type, read_table
from store import Quarter
from tui import keys
from tui.app_access import PinganAccess
from tui.text import tr

TITLE = Text("导入记录文件（CSV 或 XLSX）", "Import a file of records (CSV or XLSX)")
PATH_PLACEHOLDER = Text(
    "文件路径，回车预览（右方向键补全）", "path of the file; Enter to preview (right completes)"
)
TYPE_PROMPT = Text("记录类型", "Record type")
IMPORT = Text("导入 (ctrl+s)", "Import (ctrl+s)")
BACK = Text("返回 (esc)", "Back (esc)")
READING = Text("正在读取和检查...", "Reading and checking...")
IMPORTING = Text("正在导入...", "Importing...")
CHOOSE_TYPE = Text(
    "读到 {rows} 行；请选择记录类型以检查", "{rows} rows read; choose the record type to check them"
)
READY = Text(
    "{rows} 行无误：将新增 {new} 条、替换 {replacing} 条{how}；按 ctrl+s 导入",
    "{rows} rows, no problem: {new} to add, {replacing} to replace{how}; ctrl+s imports",
)
PROBLEMS = Text(
    "{count} 处问题，改正文件后再预览；不会存入任何数据",
    "{count} problems: correct the file and preview again; nothing is stored",
)
NO_PREVIEW = Text("先预览一个没有问题的文件", "Preview a file with no problem first")
DONE = Text(
    "已导入 {total} 条 {type} 记录，替换 {replaced} 条（批次 {batch}）",
    "Imported {total} {type} records, replaced {replaced} (batch {batch})",
)
HOW_READ = Text("（{what}）", " ({what})")
ENCODING = Text("编码 {name}", "encoding {name}")
SHEET = Text("工作表 {name}", "sheet {name}")
PREVIEW_ROWS = 20


class PathSuggester(Suggester):
    """Completes a path with the first file or folder in its folder that starts with it."""

    def __init__(self) -> None:
        super().__init__(use_cache=False, case_sensitive=True)

    async def get_suggestion(self, value: str) -> str | None:
        if not value:
            return None
        typed = Path(value).expanduser()
        folder, stem = (typed, "") if value.endswith(("/", "\\")) else (typed.parent, typed.name)
        try:
            names = sorted(p.name + ("/" if p.is_dir() else "") for p in folder.iterdir())
        except OSError:
            return None
        match = next((n for n in names if n.startswith(stem) and not n.startswith(".")), None)
        if match is None:
            return None
        return value + match[len(stem) :]


class ImportScreen(PinganAccess, Screen[None]):
    """Choose a file and a record type, preview its rows and problems, and import it on confirm."""

    CSS_PATH = "import_file.tcss"
    BINDINGS = keys.owned("import_file")

    class Previewed(Message):
        """The worker read the file: the preview, or why it could not be read at all."""

        def __init__(
            self,
            path: Path,
            type_name: str | None,
            columns: list[str],
            rows: list[tuple[int, dict[str, object]]],
            preview: ImportPreview | None,
            refused: list[str],
        ) -> None:
            super().__init__()
            self.path = path
            self.type_name = type_name
            self.columns = columns
            self.rows = rows
            self.preview = preview
            self.refused = refused

    class Imported(Message):
        """The import landed, or was refused with these lines."""

        def __init__(self, result: RecordImport | None, refused: list[str]) -> None:
            super().__init__()
            self.result = result
            self.refused = refused

    def __init__(self, path: str = "") -> None:
        super().__init__()
        self._start_path = path
        self._preview: ImportPreview | None = None
        self._previewed_path: Path | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="import-body"):
            yield Label(id="import-title")
            with Horizontal(id="import-choice"):
                yield Input(self._start_path, id="import-path", suggester=PathSuggester())
                yield Select[str]([], id="import-type")
            yield Label(id="import-summary")
            yield ProgressBar(total=None, show_eta=False, id="import-progress")
            yield DataTable(id="import-preview", cursor_type="row", zebra_stripes=True)
            yield Static(id="import-problems", markup=False)
            with Horizontal(id="import-buttons"):
                yield Button(id="import-go", variant="primary", disabled=True)
                yield Button(id="import-back")
        yield Footer()

    def on_mount(self) -> None:
        keys.follow_language(self)
        self.watch(self.app, "lang", self._relabel, init=False)
        self._relabel(self.pingan.lang)
        self.query_one("#import-progress", ProgressBar).display = False
        self.set_focus(self.query_one("#import-path", Input))

    def _relabel(self, lang: str) -> None:
        self.query_one("#import-title", Label).update(tr(TITLE, lang))
        self.query_one("#import-path", Input).placeholder = tr(PATH_PLACEHOLDER, lang)
        chooser = self.query_one("#import-type", Select)
        registry = self.pingan.host.registry
        chosen = chooser.value
        chooser.prompt = tr(TYPE_PROMPT, lang)
        chooser.set_options(
            (f"{tr(t.label, lang)}  {t.name}", t.name)
            for t in sorted(registry.record_types.values(), key=lambda t: t.name)
        )
        if isinstance(chosen, str):
            chooser.value = chosen
        self.query_one("#import-go", Button).label = tr(IMPORT, lang)
        self.query_one("#import-back", Button).label = tr(BACK, lang)
        if self._preview is not None:
            self._show_summary(self._preview)

    # preview

    @property
    def chosen_type(self) -> str | None:
        value = self.query_one("#import-type", Select).value
        return value if isinstance(value, str) else None

    @on(Input.Submitted, "#import-path")
    def _path_submitted(self) -> None:
        self.preview()

    @on(Select.Changed, "#import-type")
    def _type_changed(self) -> None:
        if self.query_one("#import-path", Input).value.strip():
            self.preview()

    def preview(self) -> None:
        """Read and check the file in a worker; the screen shows the result when it comes."""
        text = self.query_one("#import-path", Input).value.strip()
        if not text:
            return
        self._preview = None
        self.query_one("#import-go", Button).disabled = True
        self._busy(READING)
        self._read(Path(text).expanduser(), self.chosen_type)

    @work(thread=True, group="import-preview", exclusive=True, exit_on_error=False)
    def _read(self, path: Path, type_name: str | None) -> None:
        ctx = self.pingan.action_context()
        try:
            table = read_table(ctx.host.registry, path)
            guessed = type_name or guess_record_type(ctx.host.registry, table.columns)
            rows = list(table[:PREVIEW_ROWS])
            preview = (
                actions.preview_import(
                    ctx, path, guessed, limit=PREVIEW_ROWS, progress=self._progress_from_worker
                )
                if guessed
                else None
            )
        except ImportRefused as exc:
            self.post_message(self.Previewed(path, type_name, [], [], None, exc.lines(self._lang)))
            return
        except Refusal as exc:
            self.post_message(self.Previewed(path, type_name, [], [], None, exc.render(self._lang)))
            return
        columns = preview.columns if preview else table.columns
        shown = preview.rows if preview else rows
        self.post_message(self.Previewed(path, guessed, columns, shown, preview, []))

    @property
    def _lang(self) -> str:
        return self.pingan.lang

    @on(Previewed)
    def _previewed(self, message: Previewed) -> None:
        self._done_busy()
        if message.type_name is not None and message.type_name != self.chosen_type:
            with self.prevent(Select.Changed):
                self.query_one("#import-type", Select).value = message.type_name
        table = self.query_one("#import-preview", DataTable)
        table.clear(columns=True)
        if message.columns:
            table.add_columns(
                tr(Text("行", "line"), self._lang), *(str(c) for c in message.columns)
            )
            for line, row in message.rows:
                cells = ["" if row.get(c) is None else str(row.get(c)) for c in message.columns]
                table.add_row(str(line), *cells)
        problems = self.query_one("#import-problems", Static)
        summary = self.query_one("#import-summary", Label)
        self._preview = message.preview
        self._previewed_path = message.path
        if message.refused:
            problems.update("\n".join(message.refused))
            summary.update(tr(PROBLEMS, self._lang, count=len(message.refused)))
            return
        if message.preview is None:
            problems.update("")
            summary.update(tr(CHOOSE_TYPE, self._lang, rows=len(message.rows)))
            return
        path = str(message.path)
        problems.update("\n".join(p.render(path, self._lang) for p in message.preview.problems))
        self._show_summary(message.preview)

    def _show_summary(self, preview: ImportPreview) -> None:
        summary = self.query_one("#import-summary", Label)
        go = self.query_one("#import-go", Button)
        if not preview.ok:
            summary.update(tr(PROBLEMS, self._lang, count=len(preview.problems)))
            go.disabled = True
            return
        report = preview.report
        what = [
            tr(ENCODING, self._lang, name=report.encoding) if report.encoding else "",
            tr(SHEET, self._lang, name=report.sheet) if report.sheet else "",
            *(note.get(self._lang) for note in report.notes),
        ]
        how = (
            "，".join(w for w in what if w)
            if self._lang == "zh"
            else ", ".join(w for w in what if w)
        )
        summary.update(
            tr(
                READY,
                self._lang,
                rows=preview.new + preview.replacing,
                new=preview.new,
                replacing=preview.replacing,
                how=tr(HOW_READ, self._lang, what=how) if how else "",
            )
        )
        go.disabled = False

    # import

    @on(Button.Pressed, "#import-go")
    def _go_pressed(self) -> None:
        self.action_confirm_import()

    @on(Button.Pressed, "#import-back")
    def _back_pressed(self) -> None:
        self.action_back()

    def action_confirm_import(self) -> None:
        """Import the previewed file, if its preview showed no problem."""
        preview, path = self._preview, self._previewed_path
        if preview is None or path is None or not preview.ok:
            self.notify(tr(NO_PREVIEW, self._lang), severity="warning")
            return
        self.query_one("#import-go", Button).disabled = True
        self._busy(IMPORTING)
        self._import(path, preview.record_type)

    @work(thread=True, group="import", exclusive=True, exit_on_error=False)
    def _import(self, path: Path, type_name: str) -> None:
        try:
            result = actions.import_records(
                self.pingan.action_context(),
                path,
                type_name,
                progress=self._progress_from_worker,
            )
        except Refusal as exc:
            self.post_message(self.Imported(None, exc.render(self._lang)))
            return
        self.post_message(self.Imported(result, []))

    @on(Imported)
    def _imported(self, message: Imported) -> None:
        self._done_busy()
        result = message.result
        if result is None:
            self.query_one("#import-problems", Static).update("\n".join(message.refused))
            self.query_one("#import-summary", Label).update(
                tr(PROBLEMS, self._lang, count=len(message.refused))
            )
            return
        quarters: list[Quarter] = sorted(result.counts)
        self.pingan.notify_data_changed(quarters[0] if quarters else None)
        self.notify(
            tr(
                DONE,
                self._lang,
                total=result.total,
                type=result.record_type,
                replaced=result.replaced,
                batch=result.batch,
            )
        )
        self.dismiss(None)

    def _progress_from_worker(self, done: int, total: int) -> None:
        self.app.call_from_thread(self._show_progress, done, total)

    def _show_progress(self, done: int, total: int) -> None:
        self.query_one("#import-progress", ProgressBar).update(total=total, progress=done)

    def _busy(self, what: Text) -> None:
        self.query_one("#import-summary", Label).update(tr(what, self._lang))
        bar = self.query_one("#import-progress", ProgressBar)
        bar.update(total=None, progress=0)
        bar.display = True

    def _done_busy(self) -> None:
        self.query_one("#import-progress", ProgressBar).display = False

    def action_back(self) -> None:
        self.dismiss(None)

    def action_batches(self) -> None:
        """List the import batches, where one can be undone."""
        from tui.screens.import_batches import ImportBatchesScreen

        self.app.push_screen(ImportBatchesScreen())
