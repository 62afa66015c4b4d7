"""The dashboard: the quarter's rate against its target, history, failures, returns and warnings.

Grids are computed in a thread worker (one per quarter with data) and cached per quarter:
a change drops only its own and later quarters (checks read history), and the app's grid of
the quarter on screen is reused, so a save recomputes as little as it can.
"""

from __future__ import annotations

from datetime import date

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.markup import escape
from textual.message import Message
from textual.widget import Widget
from textual.widgets import DataTable, Label, Static
from textual_plotext import PlotextPlot

from plugins.criteria import BY_CODE, CRITERION_CODES
from plugins.engine import Engine
from plugins.i18n import Text, local_time
from plugins.manager import PluginHost
from plugins.summary import QuarterSummary, ResultCache, compute
from plugins.warnings import SEVERITY_WORDS, WarningReport, warnings
from store import Quarter, Store
from tui.app_access import PinganAccess
from tui.text import tr

RATE_COLOUR = "green"
TARGET_COLOUR = "red"

SUMMARY = Text(
    "{quarter}  达标 {compliant}/{total} 个村 = {rate}    {year} 年目标 {target}    {verdict}",
    "{quarter}  compliant {compliant}/{total} villages = {rate}    target for {year}: {target}"
    "    {verdict}",
)
MET = Text("已达到目标", "target met")
SHORT = Text("未达目标，还差 {missing} 个村", "below target: {missing} more village(s) needed")
UNDECIDED = Text("；另有 {count} 个村待定", "; {count} village(s) still pending")
NO_VILLAGES = Text("{quarter}  还没有村", "{quarter}  no villages yet")
LOADING = Text("正在计算...", "Computing...")
FAILED = Text("仪表盘计算出错：{reason}", "The dashboard could not be computed: {reason}")
CHART_CAPTION = Text(
    "[{rate}]-- 达标率 %[/]   [{target}]-- 年度目标 %[/]",
    "[{rate}]-- rate %[/]   [{target}]-- target %[/]",
)
FAILURES_TITLE = Text(
    "各项标准的村数：✘ 未达标  ? 待定", "Villages per criterion: ✘ failing  ? pending"
)
FAILURE_COLUMNS = (
    Text("代码", "Code"),
    Text("✘", "✘"),
    Text("?", "?"),
    Text("标准", "Criterion"),
)
"""The counts' columns are headed by the states' symbols, which the title spells out, so the
criterion's whole name fits beside them at 80 columns."""
RETURNS_TITLE = Text(
    "{quarter} 季度报表：已报送 {filed}/{total} 个单位",
    "Returns for {quarter}: {filed} of {total} units filed",
)
RETURN_COLUMNS = (Text("单位", "Unit"), Text("报表", "Return"), Text("报送时间", "Filed at"))
ERRORS = Text(
    "注意：{count} 格出错（插件 {plugins} 的检查失败），这些村按不达标计，达标率偏低",
    "Note: {count} cells are ERROR (checks of plugin {plugins} failed); those villages count "
    "as not complying, so the rate is too low",
)
WARNINGS_TITLE = Text("预警 {count} 条（截至 {day}）", "{count} warnings (as of {day})")
WARNING_COLUMNS = (
    Text("村", "Village"),
    Text("单位", "Unit"),
    Text("级别", "Level"),
    Text("预警", "Warning"),
)
FILED = Text("已报送", "filed")
MISSING = Text("未报送", "missing")


def percent(value: float) -> str:
    """A rate as a percentage with one decimal: 0.6 -> '60.0%'."""
    return f"{value * 100:.1f}%"


