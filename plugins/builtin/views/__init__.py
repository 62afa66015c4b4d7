"""Data views of the built-in units: Textual widgets, imported only when the TUI opens one.

The unit plugins name these lazily ("plugins.builtin.views.police:CaseLog"), so loading the
plugins never imports Textual. Each view takes one `ViewContext` and reads the store in a
thread worker.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.markup import escape
from textual.message import Message
from textual.widget import Widget
from textual.widgets import DataTable, Label, Select

from plugins.i18n import Text
from plugins.schema import Kind, RecordType, summarize
from plugins.views import ViewContext
from store import Record, Store, Village

ALL_VILLAGES = Text("全部村", "All villages")
ALL_TYPES = Text("全部类型", "All types")
COUNT = Text("{quarter}：{shown} / {total} 条", "{quarter}: {shown} of {total} records")
LOAD_FAILED = Text("读取记录出错：{reason}", "Could not read the records: {reason}")
DATE = Text("日期", "Date")
VILLAGE = Text("村", "Village")
TYPE = Text("类型", "Type")
DETAILS = Text("内容", "Details")
DETAILS_WIDTH = 60


def value_text(record_type: RecordType | None, name: str, value: Any, lang: str) -> str:
    """One stored value as people read it, raw when its type or field is not declared."""
    f = record_type.field(name) if record_type else None
    if f is None:
        return "" if value is None else str(value)
    return f.display(value, lang)


def details(
    record: Record, record_type: RecordType | None, lang: str, skip: tuple[str, ...] = ()
) -> str:
    """The record's own fields in one line of at most DETAILS_WIDTH characters."""
    return summarize(record_type, record.fields, lang, skip=skip, width=DETAILS_WIDTH)


