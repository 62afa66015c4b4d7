"""The police station's case log (案件台账): the quarter's cases by village, kind and tag."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from textual.widget import Widget
from textual.widgets import Select

from plugins.builtin.views import DATE, DETAILS, VILLAGE, RecordsView, details, value_text
from plugins.i18n import Text
from plugins.schema import Field
from store import Record

CASE = "police.case"
ALL_KINDS = Text("全部性质", "All kinds")
ALL_TAGS = Text("全部标签", "All tags")
CASE_NO = Text("案件编号", "Case number")
KIND = Text("性质", "Kind")
TAGS = Text("标签", "Tags")


class CaseLog(RecordsView):
    """The quarter's police cases, filterable by village, kind (criminal/security) and tag."""

    RECORD_TYPES: ClassVar[tuple[str, ...]] = (CASE,)

    def _field(self, name: str) -> Field | None:
        record_type = self.record_types.get(CASE)
        return record_type.field(name) if record_type else None

    def _choices(self, name: str) -> list[tuple[str, str]]:
        f = self._field(name)
        return [(c.label.get(self.lang), c.value) for c in f.choices] if f else []

    def filters(self) -> Iterator[Widget]:
        yield from super().filters()
        yield Select(self._choices("kind"), prompt=ALL_KINDS.get(self.lang), id="filter-kind")
        yield Select(self._choices("tags"), prompt=ALL_TAGS.get(self.lang), id="filter-tag")

    def keeps(self, record: Record) -> bool:
        kind = self.selected("filter-kind")
        tag = self.selected("filter-tag")
        return (
            super().keeps(record)
            and (kind is None or record.text("kind") == kind)
            and (tag is None or tag in record.tags("tags"))
        )

    def columns(self) -> list[Text]:
        return [DATE, VILLAGE, CASE_NO, KIND, TAGS, DETAILS]

    def cells(self, record: Record) -> list[str]:
        record_type = self.record_types.get(CASE)
        return [
            record.date.isoformat(),
            self.village_names.get(record.village, record.village),
            record.text("case_no"),
            value_text(record_type, "kind", record.fields.get("kind"), self.lang),
            value_text(record_type, "tags", record.fields.get("tags"), self.lang),
            details(record, record_type, self.lang, skip=("case_no", "kind", "tags")),
        ]
