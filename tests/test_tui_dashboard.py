"""The dashboard: rate against the year's target, the chart, failures per criterion, returns."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual.widgets import DataTable, Static
from textual_plotext import PlotextPlot

from plugins import Check, CheckContext, Finding, Text, UnitSpec, hookimpl
from plugins.api import State
from plugins.criteria import CRITERION_CODES
from plugins.engine import Engine
from plugins.manager import PluginHost
from plugins.summary import PendingCauses, QuarterResult, ResultCache
from store import Quarter, Store
from tests.tui_forms_support import (
    PREVIOUS,
    QUARTER,
    add,
    build_town,
    make_app,
    new_record,
    settle,
)
from tests.tui_support import CountingEngine
from tui.app import PinganApp
from tui.widgets.dashboard import Dashboard, chart_labels, complete_runs, percent

FILED = ("police", "judicial")


def dashboard_of(app: PinganApp) -> Dashboard:
    return app.screen.query_one(Dashboard)


def summary(app: PinganApp) -> str:
    return str(dashboard_of(app).query_one("#dash-summary", Static).render())


async def open_dashboard(app: PinganApp, pilot: Any) -> Dashboard:
    await settle(pilot)
    await pilot.press("d")
    await settle(pilot)
    return dashboard_of(app)


async def test_the_dashboard_shows_rate_target_chart_failures_and_returns(
    store: Store, host: PluginHost
) -> None:
    build_town(store, host, filed=FILED)
    add(store, host, "police.case", "V003", kind="criminal")
    expected = Engine(store, host).grid(QUARTER)
    target = store.settings().target(QUARTER.year)
    app = make_app(store, host)
    async with app.run_test(size=(120, 40)) as pilot:
        dashboard = await open_dashboard(app, pilot)

        text = summary(app)
        assert f"{expected.compliant}/{len(expected.villages)}" in text
        assert percent(expected.rate) in text
        assert f"{QUARTER.year} 年目标 {percent(target)}" in text
        undecided = [
            v.code
            for v in expected.villages
            if not expected.failures(v.code)
            and any(expected.cell(v.code, c).state is State.PENDING for c in CRITERION_CODES)
        ]
        assert undecided and f"另有 {len(undecided)} 个村待定" in text

        assert dashboard.data is not None
        assert [r.quarter for r in dashboard.data.history] == [PREVIOUS, QUARTER]
        chart = dashboard.query_one("#dash-chart", PlotextPlot)
        drawn = chart.render()
        assert "22Q1" in str(drawn) and "22Q2" in str(drawn)

        failures = dashboard.query_one("#dash-failures", DataTable)
        for code in CRITERION_CODES:
            fails = sum(
                1 for v in expected.villages if expected.cell(v.code, code).state is State.FAIL
            )
            assert failures.get_row(code)[1] == str(fails)
        assert failures.get_row("N9")[1] == "1"

        returns = dashboard.query_one("#dash-returns", DataTable)
        filing = [u.code for u in host.registry.units.values() if u.files_returns]
        assert returns.row_count == len(filing)
        for code in filing:
            assert returns.get_row(code)[1] == ("已报送" if code in FILED else "未报送")
        title = str(dashboard.query_one("#dash-returns-title").render())
        assert f"{len(FILED)}/{len(filing)}" in title


async def test_the_dashboard_follows_a_new_record_and_the_language(
    store: Store, host: PluginHost
) -> None:
    build_town(store, host)
    app = make_app(store, host)
    async with app.run_test(size=(80, 24)) as pilot:
        dashboard = await open_dashboard(app, pilot)
        assert dashboard.data is not None
        before = dashboard.data.current
        assert before.compliant == before.total == 3

        with store.transaction("someone") as tx:
            tx.add_records(
                [new_record(host, "police.case", "V002", QUARTER.start, kind="security")]
            )
        app.notify_data_changed(QUARTER)
        await settle(pilot)
        after = dashboard.data.current
        assert after.compliant == 2
        assert after.failures["N8"] == 1
        assert "2/3" in summary(app)

        await pilot.press("l")
        await settle(pilot)
        assert "compliant 2/3 villages" in summary(app)
        assert f"target for {QUARTER.year}" in summary(app)
        failures = dashboard.query_one("#dash-failures", DataTable)
        assert [str(c.label) for c in failures.columns.values()] == [
            "Code",
            "✘",
            "?",
            "!",
            "Criterion",
        ]
        assert failures.get_row("N8")[4] == "No public-security cases"


async def test_the_dashboard_follows_the_quarter(store: Store, host: PluginHost) -> None:
    build_town(store, host)
    app = make_app(store, host, lang="en")
    async with app.run_test(size=(120, 40)) as pilot:
        dashboard = await open_dashboard(app, pilot)
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert dashboard.data is not None and dashboard.data.quarter == PREVIOUS
        assert summary(app).startswith(f"{PREVIOUS}  compliant 2/3")


def test_results_are_kept_until_a_change_at_or_before_their_quarter(
    store: Store, host: PluginHost
) -> None:
    build_town(store, host)
    engine = CountingEngine(store, host)
    cache = ResultCache()
    first = cache.get(engine, QUARTER)
    assert cache.get(engine, QUARTER) is first
    assert engine.computed == [QUARTER]
    add(store, host, "police.case", "V001", kind="security")
    cache.drop(QUARTER.next())
    assert cache.get(engine, QUARTER) is first
    cache.drop(QUARTER)
    again = cache.get(engine, QUARTER)
    assert engine.computed == [QUARTER, QUARTER]
    assert again.compliant == first.compliant - 1
    cache.drop(None)
    cache.get(engine, QUARTER)
    assert engine.computed == [QUARTER, QUARTER, QUARTER]


class _Crashing:
    """An outside unit whose check always raises, turning its cells to ERROR."""

    @hookimpl
    def register_units(self, register: Callable[[UnitSpec], None]) -> None:
        register(UnitSpec("crash", Text("故障单位", "Crash unit"), files_returns=False))

    @hookimpl
    def register_checks(self, register: Callable[[Check], None]) -> None:
        def boom(ctx: CheckContext) -> Finding:
            raise RuntimeError("boom")

        register(Check("N7", "crash", "crash.N7", boom))


async def test_the_dashboard_says_when_error_cells_pull_the_rate_down_and_lists_warnings(
    store: Store,
) -> None:
    host = PluginHost.load(entry_points=False, extra=[("crashing", _Crashing())])
    build_town(store, host)
    add(store, host, "civil.petition", "V002", level="town")
    app = make_app(store, host, lang="en")
    async with app.run_test(size=(140, 48)) as pilot:
        dashboard = await open_dashboard(app, pilot)
        notice = dashboard.query_one("#dash-errors", Static)
        assert notice.display
        text = str(notice.render())
        assert text.startswith("Note: 3 cells are ERROR in 3 villages (checks of plugin crashing")
        title = str(dashboard.query_one("#dash-warnings-title").render())
        assert title == "1 warnings (as of 2022-06-30)"
        table = dashboard.query_one("#dash-warnings", DataTable)
        village, level, message, unit = (str(cell) for cell in table.get_row_at(0))
        assert (village, level, unit) == ("西河", "low", "Civil affairs office")
        detail = str(dashboard.query_one("#dash-warning-detail", Static).render())
        assert detail.startswith(f"西河 (V002) Civil affairs office: {message}")


async def test_no_error_notice_when_every_check_runs(store: Store, host: PluginHost) -> None:
    build_town(store, host)
    app = make_app(store, host)
    async with app.run_test(size=(120, 40)) as pilot:
        dashboard = await open_dashboard(app, pilot)
        assert not dashboard.query_one("#dash-errors", Static).display


def grid_legend(app: PinganApp) -> str:
    return str(app.screen.query_one("#grid-legend", Static).render())


async def test_the_headline_says_which_returns_and_meeting_the_pending_villages_wait_on(
    store: Store, host: PluginHost
) -> None:
    build_town(store, host, filed=("police", "judicial", "emergency"))
    app = make_app(store, host)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "待定 3 个村：3 村等民政办报表" in grid_legend(app)
        await open_dashboard(app, pilot)
        lines = summary(app).splitlines()
        phrases = [
            f"{QUARTER}  达标 0/3 个村 = 0.0%",
            f"{QUARTER.year} 年目标",
            "未达目标，还差 3 个村；另有 3 个村待定",
            "待定 3 个村：3 村等民政办报表",
        ]
        for phrase in phrases:
            assert any(phrase in line for line in lines), (phrase, lines)
        assert "会议" not in summary(app)

        await pilot.press("right_square_bracket", "l")
        await settle(pilot)
        text = summary(app)
        assert "3 villages pending: " in text
        for unit in ("Police station", "Judicial office", "Emergency office"):
            assert f"3 await {unit}'s return" in text
        assert "3 the meeting" in text


async def test_a_quarter_with_nothing_pending_says_nothing_of_waiting(
    store: Store, host: PluginHost
) -> None:
    build_town(store, host)
    app = make_app(store, host)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert "个村：" not in grid_legend(app)
        await open_dashboard(app, pilot)
        assert "个村：" not in summary(app)


def results(*pending: bool) -> tuple[QuarterResult, ...]:
    """Quarter results from 2021Q1 on, each with or without PENDING villages."""
    quarter = Quarter(2021, 1)
    made = []
    for waits in pending:
        causes = PendingCauses(villages=1, meeting=1) if waits else PendingCauses()
        made.append(QuarterResult(quarter, 1, 2, 0.5, causes=causes))
        quarter = quarter.next()
    return tuple(made)


def test_the_rate_line_breaks_at_quarters_with_pending_cells() -> None:
    assert complete_runs(results(False, False, True, False, True)) == [[0, 1], [3]]


def test_chart_labels_never_touch_and_the_latest_quarter_is_labelled() -> None:
    history = results(*[False] * 10)
    assert chart_labels(history, 64) == [f"{21 + i // 4}Q{i % 4 + 1}" for i in range(10)]
    narrow = chart_labels(history, 30)
    assert narrow[-1] == "23Q2" and "" in narrow
    placed = [i for i, label in enumerate(narrow) if label]
    spacing = (30 - 6 - 1) / 9
    assert all((b - a) * spacing >= 5 for a, b in zip(placed, placed[1:], strict=False))


async def test_the_chart_marks_a_pending_quarter_and_labels_every_quarter(
    store: Store, host: PluginHost
) -> None:
    build_town(store, host, filed=("police",))
    app = make_app(store, host)
    async with app.run_test(size=(120, 40)) as pilot:
        dashboard = await open_dashboard(app, pilot)
        drawn = str(dashboard.query_one("#dash-chart", PlotextPlot).render())
        caption = str(dashboard.query_one("#dash-chart-caption").render())
        assert "?" in drawn and "* 达标率" in caption and "⠒ 年度目标" in caption
        assert "标注：全部季度" in caption
        assert "22Q1" in drawn and "22Q2" in drawn
        rows = drawn.splitlines()
        zero_row = next(row for row in rows if row.lstrip().startswith("0┤"))
        assert "?" in zero_row and "*" not in zero_row


CRASHING_PLUGIN = """
from plugins import Check, Text, UnitSpec, hookimpl


