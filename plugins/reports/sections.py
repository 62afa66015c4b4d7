"""The units' own report sections: each runs on its own, and one that raises is left out, named.

A plugin is untrusted: its section gets a read-only context, and what it returns is checked
to be a `ReportBody` of `ReportTable`s with plain cells before anything of it is written.
"""

from __future__ import annotations

from collections.abc import Sequence

from plugins.api import ReportBody, ReportSection, ReportTable
from plugins.i18n import Text
from plugins.manager import PLUGIN_ERRORS, PluginHost, describe
from plugins.reports.model import Cell, Section, Table
from store import Quarter, Record, Store, Village


class SectionContext:
    """The ReportContext a section receives: the quarter, whether final, its records, villages."""

    def __init__(
        self, store: Store, quarter: Quarter, finalized: bool, thresholds: dict[str, float]
    ) -> None:
        self.quarter = quarter
        self.finalized = finalized
        self._store = store
        self._thresholds = thresholds

    def records(self, record_type: str) -> Sequence[Record]:
        return tuple(self._store.records(self.quarter, record_type))

    def villages(self) -> Sequence[Village]:
        return tuple(self._store.villages(active_only=True))

    def threshold(self, name: str) -> float:
        if name not in self._thresholds:
            raise KeyError(f"no threshold {name!r}")
        return self._thresholds[name]


def _cell(value: object, lang: str) -> Cell:
    if isinstance(value, Text):
        return value.get(lang)
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise TypeError(f"a table cell is {type(value).__name__}, not text or a number")
    return value


def _text(value: object, what: str) -> Text:
    if not isinstance(value, Text):
        raise TypeError(f"{what} is {type(value).__name__}, not a Text")
    return value


def _table(table: object, lang: str) -> Table:
    if not isinstance(table, ReportTable):
        raise TypeError(f"gave {type(table).__name__}, not a ReportTable")
    headers = [_text(h, "a heading").get(lang) for h in table.headers]
    rows = []
    for row in table.rows:
        cells = [_cell(value, lang) for value in row]
        if len(cells) != len(headers):
            raise ValueError(f"a row has {len(cells)} cells for {len(headers)} headings")
        rows.append(cells)
    return Table(_text(table.title, "a table title").get(lang), headers, rows)


def worded(section: ReportSection, body: object, lang: str) -> Section:
    """A section's body checked and worded in lang; TypeError or ValueError if malformed."""
    if not isinstance(body, ReportBody):
        raise TypeError(f"gave {type(body).__name__}, not a ReportBody")
    paragraphs = [_text(p, "a paragraph").get(lang) for p in body.paragraphs]
    tables = [_table(t, lang) for t in body.tables]
    return Section(section.name, section.title.get(lang), paragraphs, tables, unit=section.unit)


def unit_sections(
    store: Store, host: PluginHost, quarter: Quarter, finalized: bool, lang: str
) -> tuple[list[Section], list[Text]]:
    """Every registered section worded in lang, and those that failed, named with why."""
    settings = store.settings()
    done: list[Section] = []
    failed: list[Text] = []
    for section in host.registry.report_sections:
        unit = host.registry.units.get(section.unit)
        thresholds = {
            t.name: settings.threshold(f"{section.unit}.{t.name}", t.default)
            for t in (unit.thresholds if unit else ())
        }
        plugin = host.registry.plugin_of_report_section.get(section.name, section.unit)
        try:
            body = section.function(SectionContext(store, quarter, finalized, thresholds))
            done.append(worded(section, body, lang))
        except PLUGIN_ERRORS as exc:
            failed.append(
                Text(
                    f"插件 {plugin} 的报告章节「{section.title.zh}」（{section.name}）出错，"
                    f"未写入：{describe(exc)}",
                    f"section '{section.title.en}' ({section.name}) of plugin {plugin} "
                    f"failed and is left out: {describe(exc)}",
                )
            )
    return done, failed
