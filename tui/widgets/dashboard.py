"""The dashboard: the quarter's rate against its target, history, failures, returns and warnings.

Grids are computed in a thread worker (one per quarter with data) and cached per quarter:
a change drops only its own and later quarters (checks read history), and the app's grid of
the quarter on screen is reused, so a save recomputes as little as it can.
"""

from __future__ import annotations

import math
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
from plugins.engine import Engine, Grid
from plugins.i18n import Text, local_time
from plugins.manager import PluginHost
from plugins.summary import QuarterResult, QuarterSummary, ResultCache, compute
from plugins.warnings import SEVERITY_WORDS, WarningReport, warnings
from store import Quarter, Store
from tui.app_access import PinganAccess
from tui.pending_text import join_phrases, pending_phrase
from tui.text import tr

RATE_COLOUR = "green"
TARGET_COLOUR = "red"

SUMMARY_RATE = Text(
    "{quarter}  达标 {compliant}/{total} 个村 = {rate}",
    "{quarter}  compliant {compliant}/{total} villages = {rate}",
)
SUMMARY_TARGET = Text("{year} 年目标 {target}", "target for {year}: {target}")
MET = Text("已达到目标", "target met")
SHORT = Text("未达目标，还差 {missing} 个村", "below target: {missing} more village(s) needed")
UNDECIDED = Text("；另有 {count} 个村待定", "; {count} village(s) still pending")
NO_VILLAGES = Text("{quarter}  还没有村", "{quarter}  no villages yet")
LOADING = Text("正在计算...", "Computing...")
FAILED = Text("仪表盘计算出错：{reason}", "The dashboard could not be computed: {reason}")
RATE_MARKER = "*"
PENDING_MARKER = "?"
ERROR_MARKER = "!"
Y_TICKS = (0.0, 25.0, 50.0, 75.0, 100.0)
CHART_CAPTION = Text(
    "[{rate}]* 达标率 %[/]  [{target}]⠒ 年度目标 %[/]  [{rate}]?[/] 有待定格（未完）"
    "  标注：{labelled}",
    "[{rate}]* rate %[/]  [{target}]⠒ target %[/]  [{rate}]?[/] PENDING, not final"
    "  labels: {labelled}",
)
CHART_ERROR = Text("  [{rate}]![/] 有出错格（偏低）", "  [{rate}]![/] ERROR cells (too low)")
LABELLED_SOME = Text("{shown} 个季度（间隔）", "{shown}, spaced")
Y_AXIS_CELLS = 6
"""What plotext takes of the chart's width besides the plot area: the y labels and the frame."""
FAILURES_TITLE = Text(
    "各项标准的村数：✘ 未达标  ? 待定  ! 出错",
    "Villages per criterion: ✘ fail ? pending ! error",
)
FAILURE_COLUMNS = (
    Text("代码", "Code"),
    Text("✘", "✘"),
    Text("?", "?"),
    Text("!", "!"),
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
    "注意：{count} 格出错，涉及 {villages} 个村（插件 {plugins} 的检查失败）。"
    "达标率没有排除任何村：出错的格按未达标计，所以达标率偏低；修好插件后自动重算",
    "Note: {count} cells are ERROR in {villages} villages (checks of plugin {plugins} failed). "
    "The rate leaves no village out: an ERROR cell counts as not complying, so the rate is "
    "too low until the plugin is fixed",
)
WARNINGS_TITLE = Text("预警 {count} 条（截至 {day}）", "{count} warnings (as of {day})")
WARNING_COLUMNS = (
    Text("村", "Village"),
    Text("级别", "Level"),
    Text("预警", "Warning"),
    Text("单位", "Unit"),
)
"""The warning before the unit, so at 80 columns a row shows its own figures (days, counts)
rather than a unit name every row of a rule shares; the detail line below names the unit."""
FILED = Text("已报送", "filed")
MISSING = Text("未报送", "missing")


