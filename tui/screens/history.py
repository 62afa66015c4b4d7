"""A cell's history: every audit entry behind it, as a table with local times."""

from __future__ import annotations

from rich.text import Text as RichText
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from plugins.history import cell_history
from plugins.i18n import Text, local_time
from store import AuditEntry, Quarter, StoreError, Village
from tui import keys
from tui.app_access import PinganAccess
from tui.text import tr

ACTION_NAMES: dict[str, Text] = {
    "record.add": Text("新增记录", "record added"),
    "record.update": Text("修改记录", "record changed"),
    "record.delete": Text("删除记录", "record deleted"),
    "records.import": Text("导入记录", "records imported"),
    "decision.set": Text("会议决定", "decision made"),
    "decision.withdraw": Text("撤回决定", "decision withdrawn"),
    "return.file": Text("登记报表", "return filed"),
    "return.withdraw": Text("撤回报表", "return withdrawn"),
    "import.add": Text("导入批次", "import batch"),
    "import.undo": Text("撤销导入", "import undone"),
    "snapshot.save": Text("定稿（保存快照）", "finalized (snapshot saved)"),
    "quarter.reopen": Text("重新打开季度", "quarter reopened"),
}
"""What each audited action is called in the table; others show their code."""


class HistoryLoaded(Message):
    """The cell's audit entries, read in a worker (None: the store could not be read)."""

    def __init__(self, entries: list[AuditEntry] | None, reason: str = "") -> None:
        super().__init__()
        self.entries = entries
        self.reason = reason


class HistoryScreen(PinganAccess, ModalScreen[None]):
    """Every change behind one cell, oldest first: when, who, what, on which item."""

    CSS_PATH = "history.tcss"
    BINDINGS = keys.owned("history")

    def __init__(self, quarter: Quarter, village: Village, criterion: str) -> None:
        super().__init__()
        self.quarter = quarter
        self.village = village
        self.criterion = criterion
        self.entries: list[AuditEntry] | None = None
        """The entries behind the cell once loaded."""

    def compose(self) -> ComposeResult:
        with Vertical(id="history"):
            yield Static(id="history-title")
            yield DataTable(id="history-table", cursor_type="row", zebra_stripes=True)
            yield Static(id="history-hint")

    def on_mount(self) -> None:
        keys.follow_language(self)
        self.watch(self.app, "lang", self._relabel, init=False)
        self._relabel(self.pingan.lang)
        self._load()

    @work(thread=True, exit_on_error=False, group="history")
    def _load(self) -> None:
        app = self.pingan
        try:
            entries = cell_history(
                app.store, app.host.registry, self.quarter, self.village.code, self.criterion
            )
        except StoreError as exc:
            self.post_message(HistoryLoaded(None, exc.message.get(app.lang)))
            return
        self.post_message(HistoryLoaded(entries))

    @on(HistoryLoaded)
    def _loaded(self, message: HistoryLoaded) -> None:
        if message.entries is None:
            self.notify(
                tr("notice.read_failed", self.pingan.lang, reason=message.reason),
                severity="error",
            )
            self.entries = []
        else:
            self.entries = message.entries
        self._relabel(self.pingan.lang)

    def _relabel(self, lang: str) -> None:
        title = tr(
            "history.title",
            lang,
            village=self.village.name,
            quarter=self.quarter,
            code=self.criterion,
        )
        self.query_one("#history-title", Static).update(RichText(title, "bold"))
        hint = tr("history.loading" if self.entries is None else "history.hint", lang)
        if self.entries == []:
            hint = tr("history.none", lang)
        self.query_one("#history-hint", Static).update(RichText(hint, "dim"))
        table = self.query_one("#history-table", DataTable)
        table.clear(columns=True)
        table.add_columns(
            tr("history.col.time", lang),
            tr("history.col.actor", lang),
            tr("history.col.action", lang),
            tr("history.col.target", lang),
        )
        for entry in self.entries or []:
            name = ACTION_NAMES.get(entry.action)
            table.add_row(
                local_time(entry.at),
                entry.actor,
                tr(name, lang) if name else entry.action,
                entry.target,
                key=str(entry.seq),
            )
