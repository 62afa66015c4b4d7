"""The quarter's lists: positive, negative, supervision, public notice, honours, target."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.markup import escape
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from plugins.api import STATE_NAMES
from plugins.i18n import Text
from plugins.lists import closest_words, lists
from plugins.quarters import STATE_WORDS, drift, quarter_status
from tui import keys
from tui.app_access import PinganAccess
from tui.text import tr

TITLE = Text("{quarter} 红黑榜（{state}）", "{quarter} lists ({state})")
POSITIVE = Text("红榜：达标 {n} 村", "Positive list: {n} compliant")
NEGATIVE = Text("黑榜：未达标 {n} 村", "Negative list: {n} not compliant")
COLUMNS = (
    Text("代码", "Code"),
    Text("村", "Village"),
    Text("办事处", "Office"),
    Text("不达标", "Failing"),
    Text("待定", "Pending"),
    Text("责任单位", "Units"),
)
PENDING = Text(
    "待定 {n} 村（无不达标项，只等上报或会议）：", "Pending: {n} failing nowhere, waiting on:"
)
PENDING_ROW = Text(
    "{code} {name}：待定 {criteria}，等 {units}", "{code} {name}: {criteria} wait on {units}"
)
SUPERVISION = Text("重点督导：{codes}", "Focused supervision: {codes}")
NOTICE = Text("通报：{codes}", "Public notice: {codes}")
HONOURS = Text("表彰候选：{codes}", "Commendation candidates: {codes}")
TARGET = Text(
    "{year} 年目标 {rate}：达标 {compliant}/{active}，还差 {needed} 村；最接近达标：{closest}",
    "{year} target {rate}: {compliant}/{active} comply, {needed} more needed; closest: {closest}",
)


SAME = Text("快照与现有数据一致", "The live data still matches the snapshot")
DIFFERS = Text(
    "现有数据与定稿快照有 {count} 格不同（以快照为准）：{cells}",
    "{count} cells of the live data differ from the snapshot (the snapshot stands): {cells}",
)
DRIFT_SHOWN = 8


def _codes(rows: list[dict[str, Any]], count: str = "") -> str:
    shown = [f"{r['code']}×{r[count]}" if count else r["code"] for r in rows]
    return ", ".join(shown) or "-"


class ListsScreen(PinganAccess, Screen[None]):
    """Who is on which list for the quarter in view, read like `pingan lists`."""

    CSS_PATH = "lists.tcss"
    BINDINGS = keys.owned("lists")

    def compose(self) -> ComposeResult:
        yield Static(id="lists-title")
        yield Static(id="lists-drift")
        with VerticalScroll(id="lists-body"):
            yield Static(id="lists-positive")
            yield Static(id="lists-negative-title")
            yield DataTable(id="lists-negative", cursor_type="row", zebra_stripes=True)
            yield Static(id="lists-pending")
            yield Static(id="lists-flags")
            yield Static(id="lists-target")
        yield Static(id="lists-detail")
        yield Footer()

    def on_mount(self) -> None:
        keys.follow_language(self)
        self.watch(self.app, "lang", self.show, init=False)
        self.show()
        self.set_focus(self.query_one("#lists-negative", DataTable))

    @on(DataTable.RowHighlighted, "#lists-negative")
    def _show_detail(self) -> None:
        """The selected village's whole row, which the table cuts at 80 columns."""
        table: DataTable[Any] = self.query_one("#lists-negative", DataTable)
        detail = self.query_one("#lists-detail", Static)
        if not table.row_count:
            detail.update("")
            return
        cells = [str(cell) for cell in table.get_row_at(table.cursor_row)]
        detail.update(escape("  ".join(cell for cell in cells if cell)))

    def show(self, _changed: object = None) -> None:
        """Read the lists again and show them in the current language."""
        app = self.pingan
        lang, quarter = app.lang, app.quarter
        doc = lists(app.store, app.host, quarter)
        state = STATE_WORDS[quarter_status(app.store, quarter).state].get(lang)
        self.query_one("#lists-title", Static).update(
            escape(tr(TITLE, lang, quarter=quarter, state=state))
        )
        self._show_drift(lang)
        positive = ", ".join(f"{r['code']} {r['name']}" for r in doc["positive"]) or "-"
        self.query_one("#lists-positive", Static).update(
            escape(tr(POSITIVE, lang, n=len(doc["positive"])) + "\n" + positive)
        )
        self.query_one("#lists-negative-title", Static).update(
            escape(tr(NEGATIVE, lang, n=len(doc["negative"])))
        )
        table = self.query_one("#lists-negative", DataTable)
        table.clear(columns=True)
        table.add_columns(*(tr(c, lang) for c in COLUMNS))
        for row in doc["negative"]:
            table.add_row(
                row["code"],
                row["name"],
                row["office"],
                " ".join(row["failing"]),
                " ".join(row["pending"]),
                self.pingan.host.registry.unit_names(row["units"], lang),
                key=row["code"],
            )
        self._show_detail()
        self._show_pending(doc["pending"], lang)
        flags = [
            tr(SUPERVISION, lang, codes=_codes(doc["supervision"], "quarters")),
            tr(NOTICE, lang, codes=_codes(doc["public_notice"], "quarters")),
            tr(HONOURS, lang, codes=_codes(doc["commendation"])),
        ]
        self.query_one("#lists-flags", Static).update(escape("\n".join(flags)))
        target = doc["target"]
        closest = "; ".join(tr(closest_words(c), lang) for c in target["closest"])
        self.query_one("#lists-target", Static).update(
            escape(
                tr(
                    TARGET,
                    lang,
                    year=target["year"],
                    rate=f"{round(target['rate'] * 100, 1):g}%",
                    compliant=target["compliant"],
                    active=target["active"],
                    needed=target["needed"],
                    closest=closest or "-",
                )
            )
        )

    def _show_pending(self, rows: list[dict[str, Any]], lang: str) -> None:
        """The villages of an open quarter that fail nowhere and only wait, and on whom."""
        shown = self.query_one("#lists-pending", Static)
        shown.display = bool(rows)
        lines = [tr(PENDING, lang, n=len(rows))]
        registry = self.pingan.host.registry
        lines += [
            tr(
                PENDING_ROW,
                lang,
                code=r["code"],
                name=r["name"],
                criteria=" ".join(r["pending"]),
                units=registry.unit_names(r["units"], lang),
            )
            for r in rows
        ]
        shown.update(escape("\n".join(lines)))

    def _show_drift(self, lang: str) -> None:
        """For a finalized quarter: whether the live data still says what the snapshot froze."""
        app = self.pingan
        notice = self.query_one("#lists-drift", Static)
        notice.display = app.store.is_locked(app.quarter)
        if not notice.display:
            return
        cells = drift(app.store, app.host, app.quarter)
        notice.set_class(bool(cells), "-drift")
        if not cells:
            notice.update(escape(tr(SAME, lang)))
            return
        shown = "; ".join(
            f"{d.village} {d.criterion} {tr(STATE_NAMES[d.frozen], lang)}→"
            f"{tr(STATE_NAMES[d.live], lang)}"
            for d in cells[:DRIFT_SHOWN]
        )
        more = "; ..." if len(cells) > DRIFT_SHOWN else ""
        notice.update(escape(tr(DIFFERS, lang, count=len(cells), cells=shown + more)))

    def action_back(self) -> None:
        self.dismiss()
