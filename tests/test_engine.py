"""The compliance engine: cell precedence, returns and PENDING, ERROR isolation, rate and target."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from plugins import Check, CheckContext, Finding, Text, UnitSpec, hookimpl
from plugins.api import State
from plugins.criteria import CRITERION_CODES
from plugins.engine import Engine
from plugins.manager import PluginHost, Status
from plugins.summary import PendingCauses
from store import Store, Village
from tests.rules_support import Row, Town, message, q, row

Q = q("2022Q2")
UNITS = ("police", "judicial", "emergency", "civil")


@pytest.fixture
def town(store: Store, host: PluginHost) -> Town:
    return Town(store, host)


def accident(village: str = "V01", day: str = "2022-05-01") -> Row:
    return row("emergency.accident", day, village, category="fire")


def patrols(village: str, count: int = 6) -> list[Row]:
    return [row("police.patrol", "2022-05-02", village) for _ in range(count)]


class BrokenPlugin:
    """An outside unit whose N1 check raises and whose N3 check returns no Finding."""

    @hookimpl
    def register_units(self, register: Callable[[UnitSpec], None]) -> None:
        register(UnitSpec("broken", Text("故障单位", "Broken unit"), ("N1", "N3")))

    @hookimpl
    def register_checks(self, register: Callable[[Check], None]) -> None:
        register(Check("N1", "broken", "broken.N1", self.explode))
        register(Check("N3", "broken", "broken.N3", self.nothing))

    @staticmethod
    def explode(ctx: CheckContext) -> Finding:
        raise ZeroDivisionError("division by zero in village " + ctx.village.code)

    @staticmethod
    def nothing(ctx: CheckContext) -> Finding:
        return None  # type: ignore[return-value]


class FireBrigadePlugin:
    """An outside unit with a second, always passing check on N7."""

    @hookimpl
    def register_units(self, register: Callable[[UnitSpec], None]) -> None:
        register(UnitSpec("fire", Text("消防站", "Fire brigade"), ("N7",)))

    @hookimpl
    def register_checks(self, register: Callable[[Check], None]) -> None:
        register(Check("N7", "fire", "fire.N7", lambda ctx: Finding.passed("无火灾", "No fires")))


def test_a_decision_wins_over_failing_evidence(town: Town) -> None:
    (accident_id,) = town.add(accident())
    town.file(Q, "emergency")
    assert town.cell(Q, "N7").state is State.FAIL
    town.decide(Q, "N7", passed=True)
    cell = town.cell(Q, "N7")
    assert (cell.state, cell.data_state) == (State.PASS, State.FAIL)
    assert cell.evidence == (accident_id,)
    assert cell.decision is not None and cell.decision.reason == "会议决定"
    assert cell.against_data(passed=True)


@pytest.mark.parametrize("passed", [True, False])
def test_a_decision_wins_over_pending(town: Town, passed: bool) -> None:
    assert town.cell(Q, "N7").state is State.PENDING
    town.decide(Q, "N7", passed=passed)
    cell = town.cell(Q, "N7")
    assert cell.state is (State.PASS if passed else State.FAIL)
    assert cell.data_state is State.PENDING
    assert not cell.against_data(passed=passed)


def test_a_decision_against_passing_data_fails_the_cell(town: Town) -> None:
    town.file(Q, "emergency")
    town.decide(Q, "N7", passed=False)
    cell = town.cell(Q, "N7")
    assert (cell.state, cell.data_state) == (State.FAIL, State.PASS)
    assert cell.against_data(passed=False)
    assert town.cell(Q, "N7", "V02").state is State.PASS


def test_failing_evidence_fails_without_a_return(town: Town) -> None:
    (accident_id,) = town.add(accident())
    cell = town.cell(Q, "N7")
    assert (cell.state, cell.evidence, cell.waiting_for) == (
        State.FAIL,
        (accident_id,),
        ("emergency",),
    )
    assert town.cell(Q, "N7", "V02").state is State.PENDING


def test_pass_needs_the_return_of_the_quarter(town: Town) -> None:
    assert town.cell(Q, "N7").state is State.PENDING
    town.file(Q, "police", "judicial", "civil")
    town.file(Q.next(), "emergency")
    town.file(Q.previous(), "emergency")
    cell = town.cell(Q, "N7")
    assert (cell.state, cell.waiting_for) == (State.PENDING, ("emergency",))
    town.file(Q, "emergency")
    cell = town.cell(Q, "N7")
    assert (cell.state, cell.waiting_for) == (State.PASS, ())
    assert message(cell) == "本季度无安全事故"
    with town.store.transaction() as tx:
        assert tx.withdraw_return("emergency", Q)
    assert town.cell(Q, "N7").state is State.PENDING


def test_pass_needs_every_unit_with_a_check_on_the_criterion(store: Store) -> None:
    host = PluginHost.load(entry_points=False, extra=[("fire-brigade", FireBrigadePlugin())])
    town = Town(store, host)
    town.file(Q, "emergency")
    cell = town.cell(Q, "N7")
    assert (cell.state, cell.waiting_for) == (State.PENDING, ("fire",))
    town.file(Q, "fire")
    assert town.cell(Q, "N7").state is State.PASS
    town.add(accident())
    cell = town.cell(Q, "N7")
    assert cell.state is State.FAIL
    assert {f.check: f.state for f in cell.findings} == {
        "emergency.N7": State.FAIL,
        "fire.N7": State.PASS,
    }


class WatchPlugin:
    """An outside unit that files no returns, with an always passing check on N7."""

    @hookimpl
    def register_units(self, register: Callable[[UnitSpec], None]) -> None:
        register(UnitSpec("watch", Text("巡查队", "Watch"), ("N7",), files_returns=False))

    @hookimpl
    def register_checks(self, register: Callable[[Check], None]) -> None:
        register(Check("N7", "watch", "watch.N7", lambda ctx: Finding.passed("无事", "Quiet")))


def test_a_unit_that_files_no_returns_never_leaves_a_cell_waiting_for_one(store: Store) -> None:
    host = PluginHost.load(entry_points=False, extra=[("watch", WatchPlugin())])
    town = Town(store, host)
    cell = town.cell(Q, "N7")
    assert (cell.state, cell.waiting_for) == (State.PENDING, ("emergency",))
    town.file(Q, "emergency")
    assert town.cell(Q, "N7").state is State.PASS


class SparseWatchPlugin:
    """An outside unit that files no returns, whose N7 check fails for too few records."""

    @hookimpl
    def register_units(self, register: Callable[[UnitSpec], None]) -> None:
        register(UnitSpec("sparse", Text("巡查队", "Watch"), ("N7",), files_returns=False))

    @hookimpl
    def register_checks(self, register: Callable[[Check], None]) -> None:
        register(
            Check("N7", "sparse", "sparse.N7", lambda ctx: Finding.lacking("巡查太少", "Too few"))
        )


def test_a_shortfall_of_a_unit_that_files_no_returns_fails_at_once(store: Store) -> None:
    host = PluginHost.load(entry_points=False, extra=[("sparse", SparseWatchPlugin())])
    town = Town(store, host)
    town.file(Q, "emergency")
    cell = town.cell(Q, "N7")
    assert (cell.state, cell.waiting_for) == (State.FAIL, ())
    sparse = next(f for f in cell.findings if f.check == "sparse.N7")
    assert sparse.state is State.FAIL
    town.file(Q, *UNITS)
    assert PendingCauses.of(town.engine.grid(Q)).returns == ()


@pytest.mark.parametrize("criterion", ["G1", "G2"])
def test_meeting_criteria_stay_pending_until_decided(town: Town, criterion: str) -> None:
    town.file(Q, *UNITS)
    town.file(Q, "office")
    cell = town.cell(Q, criterion)
    assert (cell.state, cell.findings, cell.waiting_for) == (State.PENDING, (), ())
    town.decide(Q, criterion, passed=False)
    assert town.cell(Q, criterion).state is State.FAIL
    town.decide(Q, criterion, passed=True)
    assert town.cell(Q, criterion).state is State.PASS
    assert town.cell(Q, criterion, "V02").state is State.PENDING


def test_a_raising_check_gives_error_naming_its_plugin_and_the_rest_stands(store: Store) -> None:
    host = PluginHost.load(entry_points=False, extra=[("broken", BrokenPlugin())])
    assert next(i for i in host.infos if i.name == "broken").status is Status.LOADED
    town = Town(store, host)
    (gang_case,) = town.add(row("police.case", "2022-05-05", "V02", kind="criminal", tags="gang"))
    town.file(Q, *UNITS, "broken")
    grid = town.engine.grid(Q)

    n1 = grid.cell("V01", "N1")
    assert n1.state is State.ERROR
    error = next(f for f in n1.findings if f.state is State.ERROR)
    assert (error.plugin, error.check) == ("broken", "broken.N1")
    assert "broken" in error.message.zh and "ZeroDivisionError" in error.message.zh
    assert "check of plugin broken failed: ZeroDivisionError" in error.message.en
    assert grid.cell("V01", "N3").state is State.ERROR
    assert "not a PASS or FAIL Finding" in message(grid.cell("V01", "N3"), "en")
    assert {(f.plugin, f.check) for f in grid.errors} == {
        ("broken", "broken.N1"),
        ("broken", "broken.N3"),
    }

    v02_n1 = grid.cell("V02", "N1")
    assert (v02_n1.state, v02_n1.evidence) == (State.FAIL, (gang_case,))
    assert grid.cell("V02", "N9").state is State.FAIL
    for code in ("N2", "N4", "N5", "N6", "N7", "N8", "G3", "G5", "G6"):
        assert grid.cell("V01", code).state is State.PASS, code
    assert grid.cell("V01", "G4").state is State.FAIL
    assert grid.cell("V01", "G1").state is State.PENDING


def make_compliant(town: Town, *villages: str) -> None:
    """File every return and add what each village needs for all fifteen cells to pass."""
    town.file(Q, *UNITS)
    town.add(*(p for v in villages for p in patrols(v)))
    for village in villages:
        town.decide(Q, "G1", passed=True, village=village)
        town.decide(Q, "G2", passed=True, village=village)


def test_a_village_complies_only_with_all_fifteen_cells_pass(
    store: Store, host: PluginHost
) -> None:
    town = Town(store, host, villages=("V01", "V02", "V03"))
    make_compliant(town, "V01", "V02", "V03")
    town.add(accident("V02"))
    town.decide(Q, "G2", passed=False, village="V03")
    grid = town.engine.grid(Q)
    assert [v.code for v in grid.villages] == ["V01", "V02", "V03"]
    assert all(grid.cell("V01", c).state is State.PASS for c in CRITERION_CODES)
    assert [grid.complies(v) for v in ("V01", "V02", "V03")] == [True, False, False]
    assert grid.failures("V02") == ["N7"]
    assert grid.failures("V03") == ["G2"]
    assert grid.compliant == 1
    assert grid.rate == pytest.approx(1 / 3)
    doc = grid.to_doc()
    assert [v["complies"] for v in doc["villages"]] == ["yes", "no", "no"]
    assert (doc["compliant"], doc["total"]) == (1, 3)


def test_pending_cells_keep_a_village_from_complying(store: Store, host: PluginHost) -> None:
    town = Town(store, host)
    make_compliant(town, "V01", "V02")
    with store.transaction() as tx:
        tx.withdraw_return("civil", Q)
    grid = town.engine.grid(Q)
    assert grid.cell("V01", "G6").state is State.PENDING
    assert (grid.compliant, grid.rate) == (0, 0.0)


def test_rate_counts_active_villages_and_the_target_is_the_years(
    store: Store, host: PluginHost
) -> None:
    town = Town(store, host, villages=("V01", "V02", "V03"))
    make_compliant(town, "V01")
    with store.transaction() as tx:
        tx.put_village(Village("V03", "V03村", "东办事处", active=False))
    grid = town.engine.grid(Q)
    assert [v.code for v in grid.villages] == ["V01", "V02"]
    assert (grid.compliant, grid.rate, grid.target) == (1, 0.5, 0.70)
    assert Engine(store, host).grid(q("2021Q4")).target == 0.60
    assert Engine(store, host).grid(q("2023Q1")).target == 0.85
    assert Engine(store, host).grid(q("2024Q1")).target == 0.85


def test_a_threshold_in_the_settings_changes_g4(town: Town) -> None:
    town.file(Q, "police")
    town.add(*patrols("V01", 3), *patrols("V02", 2))
    grid = town.engine.grid(Q)
    assert (grid.cell("V01", "G4").state, grid.cell("V02", "G4").state) == (State.FAIL, State.FAIL)
    with town.store.transaction() as tx:
        tx.update_settings(thresholds={"police.min_patrols": 3})
    grid = town.engine.grid(Q)
    assert (grid.cell("V01", "G4").state, grid.cell("V02", "G4").state) == (State.PASS, State.FAIL)
    assert "少于 3 次" in message(grid.cell("V02", "G4"))


def test_too_few_patrols_prove_nothing_until_the_police_return_is_filed(town: Town) -> None:
    town.add(*[row("police.patrol", "2022-05-10", participants=2) for _ in range(2)])
    cell = town.cell(Q, "G4")
    assert (cell.state, cell.waiting_for) == (State.PENDING, ("police",))
    assert [f.state for f in cell.findings] == [State.PENDING]
    town.file(Q, "police")
    assert town.cell(Q, "G4").state is State.FAIL


def test_a_homicide_fails_g4_before_the_police_return(town: Town) -> None:
    (case_id,) = town.add(row("police.case", "2022-05-10", kind="criminal", tags="homicide"))
    cell = town.cell(Q, "G4")
    assert (cell.state, cell.evidence) == (State.FAIL, (case_id,))