class RecordsView(Vertical):
    """A unit's records of the quarter in a table, filterable by village and by record type."""

    DEFAULT_CSS = """
    RecordsView {
        height: 1fr;
    }
    RecordsView > .view-filters {
        height: auto;
    }
    RecordsView > .view-filters > Select {
        width: 1fr;
    }
    RecordsView > .view-count {
        padding: 0 1;
        color: $text-muted;
    }
    RecordsView > DataTable {
        height: 1fr;
    }
    """

    RECORD_TYPES: ClassVar[tuple[str, ...]] = ()
    """The record types this view lists."""

    class Loaded(Message):
        """The worker read the records and villages."""

        def __init__(self, records: list[Record], villages: list[Village], error: str) -> None:
            super().__init__()
            self.records = records
            self.villages = villages
            self.error = error

    def __init__(self, context: ViewContext) -> None:
        super().__init__()
        self.context = context
        self.lang = context.lang
        self.records: list[Record] = []
        self.shown: list[Record] = []
        self.village_names: dict[str, str] = {}
        registry = context.host.registry
        self.record_types = {name: registry.record_types.get(name) for name in self.RECORD_TYPES}

    def compose(self) -> ComposeResult:
        with Horizontal(classes="view-filters"):
            yield from self.filters()
        yield Label("", classes="view-count")
        yield DataTable[str](cursor_type="row", zebra_stripes=True, id="view-table")

    def filters(self) -> Iterator[Widget]:
        """The filter widgets; subclasses add their own after these."""
        yield Select[str]([], prompt=ALL_VILLAGES.get(self.lang), id="filter-village")
        if len(self.RECORD_TYPES) > 1:
            yield Select(
                [(self.type_label(name), name) for name in self.RECORD_TYPES],
                prompt=ALL_TYPES.get(self.lang),
                id="filter-type",
            )

    def type_label(self, name: str) -> str:
        record_type = self.record_types.get(name)
        return record_type.label.get(self.lang) if record_type else name

    def shown_types(self) -> tuple[str, ...]:
        """The record types the type filter lets through (all when none is chosen)."""
        chosen = self.selected("filter-type") if len(self.RECORD_TYPES) > 1 else None
        return (chosen,) if chosen else self.RECORD_TYPES

    def schema_fields(self) -> list[tuple[str, Text]]:
        """(name, label) of the shown types' own fields, each once: short values first, free
        text last, so dates, kinds and numbers stay in view on a narrow terminal."""
        found: dict[str, tuple[bool, Text]] = {}
        for name in self.shown_types():
            record_type = self.record_types.get(name)
            for f in record_type.all_fields() if record_type else ():
                if f.name not in ("date", "village") and f.name not in found:
                    found[f.name] = (f.kind is Kind.TEXT, f.label)
        ordered = sorted(found.items(), key=lambda item: item[1][0])
        return [(name, label) for name, (_, label) in ordered]

    def columns(self) -> list[Text]:
        """Column headers: date, village, type (when several), then each field of the schema;
        `cells` gives a row's values in the same order."""
        head = [DATE, VILLAGE, TYPE] if len(self.shown_types()) > 1 else [DATE, VILLAGE]
        return head + [label for _, label in self.schema_fields()]

    def cells(self, record: Record) -> list[str]:
        record_type = self.record_types.get(record.type)
        values = [record.date.isoformat(), self.village_names.get(record.village, record.village)]
        if len(self.shown_types()) > 1:
            values.append(self.type_label(record.type))
        own = {f.name for f in record_type.all_fields()} if record_type else set()
        for name, _ in self.schema_fields():
            value = record.fields.get(name) if name in own else None
            values.append(value_text(record_type, name, value, self.lang) if name in own else "")
        return values

    def selected(self, select_id: str) -> str | None:
        """The value chosen in one of the filter Selects, None for all."""
        chosen = self.query_one(f"#{select_id}", Select).selection
        return None if chosen is None else str(chosen)

    def keeps(self, record: Record) -> bool:
        """Whether the filters let a record through."""
        village = self.selected("filter-village")
        record_type = self.selected("filter-type") if len(self.RECORD_TYPES) > 1 else None
        return (village is None or record.village == village) and (
            record_type is None or record.type == record_type
        )

    def on_mount(self) -> None:
        self._load(self.context.store)

    @work(thread=True, exclusive=True, group="unit-view", exit_on_error=False)
    def _load(self, store: Store) -> None:
        try:
            quarter = self.context.quarter
            found = [r for name in self.RECORD_TYPES for r in store.records(quarter, name)]
            villages = store.villages(active_only=False)
        except Exception as exc:  # noqa: BLE001 - shown in the view instead of ending the app
            self.post_message(self.Loaded([], [], f"{type(exc).__name__}: {exc}"))
            return
        records = sorted(found, key=lambda r: (r.date, r.id))
        self.post_message(self.Loaded(records, villages, ""))

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        if message.error:
            self.query_one(".view-count", Label).update(
                escape(LOAD_FAILED.format(reason=message.error).get(self.lang))
            )
            return
        self.records = message.records
        self.village_names = {v.code: v.name for v in message.villages}
        seen = {r.village for r in self.records}
        self.query_one("#filter-village", Select).set_options(
            [(f"{v.name} ({v.code})", v.code) for v in message.villages if v.code in seen]
        )
        self.fill()

    @on(Select.Changed)
    def _filter_changed(self) -> None:
        self.fill()

    def fill(self) -> None:
        """Show the loaded records the filters let through."""
        table = self.query_one("#view-table", DataTable)
        table.clear(columns=True)
        for column in self.columns():
            table.add_column(column.get(self.lang))
        self.shown = [r for r in self.records if self.keeps(r)]
        for record in self.shown:
            table.add_row(*map(escape, self.cells(record)), key=str(record.id))
        self.query_one(".view-count", Label).update(
            COUNT.format(
                quarter=str(self.context.quarter), shown=len(self.shown), total=len(self.records)
            ).get(self.lang)
        )