def chart_labels(history: tuple[QuarterResult, ...], width: int) -> list[str]:
    """Each quarter's x label ('23Q4'), or '' for the quarters left unlabelled so no two
    labels touch at this chart width; the latest quarter is always labelled.

    Labels that never overlap keep plotext from choosing between them, which it does in an
    order that changes from one launch to the next (it de-duplicates ticks through a set).
    """
    names = [f"{r.quarter.year % 100:02d}Q{r.quarter.number}" for r in history]
    if len(names) < 2:
        return names
    spacing = max(1, width - Y_AXIS_CELLS - 1) / (len(names) - 1)
    need = max(len(n) for n in names) + 1
    step = max(1, math.ceil(need / spacing))
    last = len(names) - 1
    return [name if (last - i) % step == 0 else "" for i, name in enumerate(names)]


def complete_runs(history: tuple[QuarterResult, ...]) -> list[list[int]]:
    """The indexes of history in runs of consecutive quarters without PENDING or ERROR cells."""
    runs: list[list[int]] = []
    for i, result in enumerate(history):
        if result.incomplete or result.errors:
            continue
        if runs and runs[-1][-1] == i - 1:
            runs[-1].append(i)
        else:
            runs.append([i])
    return runs


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

        def __init__(
            self,
            data: QuarterSummary,
            report: WarningReport,
            serial: int,
            village_names: dict[str, str],
        ) -> None:
            super().__init__()
            self.data = data
            self.report = report
            self.serial = serial
            self.village_names = village_names

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
        self.village_names: dict[str, str] = {}
        """Village names by code, for the warning rows."""
        self._cache = ResultCache()
        self._serial = 0
        self._on_screen = False
        self._drawn = True
        """Whether the widgets show `data` (False while data arrived with the tab hidden)."""
        self._stale = True
        """Whether the data was asked for while the tab was hidden, to compute when shown."""

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
        if self.pingan.grid is not None:
            self.refresh_data()

    def refresh_data(self) -> None:
        """Show the app's quarter, computing what the cache lacks in a worker (`Computed`).

        The main screen calls this once the app's grid of the quarter is in, so the grid on
        screen is computed first and its result is reused here rather than computed twice.
        While the tab is hidden nothing is computed until it is shown or `warm` is called:
        every quarter's grid at county scale takes seconds, which must not hold up the grid.
        """
        self._serial += 1
        self._stale = not self._on_screen
        if not self._stale:
            self._start()

    def warm(self) -> None:
        """Compute the data behind the grid tab once the grids are in, so that `d` only draws.

        It waits until the grid on screen and the previous quarter's are computed, the
        work a person is waiting on; its result is drawn when the tab is shown.
        """
        if self._stale and not self._on_screen:
            self._stale = False
            self._serial += 1
            self._start()

    def _start(self) -> None:
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
            data = compute(
                store, host, engine, quarter, self._cache, self._keep, self.pingan.grid_of
            )
            report = warnings(store, host, quarter, date.today())
            names = {v.code: v.name for v in store.villages(active_only=False)}
        except Exception as exc:  # noqa: BLE001 - shown on the dashboard instead of ending the app
            self.post_message(self.Failed(f"{type(exc).__name__}: {exc}", serial))
        else:
            self.post_message(self.Computed(data, report, serial, names))

    def _keep(self, grid: Grid, revision: int) -> None:
        """Hand a grid the worker computed to the app, for a quarter step to it (worker side)."""
        self.app.call_from_thread(self.pingan.keep_grid, grid, revision)

    @on(Computed)
    def _computed(self, message: Computed) -> None:
        if message.serial != self._serial:
            return
        self.data = message.data
        self.report = message.report
        self.village_names = message.village_names
        self._draw()

    @on(Failed)
    def _failed(self, message: Failed) -> None:
        if message.serial == self._serial:
            summary = self.query_one("#dash-summary", Static)
            summary.update(escape(tr(FAILED, self.pingan.lang, reason=message.reason)))
            summary.set_classes("-error")

    def _relabel(self) -> None:
        if self.data is not None:
            self._draw()

    def _draw(self) -> None:
        """Draw the data now if the dashboard is on screen, else when it is shown next.

        Its tables may hold thousands of warnings at county scale; filling them while the
        grid tab is in front would cost every quarter step and save for nothing.
        """
        self._drawn = False
        if self._on_screen:
            self._drawn = True
            self._show()

    def on_show(self) -> None:
        self._on_screen = True
        if self._stale:
            self.refresh_data()
        elif not self._drawn:
            self._drawn = True
            self._show()

    def on_hide(self) -> None:
        self._on_screen = False

    def on_resize(self) -> None:
        if self.data is not None and self._drawn:
            self.query_one("#dash-summary", Static).update(escape(self.summary_text()))
            self._draw_chart(self.data)

    # drawing

    def summary_text(self) -> str:
        """The headline: compliant/total, the rate, the year's target, how far from it and
        what pending cells wait on; lines break between phrases, never inside one."""
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
        phrases = [
            tr(
                SUMMARY_RATE,
                lang,
                quarter=str(result.quarter),
                compliant=result.compliant,
                total=result.total,
                rate=percent(result.rate),
            ),
            tr(SUMMARY_TARGET, lang, year=result.quarter.year, target=percent(result.target)),
            verdict,
            pending_phrase(result.causes, self.pingan.host, lang),
        ]
        summary = self.query_one("#dash-summary", Static)
        width = summary.content_region.width or self.app.size.width - 2
        return join_phrases(phrases, width)

    def _show(self) -> None:
        """Draw every part in one update of the screen, not one per table and label."""
        data = self.data
        if data is None:
            return
        with self.app.batch_update():
            summary = self.query_one("#dash-summary", Static)
            summary.update(escape(self.summary_text()))
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
                escape(
                    tr(
                        ERRORS,
                        self.pingan.lang,
                        count=result.errors,
                        villages=result.error_villages,
                        plugins=plugins,
                    )
                )
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
        village = self._village_label(warned.warning.village)
        line = f"{village} {unit}: {tr(warned.warning.message, lang)} {records}"
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
                escape(self.village_names.get(warned.warning.village, warned.warning.village)),
                tr(SEVERITY_WORDS[warned.warning.severity], lang),
                escape(tr(warned.warning.message, lang)),
                self.pingan.host.registry.unit_name(warned.unit, lang),
                key=str(index),
            )

    def _village_label(self, code: str) -> str:
        """A warned village as its name and code, or the code of one no longer stored."""
        name = self.village_names.get(code)
        return f"{name} ({code})" if name else code

    def _draw_chart(self, data: QuarterSummary) -> None:
        """The rate and target by quarter, each line its own marker; a quarter with PENDING
        cells is a '?' off the rate line (not final), one with ERROR cells a '!' (too low)."""
        lang = self.pingan.lang
        plot = self.query_one("#dash-chart", PlotextPlot)
        history = data.history
        labels = chart_labels(history, plot.size.width)
        shown = sum(1 for label in labels if label)
        every = Text("全部季度", "all") if shown == len(history) else None
        caption = tr(
            CHART_CAPTION,
            lang,
            rate=RATE_COLOUR,
            target=TARGET_COLOUR,
            labelled=tr(every, lang) if every else tr(LABELLED_SOME, lang, shown=shown),
        )
        if any(r.errors for r in history):
            caption += tr(CHART_ERROR, lang, rate=RATE_COLOUR)
        self.query_one("#dash-chart-caption", Label).update(caption)
        plt = plot.plt
        plt.clear_data()
        xs = [float(i) for i in range(1, len(history) + 1)]
        for run in complete_runs(history):
            plt.plot(
                [xs[i] for i in run],
                [history[i].rate * 100 for i in run],
                marker=RATE_MARKER,
                color=RATE_COLOUR,
            )
        errored = [i for i, result in enumerate(history) if result.errors]
        unfinished = [i for i, r in enumerate(history) if r.incomplete and i not in errored]
        for marker, indexes in ((PENDING_MARKER, unfinished), (ERROR_MARKER, errored)):
            if indexes:
                plt.scatter(
                    [xs[i] for i in indexes],
                    [history[i].rate * 100 for i in indexes],
                    marker=marker,
                    color=RATE_COLOUR,
                )
        plt.plot(xs, [r.target * 100 for r in history], marker="braille", color=TARGET_COLOUR)
        ticks = [x for x, label in zip(xs, labels, strict=True) if label]
        plt.xticks(ticks, [label for label in labels if label])
        if len(xs) > 1:
            plt.xlim(xs[0], xs[-1])
        plt.yticks(list(Y_TICKS), [str(int(y)) for y in Y_TICKS])
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
                str(result.errored.get(code, 0)),
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