@hookimpl
def register_units(register):
    name = Text("故障单位", "Crashy unit")
    register(UnitSpec("crashy", name, criteria=("N3",), files_returns=False))


@hookimpl
def register_checks(register):
    def boom(ctx):
        raise ZeroDivisionError("division by zero")

    register(Check("N3", "crashy", "crashy.N3", boom))
"""


async def test_error_cells_from_a_folder_plugin_are_counted_named_and_explained(
    store: Store, tmp_path: Path
) -> None:
    folder = tmp_path / "plugins"
    folder.mkdir()
    (folder / "crashy_checks.py").write_text(CRASHING_PLUGIN, encoding="utf-8")
    host = PluginHost.load(plugin_dirs=[folder], entry_points=False)
    assert not host.failed()
    build_town(store, host)
    app = make_app(store, host)
    async with app.run_test(size=(120, 40)) as pilot:
        dashboard = await open_dashboard(app, pilot)
        notice = str(dashboard.query_one("#dash-errors", Static).render())
        assert "3 格出错，涉及 3 个村（插件 crashy_checks 的检查失败）" in notice
        assert "达标率没有排除任何村" in notice and "达标率偏低" in notice
        failures = dashboard.query_one("#dash-failures", DataTable)
        assert failures.get_row("N3")[:4] == ["N3", "0", "0", "3"]
        assert "0/3" in summary(app)
        drawn = str(dashboard.query_one("#dash-chart", PlotextPlot).render())
        assert "!" in drawn
        assert "有出错格" in str(dashboard.query_one("#dash-chart-caption").render())


class _SparseWatch:
    """An outside unit that files no returns and finds too few records everywhere."""

    @hookimpl
    def register_units(self, register: Callable[[UnitSpec], None]) -> None:
        register(UnitSpec("sparse", Text("巡查队", "Watch"), ("N7",), files_returns=False))

    @hookimpl
    def register_checks(self, register: Callable[[Check], None]) -> None:
        register(
            Check("N7", "sparse", "sparse.N7", lambda ctx: Finding.lacking("巡查太少", "Too few"))
        )


async def test_a_unit_filing_no_returns_is_never_what_the_town_waits_for(store: Store) -> None:
    host = PluginHost.load(entry_points=False, extra=[("sparse", _SparseWatch())])
    build_town(store, host)
    app = make_app(store, host)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        legend = grid_legend(app)
        assert "巡查队" not in legend and "个村：" not in legend
        assert "✘ 不达标 3" in legend
        dashboard = await open_dashboard(app, pilot)
        assert "巡查队" not in summary(app)
        assert dashboard.query_one("#dash-failures", DataTable).get_row("N7")[1] == "3"