class Dashboard(PinganAccess, Widget):
    """The town's compliance at a glance for the quarter on screen."""

    DEFAULT_CSS = """
    Dashboard { height: 1fr; }
    """

    class Computed(Message):
        """The worker finished computing the dashboard's data."""

        def __init__(self, data: QuarterSummary, report: WarningReport, serial: int) -> None:
            super().__init__()
            self.data = data
            self.report = report
            self.serial = serial

    class Failed(Message):
        """The worker could not compute the data; reason names the error."""

        def __init__(self, reason: str, serial: int) -> None:
            super().__init__()
            self.reason = reason
            self.serial = serial

    def __init__(
        self,
        *,
        name: str | None = None,
        id: str | None = None,  # noqa: A002 - Textual's widget argument name
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.data: QuarterSummary | None = None
        self.report: WarningReport | None = None
        self._cache = ResultCache()
        self._serial = 0

    def compose(self) -> ComposeResult:
        yield Static(tr(LOADING, self.pingan.lang), id="dash-summary")
        yield Static("", id="dash-errors")
        with Horizontal(id="dash-body"):
            with Vertical(id="dash-chart-box"):
                yield Label("", id="dash-chart-caption")
                yield PlotextPlot(id="dash-chart")
            with Vertical(id="dash-side"):
                yield Label("", id="dash-failures-title", classes="dash-title")
                yield DataTable[str](id="dash-failures", cursor_type="row", zebra_stripes=True)
                yield Label("", id="dash-returns-title", classes="dash-title")
                yield DataTable[str](id="dash-returns", cursor_type="row")
                yield Label("", id="dash-warnings-title", classes="dash-title")
                yield DataTable[str](id="dash-warnings", cursor_type="row")
                yield Static(id="dash-warning-detail")

    def on_mount(self) -> None:
        self.watch(self.app, "lang", self._relabel, init=False)
        self.refresh_data()

    def refresh_data(self) -> None:
        """Show the app's quarter, computing what the cache lacks in a worker (`Computed`)."""
        self._serial += 1
        app = self.pingan
        if app.grid is not None and app.grid.quarter == app.quarter:
            self._cache.put(app.grid)
        self._compute(app.store, app.host, app.engine, app.quarter, self._serial)

    def data_changed(self, since: Quarter | None) -> None:
        """The store changed at quarter since (None: anywhere): drop what it affects, refresh."""
        self._cache.drop(since)
        self.refresh_data()

    @work(thread=True, exclusive=True, group="dashboard", exit_on_error=False)
    def _compute(
        self, store: Store, host: PluginHost, engine: Engine, quarter: Quarter, serial: int
    ) -> None:
        try:
            data = compute(store, host, engine, quarter, self._cache)
            report = warnings(store, host, quarter, date.today())
        except Exception as exc:  # noqa: BLE001 - shown on the dashboard instead of ending the app
            self.post_message(self.Failed(f"{type(exc).__name__}: {exc}", serial))
        else:
            self.post_message(self.Computed(data, report, serial))

    @on(Computed)
    def _computed(self, message: Computed) -> None:
        if message.serial != self._serial:
            return
        self.data = message.data
        self.report = message.report
        self._show()

    @on(Failed)
    def _failed(self, message: Failed) -> None:
        if message.serial == self._serial:
            summary = self.query_one("#dash-summary", Static)
            summary.update(escape(tr(FAILED, self.pingan.lang, reason=message.reason)))
            summary.set_classes("-error")

    def _relabel(self) -> None:
        if self.data is not None:
            self._show()

    # drawing

    def summary_text(self) -> str:
        """The headline: compliant/total, the rate, the year's target and how far from it."""
        lang = self.pingan.lang
        if self.data is None:
            return tr(LOADING, lang)
        result = self.data.current
        if not result.total:
            return tr(NO_VILLAGES, lang, quarter=str(result.quarter))
        missing = result.missing
        verdict = tr(MET, lang) if missing == 0 else tr(SHORT, lang, missing=missing)
        if result.undecided:
            verdict += tr(UNDECIDED, lang, count=result.undecided)
        return tr(
            SUMMARY,
            lang,
            quarter=str(result.quarter),
            compliant=result.compliant,
            total=result.total,
            rate=percent(result.rate),
            year=result.quarter.year,
            target=percent(result.target),
            verdict=verdict,
        )

    def _show(self) -> None:
        data = self.data
        if data is None:
            return
        summary = self.query_one("#dash-summary", Static)
        summary.update(self.summary_text())
        summary.set_classes("-met" if data.current.missing == 0 else "-below")
        self._show_errors(data)
        self._draw_chart(data)
        self._fill_failures(data)
        self._fill_returns(data)
        if self.report is not None:
            self._fill_warnings(self.report)

    def _show_errors(self, data: QuarterSummary) -> None:
        """Say so when crashed checks pull the rate down, naming the plugins."""
        notice = self.query_one("#dash-errors", Static)
        result = data.current
        notice.display = result.errors > 0
        if result.errors:
            plugins = ", ".join(result.error_plugins)
            notice.update(
                escape(tr(ERRORS, self.pingan.lang, count=result.errors, plugins=plugins))
            )

    @on(DataTable.RowHighlighted, "#dash-warnings")
    def _show_warning(self, event: DataTable.RowHighlighted) -> None:
        """The selected warning whole, with its unit and records, which the table cuts."""
        report = self.report
        detail = self.query_one("#dash-warning-detail", Static)
        index = int(event.row_key.value or 0)
        if report is None or not 0 <= index < len(report.warnings):
            detail.update("")
            return
        warned = report.warnings[index]
        lang = self.pingan.lang
        unit = self.pingan.host.registry.unit_name(warned.unit, lang)
        records = " ".join(f"#{r}" for r in warned.warning.records)
        line = f"{warned.warning.village} {unit}: {tr(warned.warning.message, lang)} {records}"
        detail.update(escape(line.strip()))

    def _fill_warnings(self, report: WarningReport) -> None:
        lang = self.pingan.lang
        self.query_one("#dash-warnings-title", Label).update(
            tr(WARNINGS_TITLE, lang, count=len(report.warnings), day=report.as_of.isoformat())
        )
        table = self.query_one("#dash-warnings", DataTable)
        table.clear(columns=True)
        for column in WARNING_COLUMNS:
            table.add_column(tr(column, lang))
        for index, warned in enumerate(report.warnings):
            table.add_row(
                warned.warning.village,
                self.pingan.host.registry.unit_name(warned.unit, lang),
                tr(SEVERITY_WORDS[warned.warning.severity], lang),
                escape(tr(warned.warning.message, lang)),
                key=str(index),
            )

    def _draw_chart(self, data: QuarterSummary) -> None:
        lang = self.pingan.lang
        self.query_one("#dash-chart-caption", Label).update(
            tr(CHART_CAPTION, lang, rate=RATE_COLOUR, target=TARGET_COLOUR)
        )
        plot = self.query_one("#dash-chart", PlotextPlot)
        plt = plot.plt
        plt.clear_data()
        xs = [float(i) for i in range(1, len(data.history) + 1)]
        plt.plot(xs, [r.rate * 100 for r in data.history], marker="braille", color=RATE_COLOUR)
        plt.plot(xs, [r.target * 100 for r in data.history], marker="braille", color=TARGET_COLOUR)
        plt.xticks(xs, [str(r.quarter) for r in data.history])
        plt.ylim(0, 100)
        plot.refresh()

    def _fill_failures(self, data: QuarterSummary) -> None:
        lang = self.pingan.lang
        self.query_one("#dash-failures-title", Label).update(tr(FAILURES_TITLE, lang))
        table = self.query_one("#dash-failures", DataTable)
        table.clear(columns=True)
        for column in FAILURE_COLUMNS:
            table.add_column(tr(column, lang))
        result = data.current
        for code in CRITERION_CODES:
            table.add_row(
                code,
                str(result.failures.get(code, 0)),
                str(result.pending.get(code, 0)),
                tr(BY_CODE[code].name, lang),
                key=code,
            )

    def _fill_returns(self, data: QuarterSummary) -> None:
        lang = self.pingan.lang
        filed = sum(1 for r in data.returns if r.filed)
        self.query_one("#dash-returns-title", Label).update(
            tr(RETURNS_TITLE, lang, quarter=str(data.quarter), filed=filed, total=len(data.returns))
        )
        table = self.query_one("#dash-returns", DataTable)
        table.clear(columns=True)
        for column in RETURN_COLUMNS:
            table.add_column(tr(column, lang))
        for unit in data.returns:
            table.add_row(
                escape(tr(unit.name, lang)),
                tr(FILED if unit.filed else MISSING, lang),
                local_time(unit.filed_at) if unit.filed_at else "",
                key=unit.code,
            )
