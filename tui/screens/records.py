"""The records of the quarter on screen: filter by village and type, add, edit, delete."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.markup import escape
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Label, Select, Static

from plugins import actions
from plugins.actions import ActionContext, Refusal
from plugins.i18n import Text
from plugins.schema import RecordType, summarize
from store import Quarter, Record, Store, StoreError, Village
from tui import keys
from tui.app_access import PinganAccess
from tui.messages import DataChanged
from tui.screens.reason import ReasonScreen
from tui.screens.record_actions import choose_and_create, edit_record
from tui.text import tr
from tui.widgets.village_picker import VillagePicker

SUMMARY_WIDTH = 48
TITLE = Text("{quarter} 记录（{count} 条）", "Records of {quarter} ({count})")
FILTERED_TITLE = Text(
    "{quarter} 记录：筛选后 {count}/{total} 条（c 清除筛选）",
    "Records of {quarter}: {count} of {total} shown (c clears the filter)",
)
COLUMNS = (
    ("type", Text("类型", "Type")),
    ("unit", Text("单位", "Unit")),
    ("village", Text("村", "Village")),
    ("date", Text("日期", "Date")),
    ("summary", Text("内容", "Details")),
)
"""The details come last: a narrow terminal cuts them, and the line under the table shows
the selected record's whole details."""
ALL_TYPES = Text("全部类型", "All types")
TYPE_FILTER = Text("按记录类型筛选", "Filter by record type")
VILLAGE_FILTER = Text("按村筛选：村名 / 编号 / 拼音首字母", "Village: name / code / initials")
NOTHING_SELECTED = Text("没有选中的记录", "No record selected")
DELETE_QUESTION = Text(
    "删除这条记录？\n{summary}\n写明删除理由（记入审计日志），回车删除；Esc 取消",
    "Delete this record?\n{summary}\nGive the reason (kept in the audit log), Enter deletes; "
    "Esc cancels",
)
DELETED = Text("已删除记录 {id}", "Deleted record {id}")
NOT_DELETED = Text("未删除：{reason}", "Not deleted: {reason}")


def summary_line(record: Record, record_type: RecordType | None, lang: str) -> str:
    """The record's own fields in one line of at most SUMMARY_WIDTH characters."""
    return summarize(record_type, record.fields, lang, width=SUMMARY_WIDTH)


