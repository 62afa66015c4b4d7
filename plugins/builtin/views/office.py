"""The leadership office's view: the quarter's meeting decisions and which units filed returns."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.markup import escape
from textual.message import Message
from textual.widgets import DataTable, Label

from plugins.i18n import Text
from plugins.views import ViewContext
from store import Decision, Store, Village

DECISIONS = Text("{quarter} 会议决定（{count} 项）", "Meeting decisions of {quarter} ({count})")
RETURNS = Text(
    "{quarter} 季度报表：已报送 {filed}/{total} 个单位",
    "Returns of {quarter}: {filed} of {total} units filed",
)
LOAD_FAILED = Text("读取出错：{reason}", "Could not read: {reason}")
DECISION_COLUMNS = (
    Text("村", "Village"),
    Text("标准", "Criterion"),
    Text("决定", "Decision"),
    Text("决定人", "By"),
    Text("时间", "At"),
    Text("理由", "Reason"),
)
RETURN_COLUMNS = (Text("单位", "Unit"), Text("报表", "Return"), Text("报送时间", "Filed at"))
PASSED = Text("✔ 达标", "✔ pass")
FAILED = Text("✘ 不达标", "✘ fail")
FILED = Text("已报送", "filed")
MISSING = Text("未报送", "missing")


def when(stamp: str) -> str:
    """A stored time stamp as '2024-01-03 09:30'."""
    return stamp[:16].replace("T", " ")


class OfficeView(Vertical):
    """The quarter's meeting decisions village by village, and the units' returns."""

    DEFAULT_CSS = """
    OfficeView { height: 1fr; }
    OfficeView > Label { padding: 0 1; text-style: bold; }
    OfficeView > #office-decisions { height: 1fr; }
    OfficeView > #office-returns { height: auto; max-height: 8; }
    """

    class Loaded(Message):
        """The worker read the decisions, the returns and the villages."""

        def __init__(
            self,
            decisions: list[Decision],
            filed: dict[str, str],
            villages: list[Village],
            error: str,
        ) -> None:
            super().__init__()
            self.decisions = decisions
            self.filed = filed
            self.villages = villages
            self.error = error

    def __init__(self, context: ViewContext) -> None:
        super().__init__()
        self.context = context
        self.lang = context.lang
        self.decisions: list[Decision] = []

    def compose(self) -> ComposeResult:
        yield Label("", id="office-decisions-title")
        yield DataTable[str](id="office-decisions", cursor_type="row", zebra_stripes=True)
        yield Label("", id="office-returns-title")
        yield DataTable[str](id="office-returns", cursor_type="row")

    def on_mount(self) -> None:
        self._load(self.context.store)

    @work(thread=True, exclusive=True, group="unit-view", exit_on_error=False)
    def _load(self, store: Store) -> None:
        quarter = self.context.quarter
        try:
            decisions = store.decisions(quarter)
            filed = {r.unit: r.filed_at for r in store.returns(quarter)}
            villages = store.villages(active_only=False)
        except Exception as exc:  # noqa: BLE001 - shown in the view instead of ending the app
            self.post_message(self.Loaded([], {}, [], f"{type(exc).__name__}: {exc}"))
            return
        self.post_message(self.Loaded(decisions, filed, villages, ""))

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        lang, quarter = self.lang, str(self.context.quarter)
        title = self.query_one("#office-decisions-title", Label)
        if message.error:
            title.update(escape(LOAD_FAILED.format(reason=message.error).get(lang)))
            return
        names = {v.code: v.name for v in message.villages}
        order = {v.code: i for i, v in enumerate(message.villages)}
        self.decisions = sorted(
            message.decisions, key=lambda d: (order.get(d.village, len(order)), d.criterion)
        )
        title.update(escape(DECISIONS.format(quarter=quarter, count=len(self.decisions)).get(lang)))
        table = self.query_one("#office-decisions", DataTable)
        table.clear(columns=True)
        for column in DECISION_COLUMNS:
            table.add_column(column.get(lang))
        for d in self.decisions:
            table.add_row(
                escape(names.get(d.village, d.village)),
                d.criterion,
                (PASSED if d.passed else FAILED).get(lang),
                escape(d.actor),
                when(d.at),
                escape(d.reason),
            )
        units = [u for u in self.context.host.registry.units.values() if u.files_returns]
        filed = sum(1 for u in units if message.filed.get(u.code))
        self.query_one("#office-returns-title", Label).update(
            escape(RETURNS.format(quarter=quarter, filed=filed, total=len(units)).get(lang))
        )
        returns = self.query_one("#office-returns", DataTable)
        returns.clear(columns=True)
        for column in RETURN_COLUMNS:
            returns.add_column(column.get(lang))
        for unit in units:
            at = message.filed.get(unit.code, "")
            returns.add_row(
                escape(unit.name.get(lang)), (FILED if at else MISSING).get(lang), when(at)
            )
