"""Rectification items (整改事项): who must rectify what by when; notes and deadlines editable."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from textual import on
from textual.app import ComposeResult
from textual.markup import escape
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from plugins import actions
from plugins.actions import Refusal
from plugins.i18n import Text, local_time
from plugins.rectification import STATUS_WORDS, Item, items
from tui import keys
from tui.app_access import PinganAccess
from tui.screens.reason import ReasonScreen
from tui.text import tr

TITLE = Text(
    "整改事项：{open} 项未销号，其中 {overdue} 项逾期（共 {total} 项）",
    "Rectification: {open} open, {overdue} of them overdue ({total} in all)",
)
COLUMNS = (
    Text("编号", "Id"),
    Text("村", "Village"),
    Text("指标", "Criterion"),
    Text("责任单位", "Unit"),
    Text("开出", "Opened"),
    Text("期限", "Deadline"),
    Text("状态", "Status"),
    Text("销号", "Closed"),
    Text("最新备注", "Latest note"),
)
NOTE = Text("整改事项 {id} 的备注", "A note on rectification item {id}")
NOTE_HINT = Text("备注，回车保存；Esc 取消", "the note; Enter to save, Esc to cancel")
DEADLINE = Text("整改事项 {id} 的新期限（YYYY-MM-DD）", "New deadline of item {id} (YYYY-MM-DD)")
DEADLINE_HINT = Text("日期，如 2024-03-31", "a date such as 2024-03-31")
NOT_A_DATE = Text("不是日期：{value}", "not a date: {value}")
STATUS_STYLE = {"open": "", "overdue": "bold $text-error", "closed": "$text-muted"}
"""Overdue items also read "!!" before their status, as in `pingan rectification`, for
screens without colour."""


class RectificationScreen(PinganAccess, Screen[None]):
    """Every rectification item, overdue ones standing out; add a note or move a deadline."""

    CSS_PATH = "rectification.tcss"
    BINDINGS = keys.owned("rectification")

    def __init__(self) -> None:
        super().__init__()
        self.open_only = True
        self.shown: list[Item] = []

    def compose(self) -> ComposeResult:
        yield Static(id="rectification-title")
        yield DataTable(id="rectification-items", cursor_type="row", zebra_stripes=True)
        yield Static(id="rectification-detail")
        yield Footer()

    def on_mount(self) -> None:
        keys.follow_language(self)
        self.watch(self.app, "lang", self.show, init=False)
        self.show()
        self.set_focus(self.query_one(DataTable))

    def show(self, _changed: object = None) -> None:
        """Read the items again and list them, open ones only unless toggled."""
        app = self.pingan
        lang = app.lang
        every = items(app.store, date.today())
        self.shown = [i for i in every if not self.open_only or i.status != "closed"]
        still = [i for i in every if i.status != "closed"]
        self.query_one("#rectification-title", Static).update(
            escape(
                tr(
                    TITLE,
                    lang,
                    open=len(still),
                    overdue=sum(1 for i in still if i.status == "overdue"),
                    total=len(every),
                )
            )
        )
        table = self.query_one(DataTable)
        row = table.cursor_row
        table.clear(columns=True)
        table.add_columns(*(tr(c, lang) for c in COLUMNS))
        for item in self.shown:
            status = escape(tr(STATUS_WORDS[item.status], lang))
            if item.status == "overdue":
                status = f"!! {status}"
            style = STATUS_STYLE[item.status]
            table.add_row(
                str(item.id),
                item.village,
                item.criterion,
                self.pingan.host.registry.unit_name(item.unit, lang),
                item.opened,
                item.deadline.isoformat(),
                f"[{style}]{status}[/]" if style else status,
                item.closed or "",
                escape(item.notes[-1]["text"]) if item.notes else "",
                key=str(item.id),
            )
        if self.shown:
            table.move_cursor(row=min(row, len(self.shown) - 1))
        self._show_detail()

    @on(DataTable.RowHighlighted, "#rectification-items")
    def _show_detail(self) -> None:
        """The selected item's unit, deadline and every note, which the table cuts or omits."""
        item = self.current()
        detail = self.query_one("#rectification-detail", Static)
        if item is None:
            detail.update("")
            return
        lang = self.pingan.lang
        unit = self.pingan.host.registry.unit_name(item.unit, lang)
        notes = "; ".join(
            f"{local_time(str(n.get('at', '')))} {n.get('text', '')}" for n in item.notes
        )
        line = f"#{item.id} {item.village} {item.criterion} {unit} {item.deadline.isoformat()}"
        detail.update(escape(f"{line}  {notes}".strip()))

    def current(self) -> Item | None:
        table = self.query_one(DataTable)
        if not self.shown:
            return None
        return self.shown[min(table.cursor_row, len(self.shown) - 1)]

    def action_toggle_closed(self) -> None:
        self.open_only = not self.open_only
        self.show()

    def action_note(self) -> None:
        item = self.current()
        if item is None:
            return
        question = Text(NOTE.zh.format(id=item.id), NOTE.en.format(id=item.id))

        def answered(text: str | None) -> None:
            if text:
                self._apply(lambda: actions.add_rectification_note(self._ctx(), item.id, text))

        self.app.push_screen(ReasonScreen(question, placeholder=NOTE_HINT), callback=answered)

    def action_deadline(self) -> None:
        item = self.current()
        if item is None:
            return
        question = Text(DEADLINE.zh.format(id=item.id), DEADLINE.en.format(id=item.id))

        def answered(text: str | None) -> None:
            if not text:
                return
            try:
                day = date.fromisoformat(text)
            except ValueError:
                self.notify(tr(NOT_A_DATE, self.pingan.lang, value=text), severity="error")
                return
            self._apply(lambda: actions.set_rectification_deadline(self._ctx(), item.id, day))

        self.app.push_screen(
            ReasonScreen(question, placeholder=DEADLINE_HINT, value=item.deadline.isoformat()),
            callback=answered,
        )

    def _ctx(self) -> actions.ActionContext:
        return self.pingan.action_context()

    def _apply(self, change: Callable[[], object]) -> None:
        """Make the change through the actions layer and list the items again."""
        try:
            change()
        except Refusal as exc:
            self.notify(" ".join(exc.render(self.pingan.lang)), severity="error", timeout=10)
            return
        self.show()

    def action_back(self) -> None:
        self.dismiss()