class RecordsScreen(PinganAccess, Screen[None]):
    """A table of the quarter's records with a village search and a type filter."""

    CSS_PATH = "records.tcss"

    BINDINGS = keys.owned("records")

    class Loaded(Message):
        """The worker read the quarter's records and the villages."""

        def __init__(
            self, quarter: Quarter, records: list[Record], villages: list[Village]
        ) -> None:
            super().__init__()
            self.quarter = quarter
            self.records = records
            self.villages = villages

    class Deleted(Message):
        """The worker deleted a record, or could not (reason is then set)."""

        def __init__(self, record: Record, reason: str = "") -> None:
            super().__init__()
            self.record = record
            self.reason = reason

    def __init__(
        self,
        *,
        village: str | None = None,
        record_type: str | None = None,
        focus_record: int | None = None,
    ) -> None:
        """Open filtered on village and record_type (None: all), the cursor on focus_record."""
        super().__init__()
        self.records: list[Record] = []
        self.shown: list[Record] = []
        self._quarter: Quarter | None = None
        self._village = village
        self._type = record_type
        self._focus_id: int | None = focus_record
        self._names: dict[str, str] = {}

    def compose(self) -> ComposeResult:
        lang = self.pingan.lang
        villages = self.pingan.store.villages(active_only=False)
        yield Label("", id="records-title")
        with Horizontal(id="records-filters"):
            yield VillagePicker(
                villages,
                value=self._village,
                placeholder=VILLAGE_FILTER,
                id="village-filter",
            )
            yield Select(
                self._type_options(),
                prompt=tr(ALL_TYPES, lang),
                value=self._type
                if self._type in self.pingan.host.registry.record_types
                else Select.NULL,
                id="type-filter",
                tooltip=tr(TYPE_FILTER, lang),
            )
        yield DataTable[str](id="records-table", cursor_type="row", zebra_stripes=True)
        yield Static(id="records-detail")
        yield Footer()

    def _type_options(self) -> list[tuple[str, str]]:
        lang = self.pingan.lang
        registry = self.pingan.host.registry
        return [
            (f"{tr(registry.units[t.unit].name, lang)} {tr(t.label, lang)}", t.name)
            for t in registry.record_types.values()
            if t.unit in registry.units
        ]

    def on_mount(self) -> None:
        keys.follow_language(self)
        self._set_columns()
        self.watch(self.app, "quarter", self._quarter_changed, init=False)
        self.watch(self.app, "lang", self._relabel, init=False)
        self.set_focus(self.query_one("#records-table", DataTable))
        self.reload()

    # loading

    def reload(self) -> None:
        """Read the quarter's records again, off the UI thread."""
        self._load(self.pingan.store, self.pingan.quarter)

    @work(thread=True, exclusive=True, group="records-load", exit_on_error=False)
    def _load(self, store: Store, quarter: Quarter) -> None:
        self.post_message(
            self.Loaded(quarter, store.records(quarter), store.villages(active_only=False))
        )

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        if message.quarter != self.pingan.quarter:
            return
        self._quarter = message.quarter
        self.records = message.records
        self._names = {v.code: v.name for v in message.villages}
        self.fill()

    def on_data_changed(self, message: DataChanged) -> None:
        self.reload()

    def _quarter_changed(self) -> None:
        self.reload()

    def _relabel(self) -> None:
        lang = self.pingan.lang
        type_filter: Select[str] = self.query_one("#type-filter", Select)
        chosen = type_filter.selection
        with type_filter.prevent(Select.Changed):
            type_filter.set_options(self._type_options())
            type_filter.prompt = tr(ALL_TYPES, lang)
            if chosen is not None:
                type_filter.value = chosen
        type_filter.tooltip = tr(TYPE_FILTER, lang)
        self._set_columns()
        self.fill()

    def _set_columns(self) -> None:
        table = self.query_one("#records-table", DataTable)
        table.clear(columns=True)
        for key, label in COLUMNS:
            table.add_column(tr(label, self.pingan.lang), key=key)

    # filtering and showing

    def selected_filters(self) -> tuple[str | None, str | None]:
        """The village code and record type the user filters by (None: all)."""
        village = self.query_one("#village-filter", VillagePicker).value
        chosen = self.query_one("#type-filter", Select).selection
        return village, str(chosen) if chosen is not None else None

    def fill(self) -> None:
        """Rebuild the table from the loaded records and the filters, keeping the cursor's row."""
        lang = self.pingan.lang
        registry = self.pingan.host.registry
        village, record_type = self.selected_filters()
        table = self.query_one("#records-table", DataTable)
        current = self.selected_record()
        keep = self._focus_id or (current.id if current else None)
        self._focus_id = None
        table.clear()
        self.shown = [
            r
            for r in self.records
            if (village is None or r.village == village)
            and (record_type is None or r.type == record_type)
        ]
        for record in self.shown:
            rtype = registry.record_types.get(record.type)
            unit = registry.units.get(record.unit)
            cells = (
                tr(rtype.label, lang) if rtype else record.type,
                tr(unit.name, lang) if unit else record.unit,
                self._names.get(record.village, record.village),
                record.date.isoformat(),
                summary_line(record, rtype, lang),
            )
            table.add_row(*map(escape, cells), key=str(record.id))
        if keep is not None and any(r.id == keep for r in self.shown):
            table.move_cursor(row=table.get_row_index(str(keep)))
        quarter = str(self._quarter or self.pingan.quarter)
        filtered = self.selected_filters() != (None, None)
        self.query_one("#records-title", Label).update(
            tr(
                FILTERED_TITLE if filtered else TITLE,
                lang,
                quarter=quarter,
                count=len(self.shown),
                total=len(self.records),
            )
        )
        self._show_detail()

    @on(DataTable.RowHighlighted, "#records-table")
    def _show_detail(self) -> None:
        """The selected record's id and whole details, which the table's last column may cut."""
        record = self.selected_record()
        detail = self.query_one("#records-detail", Static)
        if record is None:
            detail.update("")
            return
        rtype = self.pingan.host.registry.record_types.get(record.type)
        details = summarize(rtype, record.fields, self.pingan.lang)
        detail.update(f"#{record.id}  {details}")

    @on(VillagePicker.Changed, "#village-filter")
    def _village_filter(self) -> None:
        self.fill()

    @on(Select.Changed, "#type-filter")
    def _type_filter(self) -> None:
        self.fill()

    def selected_record(self) -> Record | None:
        """The record under the table's cursor."""
        table = self.query_one("#records-table", DataTable)
        if not self.shown or table.row_count == 0:
            return None
        row = table.cursor_row
        if not 0 <= row < len(self.shown):
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return next((r for r in self.shown if str(r.id) == key), None)

    # actions

    def _after_form(self, record_id: int | None) -> None:
        if record_id is not None:
            self._focus_id = record_id
            self.reload()

    async def action_new_record(self) -> None:
        village, _ = self.selected_filters()
        await choose_and_create(self.pingan, village, self.pingan.quarter, self._after_form)

    def action_edit_record(self) -> None:
        record = self.selected_record()
        if record is None:
            self.notify(tr(NOTHING_SELECTED, self.pingan.lang), severity="warning")
            return
        edit_record(self.pingan, record, self._after_form)

    @on(DataTable.RowSelected, "#records-table")
    def _row_chosen(self) -> None:
        self.action_edit_record()

    def action_delete_record(self) -> None:
        record = self.selected_record()
        lang = self.pingan.lang
        if record is None:
            self.notify(tr(NOTHING_SELECTED, lang), severity="warning")
            return
        question = Text(
            DELETE_QUESTION.zh.format(summary=self._line(record, "zh")),
            DELETE_QUESTION.en.format(summary=self._line(record, "en")),
        )

        def answered(reason: str | None) -> None:
            if reason is not None:
                self._delete(self.pingan.action_context(), record, reason, self.pingan.lang)

        self.app.push_screen(ReasonScreen(question), callback=answered)

    def _line(self, record: Record, lang: str) -> str:
        """A record in one line for the delete question: type, village, date and fields."""
        rtype = self.pingan.host.registry.record_types.get(record.type)
        label = tr(rtype.label, lang) if rtype else record.type
        village = self._names.get(record.village, record.village)
        line = f"{label}, {village}, {record.date.isoformat()}"
        summary = summary_line(record, rtype, lang)
        return f"{line}: {summary}" if summary else line

    @work(thread=True, exclusive=True, group="records-delete", exit_on_error=False)
    def _delete(self, ctx: ActionContext, record: Record, reason: str, lang: str) -> None:
        try:
            actions.delete_record(ctx, record.id, reason=reason, expected_rev=record.rev)
        except Refusal as exc:
            self.post_message(self.Deleted(record, " ".join(exc.render(lang))))
        except StoreError as exc:
            self.post_message(
                self.Deleted(record, tr(NOT_DELETED, lang, reason=exc.message.get(lang)))
            )
        else:
            self.post_message(self.Deleted(record))

    @on(Deleted)
    def _deleted(self, message: Deleted) -> None:
        lang = self.pingan.lang
        if message.reason:
            self.notify(message.reason, severity="error")
        else:
            self.notify(tr(DELETED, lang, id=message.record.id))
            record = message.record
            self.pingan.notify_data_changed(record.quarter, villages=(record.village,))
        self.reload()

    def action_focus_filter(self) -> None:
        self.query_one("#village-filter #village-query").focus()

    def action_clear_filters(self) -> None:
        """Show every record of the quarter again: no village, no type."""
        self.query_one("#village-filter", VillagePicker).choose(None)
        self.query_one("#type-filter", Select).clear()
        self.fill()

    def action_back(self) -> None:
        self.dismiss(None)
