"""The import batches: every file imported, and undoing one with a reason."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Label

from plugins import actions
from plugins.actions import ImportUndone, Refusal
from plugins.i18n import Text, local_time
from tui import keys
from tui.app_access import PinganAccess
from tui.text import tr

TITLE = Text("导入批次", "Import batches")
HINT = Text(
    "选中一个批次，写明理由，按 ctrl+s 撤销它", "Pick a batch, give a reason, ctrl+s undoes it"
)
REASON = Text("撤销的理由", "why it is undone")
NONE_YET = Text("还没有导入过记录", "No records imported yet")
UNDONE = Text("已撤销", "undone")
DONE = Text(
    "已撤销批次 {batch}：删除 {removed} 条，恢复 {restored} 条",
    "Undid batch {batch}: removed {removed}, restored {restored}",
)
COLUMNS = (
    Text("批次", "batch"),
    Text("文件", "file"),
    Text("类型", "type"),
    Text("行数", "rows"),
    Text("导入人", "by"),
    Text("时间", "at"),
    Text("状态", "status"),
)


class ImportBatchesScreen(PinganAccess, Screen[None]):
    """Every import batch, newest first; undo the one under the cursor with a reason."""

    CSS_PATH = "import_batches.tcss"
    BINDINGS = keys.owned("import_batches")

    class Undone(Message):
        """The worker undid a batch, or it was refused with these lines."""

        def __init__(self, undone: ImportUndone | None, refused: list[str]) -> None:
            super().__init__()
            self.undone = undone
            self.refused = refused

    def compose(self) -> ComposeResult:
        with Vertical(id="batches-body"):
            yield Label(id="batches-title")
            yield DataTable(id="batches", cursor_type="row", zebra_stripes=True)
            yield Input(id="batches-reason")
            yield Label(id="batches-message")
        yield Footer()

    def on_mount(self) -> None:
        keys.follow_language(self)
        self.watch(self.app, "lang", self._relabel, init=False)
        self._relabel(self.pingan.lang)
        self.set_focus(self.query_one("#batches", DataTable))

    def _relabel(self, lang: str) -> None:
        self.query_one("#batches-title", Label).update(f"{tr(TITLE, lang)}  {tr(HINT, lang)}")
        self.query_one("#batches-reason", Input).placeholder = tr(REASON, lang)
        self.show_batches()

    def show_batches(self) -> None:
        """Fill the table from the store, newest batch first."""
        lang = self.pingan.lang
        table = self.query_one("#batches", DataTable)
        table.clear(columns=True)
        table.add_columns(*(tr(c, lang) for c in COLUMNS))
        batches = sorted(self.pingan.store.import_batches(), key=lambda b: -b.id)
        for b in batches:
            status = tr(UNDONE, lang) if b.undone else ""
            table.add_row(
                str(b.id),
                b.file,
                b.record_type,
                str(b.rows),
                b.actor,
                local_time(b.at),
                status,
                key=str(b.id),
            )
        if not batches:
            self.query_one("#batches-message", Label).update(tr(NONE_YET, lang))

    @property
    def selected_batch(self) -> int | None:
        table = self.query_one("#batches", DataTable)
        if table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return int(key) if key is not None else None

    def action_undo_batch(self) -> None:
        """Undo the batch under the cursor with the reason typed, in a worker."""
        batch = self.selected_batch
        if batch is None:
            return
        self._undo(batch, self.query_one("#batches-reason", Input).value)

    @work(thread=True, group="import-undo", exclusive=True, exit_on_error=False)
    def _undo(self, batch_id: int, reason: str) -> None:
        try:
            undone = actions.undo_import(self.pingan.action_context(), batch_id, reason=reason)
        except Refusal as exc:
            self.post_message(self.Undone(None, exc.render(self.pingan.lang)))
            return
        self.post_message(self.Undone(undone, []))

    @on(Undone)
    def _undone(self, message: Undone) -> None:
        lang = self.pingan.lang
        shown = self.query_one("#batches-message", Label)
        if message.undone is None:
            shown.update("\n".join(message.refused))
            return
        undone = message.undone
        shown.update(
            tr(
                DONE,
                lang,
                batch=undone.batch.id,
                removed=undone.removed,
                restored=undone.restored,
            )
        )
        self.query_one("#batches-reason", Input).value = ""
        self.show_batches()
        self.pingan.notify_data_changed(None)

    def action_back(self) -> None:
        self.dismiss(None)
