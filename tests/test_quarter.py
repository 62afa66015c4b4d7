"""The quarter's work: finalize and reopen, states and deadline, lists, rectification, streaks,
honours, targets and early warning, through the actions and the reads."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path

import pytest

from plugins import EarlyWarning, Severity, Text, UnitSpec, WarningRule, actions, hookimpl
from plugins.actions import ActionContext, Actor, Refusal
from plugins.api import State
from plugins.criteria import CRITERION_CODES
from plugins.lists import closest_words, commendation, lists, needed, streaks
from plugins.manager import PluginHost
from plugins.quarters import Drift, QuarterState, drift, preview, quarter_status
from plugins.rectification import items
from plugins.warnings import warnings
from store import Decision, NewRecord, Quarter, Refused, Store, Village, quarter_range

TODAY = date(2030, 1, 1)
YEAR = quarter_range(Quarter(2022, 1), Quarter(2022, 4))
CODES = ("V01", "V02", "V03", "V04", "V05")


@pytest.fixture(scope="module")
def bare_host() -> PluginHost:
    """Only the office: no checks, so every cell follows the meeting's decisions."""
    return PluginHost.load(builtins=False, entry_points=False, extra=[("office", _Office())])


class _Office:
    @hookimpl
    def register_units(self, register: Callable[[UnitSpec], None]) -> None:
        from plugins.builtin.office import UNIT

        register(UNIT)


def new_ctx(tmp_path: Path, host: PluginHost, codes: Iterable[str] = CODES) -> ActionContext:
    store = Store(tmp_path / "town.json")
    store.init("桑村镇")
    with store.transaction() as tx:
        for code in codes:
            tx.add_village(Village(code, f"{code}村", "东办"))
    return ActionContext(store.open(), host, Actor("tester"), TODAY)


def score(ctx: ActionContext, quarter: Quarter, failing: dict[str, set[str]]) -> None:
    """Decide every cell of quarter: FAIL where failing says, PASS elsewhere."""
    with ctx.store.transaction() as tx:
        for village in ctx.store.villages():
            for code in CRITERION_CODES:
                passed = code not in failing.get(village.code, set())
                tx.decide(Decision(quarter, village.code, code, passed, "", "t", "2022-01-01"))


def refused(call: Callable[[], object]) -> Refusal:
    with pytest.raises(Refusal) as caught:
        call()
    return caught.value


# finalize, reopen, states


def test_finalize_refuses_pending_cells_naming_how_many_and_who(
    tmp_path: Path, bare_host: PluginHost
) -> None:
    ctx = new_ctx(tmp_path, bare_host, ("V01", "V02"))
    q = Quarter(2022, 1)
    with ctx.store.transaction() as tx:
        tx.decide(Decision(q, "V01", "G1", True, "", "t", "x"))
    refusal = refused(lambda: actions.finalize(ctx, q))
    assert "29 PENDING cells (2 villages)" in refusal.message.en and "office" in refusal.message.en
    assert "29 格待定" in refusal.message.zh
    assert "reason" in refused(lambda: actions.finalize(ctx, q, allow_pending=True)).message.en
    done = actions.finalize(ctx, q, allow_pending=True, reason="民政办未报送，会议同意先定稿")
    assert done.preview.pending and ctx.store.is_locked(q)
    snap = ctx.store.snapshot(q) or {}
    assert snap["pending_reason"] == "民政办未报送，会议同意先定稿"
    assert [v["complies"] for v in snap["grid"]["villages"]] == ["no", "no"]
    assert snap["evidence"]["cells"]["V01"]["G1"]["decision"]["passed"] is True


def test_a_finalized_quarter_refuses_changes_until_reopened_with_a_reason(
    tmp_path: Path, bare_host: PluginHost
) -> None:
    ctx = new_ctx(tmp_path, bare_host, ("V01",))
    q = Quarter(2022, 1)
    score(ctx, q, {})
    actions.finalize(ctx, q)
    late = refused(lambda: actions.decide(ctx, q, "V01", "G1", False, "复核"))
    assert "2022Q1" in late.message.en and "pingan reopen --quarter 2022Q1" in late.message.en
    assert "already finalized" in refused(lambda: actions.finalize(ctx, q)).message.en
    assert "reason" in refused(lambda: actions.reopen(ctx, q, "  ")).message.en
    actions.reopen(ctx, q, "村里补报材料")
    assert not ctx.store.is_locked(q)
    assert (ctx.store.snapshot(q) or {})["reopened"]["reason"] == "村里补报材料"
    actions.decide(ctx, q, "V01", "G1", False, "复核", replace=True)
    assert "not finalized" in refused(lambda: actions.reopen(ctx, q, "again")).message.en


def test_states_and_deadline_open_finalized_reported(tmp_path: Path, bare_host: PluginHost) -> None:
    ctx = new_ctx(tmp_path, bare_host, ("V01",))
    q = Quarter(2022, 4)
    status = quarter_status(ctx.store, q)
    assert (status.state, status.deadline) == (QuarterState.OPEN, date(2023, 1, 6))
    assert status.deadline_text(date(2023, 1, 6)).en == "due 2023-01-06, 0 days left"
    assert status.deadline_text(date(2023, 1, 9)).en == "due 2023-01-06, 3 days overdue"
    assert "not finalized" in refused(lambda: actions.mark_reported(ctx, q)).message.en
    score(ctx, q, {})
    actions.finalize(ctx, q)
    assert quarter_status(ctx.store, q).state is QuarterState.FINALIZED
    early = refused(lambda: actions.mark_reported(ctx, q, date(2022, 12, 30)))
    assert early.field == "on"
    actions.mark_reported(ctx, q, date(2023, 1, 9))
    status = quarter_status(ctx.store, q)
    assert status.state is QuarterState.REPORTED
    assert status.deadline_text(date(2026, 1, 1)).en == "reported on 2023-01-09 (3 d late)"
    again = actions.mark_reported(ctx, q, date(2023, 1, 5))
    assert again.earlier == date(2023, 1, 9)
    assert quarter_status(ctx.store, q).deadline_text(TODAY).zh == "已于 2023-01-05 上报"


# rectification


def test_rectification_opens_on_fail_closes_on_a_later_pass_and_goes_overdue(
    tmp_path: Path, bare_host: PluginHost
) -> None:
    ctx = new_ctx(tmp_path, bare_host, ("V01", "V02"))
    q1, q2, q3 = YEAR[:3]
    score(ctx, q1, {"V01": {"N8", "G3"}})
    done = actions.finalize(ctx, q1)
    assert len(done.opened) == 2 and done.closed == []
    [g3, n8] = sorted(items(ctx.store, date(2022, 6, 30)), key=lambda i: i.criterion)
    assert (n8.village, n8.unit, n8.opened, n8.deadline) == ("V01", "", "2022Q1", date(2022, 6, 30))
    assert n8.status == "open"
    assert items(ctx.store, date(2022, 7, 1))[0].status == "overdue"
    actions.add_rectification_note(ctx, n8.id, "已约谈村支书")
    actions.set_rectification_deadline(ctx, n8.id, date(2022, 9, 30))
    score(ctx, q2, {"V01": {"N8"}})
    done = actions.finalize(ctx, q2)
    assert done.closed == [g3.id] and done.opened == [max(g3.id, n8.id) + 1]
    by_id = {i.id: i for i in items(ctx.store, date(2022, 8, 1))}
    assert by_id[g3.id].status == "closed" and by_id[g3.id].closed == "2022Q2"
    assert by_id[n8.id].status == "open" and by_id[n8.id].notes[0]["text"] == "已约谈村支书"
    assert items(ctx.store, date(2022, 8, 1), open_only=True, village="V02") == []
    score(ctx, q3, {})
    actions.finalize(ctx, q3)
    assert {i.status for i in items(ctx.store, TODAY)} == {"closed"}
    assert by_id[n8.id].to_doc()["notes"][0]["actor"] == "tester"


def test_reopen_and_finalize_again_keeps_one_item_per_failing_cell(
    tmp_path: Path, bare_host: PluginHost
) -> None:
    ctx = new_ctx(tmp_path, bare_host, ("V01",))
    q1, q2 = YEAR[:2]
    score(ctx, q1, {"V01": {"N8", "G3"}})
    actions.finalize(ctx, q1)
    score(ctx, q2, {})
    actions.finalize(ctx, q2)
    actions.reopen(ctx, q2, "复核")
    actions.decide(ctx, q2, "V01", "G3", False, "复核", replace=True)
    actions.finalize(ctx, q2)
    found = {(i.criterion, i.opened, i.closed) for i in items(ctx.store, TODAY)}
    assert found == {("G3", "2022Q1", None), ("N8", "2022Q1", "2022Q2"), ("G3", "2022Q2", None)}
    actions.reopen(ctx, q1, "复核")
    actions.decide(ctx, q1, "V01", "G3", True, "", replace=True)
    actions.finalize(ctx, q1)
    found = {(i.criterion, i.opened, i.closed) for i in items(ctx.store, TODAY)}
    assert found == {("N8", "2022Q1", "2022Q2"), ("G3", "2022Q2", None)}


# streaks, honours, targets


def test_streak_flags_at_exactly_two_and_four_quarters(
    tmp_path: Path, bare_host: PluginHost
) -> None:
    ctx = new_ctx(tmp_path, bare_host)
    plan = {"V01": {3, 4}, "V02": {2, 3, 4}, "V03": {1, 2, 3, 4}, "V04": {4}}
    for number, q in enumerate(YEAR, start=1):
        score(ctx, q, {code: {"N1"} for code, bad in plan.items() if number in bad})
        actions.finalize(ctx, q)
    assert streaks(ctx.store, YEAR[3]) == {"V01": 2, "V02": 3, "V03": 4, "V04": 1}
    doc = lists(ctx.store, bare_host, YEAR[3])
    assert doc["supervision"] == [{"code": "V01", "quarters": 2}, {"code": "V02", "quarters": 3}]
    assert doc["public_notice"] == [{"code": "V03", "quarters": 4}]
    actions.set_setting(ctx, "threshold.office.supervision_quarters", "3")
    doc = lists(ctx.store, bare_host, YEAR[3])
    assert doc["supervision"] == [{"code": "V02", "quarters": 3}]


def test_streaks_stop_at_an_open_quarter(tmp_path: Path, bare_host: PluginHost) -> None:
    ctx = new_ctx(tmp_path, bare_host, ("V01",))
    for q in YEAR:
        score(ctx, q, {"V01": {"N1"}})
    for q in (YEAR[0], YEAR[2], YEAR[3]):
        actions.finalize(ctx, q)
    assert streaks(ctx.store, YEAR[3]) == {"V01": 2}
    assert streaks(ctx.store, YEAR[1]) == {}


def test_commendation_needs_exactly_four_compliant_finalized_quarters(
    tmp_path: Path, bare_host: PluginHost
) -> None:
    ctx = new_ctx(tmp_path, bare_host, ("V01", "V02"))
    for number, q in enumerate(YEAR, start=1):
        score(ctx, q, {"V02": {"G2"}} if number == 4 else {})
        if number < 4:
            actions.finalize(ctx, q)
    assert commendation(ctx.store, 2022) == []
    assert lists(ctx.store, bare_host, YEAR[2])["commendation"] == []
    actions.finalize(ctx, YEAR[3])
    assert commendation(ctx.store, 2022) == [{"code": "V01", "year": 2022}]
    assert lists(ctx.store, bare_host, YEAR[0])["commendation"] == [{"code": "V01", "year": 2022}]
    assert lists(ctx.store, bare_host, Quarter(2023, 1))["commendation"] == []


@pytest.mark.parametrize(
    ("rate", "compliant", "active", "more"),
    [
        (0.85, 34, 40, 0),
        (0.85, 33, 40, 1),
        (0.7, 7, 10, 0),
        (0.7, 6, 10, 1),
        (0.6, 3, 5, 0),
        (0.6, 2, 5, 1),
        (1.0, 0, 3, 3),
        (0.0, 0, 3, 0),
        (0.5, 0, 0, 0),
        (0.85, 40, 40, 0),
    ],
)
def test_target_arithmetic(rate: float, compliant: int, active: int, more: int) -> None:
    assert needed(rate, compliant, active) == more


def test_lists_name_the_failing_criteria_units_and_closest_villages(
    tmp_path: Path, bare_host: PluginHost
) -> None:
    ctx = new_ctx(tmp_path, bare_host)
    q = YEAR[0]
    score(ctx, q, {"V01": {"G1", "G2"}, "V02": {"G1"}})
    with ctx.store.transaction() as tx:
        tx.withdraw_decision(q, "V03", "G2")
    doc = lists(ctx.store, bare_host, q)
    assert doc["finalized"] is False
    assert [p["code"] for p in doc["positive"]] == ["V04", "V05"]
    v01, v02 = doc["negative"]
    assert (v01["failing"], v01["pending"], v01["units"]) == (["G1", "G2"], [], ["office"])
    [v03] = doc["pending"]
    assert (v03["code"], v03["failing"], v03["pending"], v03["units"]) == (
        "V03",
        [],
        ["G2"],
        ["office"],
    )
    target = doc["target"]
    assert (target["year"], target["rate"], target["compliant"], target["active"]) == (
        2022,
        0.7,
        2,
        5,
    )
    assert target["needed"] == 2
    assert [c["code"] for c in target["closest"]] == ["V02", "V03", "V01"]
    assert target["closest"][0] == {"code": "V02", "failing": ["G1"], "pending": []}
    words = [closest_words(c) for c in target["closest"]]
    assert [w.en for w in words] == [
        "V02 1 short (G1)",
        "V03 only pending (G2)",
        "V01 2 short (G1 G2)",
    ]
    assert words[1].zh == "V03 仅待定（G2）"
    actions.finalize(ctx, q, allow_pending=True, reason="会议同意先定稿")
    frozen = lists(ctx.store, bare_host, q)
    assert [n["code"] for n in frozen["negative"]] == ["V01", "V02", "V03"]
    assert frozen["pending"] == []
    assert set(doc) == {
        "quarter",
        "finalized",
        "positive",
        "negative",
        "pending",
        "supervision",
        "public_notice",
        "commendation",
        "target",
    }


# early warning


@pytest.fixture(scope="module")
def host() -> PluginHost:
    return PluginHost.load(entry_points=False)


def _record(type_: str, village: str, day: date, unit: str, **fields: object) -> NewRecord:
    return NewRecord(type_, village, day, dict(fields), unit)


def _warned(
    ctx: ActionContext, host: PluginHost, quarter: Quarter, today: date
) -> list[tuple[str, str, str]]:
    report = warnings(ctx.store, host, quarter, today)
    assert report.errors == []
    return [(w.warning.village, w.rule, str(w.warning.severity)) for w in report.warnings]


def test_a_dispute_open_more_than_thirty_days_is_a_warning(
    tmp_path: Path, host: PluginHost
) -> None:
    ctx = new_ctx(tmp_path, host, ("V01", "V02"))
    q = Quarter(2023, 4)
    with ctx.store.transaction() as tx:
        tx.add_records(
            [
                _record("judicial.dispute", "V01", date(2023, 10, 1), "judicial", status="open"),
                _record("judicial.dispute", "V02", date(2023, 10, 2), "judicial", status="open"),
                _record(
                    "judicial.dispute",
                    "V02",
                    date(2023, 10, 1),
                    "judicial",
                    status="resolved",
                    resolved_on="2023-10-20",
                ),
            ]
        )
    assert _warned(ctx, host, q, date(2023, 10, 31)) == []
    assert _warned(ctx, host, q, date(2023, 11, 1)) == [("V01", "judicial.old_disputes", "medium")]
    assert _warned(ctx, host, Quarter(2024, 2), date(2024, 6, 1))[0][2] == "high"


def test_a_hazard_past_its_deadline_and_not_rectified_is_a_warning(
    tmp_path: Path, host: PluginHost
) -> None:
    ctx = new_ctx(tmp_path, host, ("V01", "V02", "V03"))
    q = Quarter(2023, 4)
    hazard = "emergency.hazard"
    with ctx.store.transaction() as tx:
        tx.add_records(
            [
                _record(hazard, "V01", date(2023, 10, 1), "emergency", deadline="2023-10-10"),
                _record(
                    hazard, "V02", date(2023, 10, 1), "emergency", deadline="2023-10-10", major=True
                ),
                _record(
                    hazard,
                    "V03",
                    date(2023, 10, 1),
                    "emergency",
                    deadline="2023-10-10",
                    rectified_on="2023-10-09",
                ),
            ]
        )
    assert _warned(ctx, host, q, date(2023, 10, 10)) == []
    assert _warned(ctx, host, q, date(2023, 10, 11)) == [
        ("V02", "emergency.late_hazards", "high"),
        ("V01", "emergency.late_hazards", "medium"),
    ]


def test_petitions_at_town_level_and_rising_cases_are_warnings(
    tmp_path: Path, host: PluginHost
) -> None:
    ctx = new_ctx(tmp_path, host, ("V01", "V02"))
    q = Quarter(2023, 4)
    case = "police.case"
    with ctx.store.transaction() as tx:
        tx.add_records(
            [
                _record("civil.petition", "V01", date(2023, 10, 5), "civil", level="town"),
                _record("civil.petition", "V02", date(2023, 10, 5), "civil", level="village"),
                _record(case, "V01", date(2023, 8, 5), "police", kind="security"),
                _record(case, "V01", date(2023, 11, 5), "police", kind="security"),
                _record(case, "V02", date(2023, 11, 5), "police", kind="security"),
            ]
        )
    found = _warned(ctx, host, q, date(2023, 12, 1))
    assert found == [
        ("V01", "civil.town_petitions", "low"),
        ("V02", "police.rising_cases", "low"),
    ]
    report = warnings(ctx.store, host, q, date(2023, 12, 1))
    doc = next(w for w in report.warnings if w.rule == "police.rising_cases").to_doc("en")
    assert doc == {
        "village": "V02",
        "unit": "police",
        "rule": "police.rising_cases",
        "severity": "low",
        "message": "cases rising: 1 this quarter, 0 the previous one",
        "records": [5],
    }


class _Watch:
    """An outside unit with one working warning rule and one that raises."""

    @hookimpl
    def register_units(self, register: Callable[[UnitSpec], None]) -> None:
        register(UnitSpec("watch", Text("巡查队", "Watch"), files_returns=False))

    @hookimpl
    def register_warnings(self, register: Callable[[WarningRule], None]) -> None:
        def every_village(ctx: object) -> list[EarlyWarning]:
            return [EarlyWarning.of("V01", Severity.LOW, "巡查提示", "watch note", [7])]

        def broken(ctx: object) -> list[EarlyWarning]:
            raise RuntimeError("boom")

        register(WarningRule("watch", "watch.note", every_village))
        register(WarningRule("watch", "watch.broken", broken))


def test_an_outside_plugin_adds_warnings_and_a_broken_rule_is_named(tmp_path: Path) -> None:
    host = PluginHost.load(entry_points=False, extra=[("watch", _Watch())])
    ctx = new_ctx(tmp_path, host, ("V01",))
    report = warnings(ctx.store, host, Quarter(2023, 4), date(2023, 12, 1))
    assert [(w.unit, w.rule, w.warning.records) for w in report.warnings] == [
        ("watch", "watch.note", (7,))
    ]
    [error] = report.errors
    assert "watch.broken" in error.en and "RuntimeError: boom" in error.en


def test_a_warning_rule_of_an_unknown_unit_fails_its_plugin() -> None:
    class Stray:
        @hookimpl
        def register_warnings(self, register: Callable[[WarningRule], None]) -> None:
            register(WarningRule("nobody", "stray.rule", lambda ctx: []))

    host = PluginHost.load(builtins=False, entry_points=False, extra=[("stray", Stray())])
    [info] = host.failed()
    assert "unknown unit 'nobody'" in info.reason


def test_add_decisions_stores_a_batch_and_refuses_a_decided_cell(
    tmp_path: Path, bare_host: PluginHost
) -> None:
    ctx = new_ctx(tmp_path, bare_host, ("V01",))
    q = YEAR[0]
    batch = [Decision(q, "V01", c, True, "", "t", "x") for c in ("G1", "G2")]
    with ctx.store.transaction() as tx:
        assert tx.add_decisions(batch) == 2
    assert {d.criterion for d in ctx.store.decisions(q)} == {"G1", "G2"}
    with pytest.raises(Refused, match="already has a decision"), ctx.store.transaction() as tx:
        tx.add_decisions([Decision(q, "V01", "G3", True, "", "t", "x"), batch[0]])
    assert len(ctx.store.decisions(q)) == 2


# the meeting


def test_a_meeting_records_attendees_and_minutes_with_every_decision(
    tmp_path: Path, bare_host: PluginHost
) -> None:
    ctx = new_ctx(tmp_path, bare_host, ("V01",))
    q = YEAR[0]
    assert "attendee" in refused(lambda: actions.record_meeting(ctx, q, [" "])).field
    actions.decide(ctx, q, "V01", "G1", False, "村支书履职不到位")
    actions.decide(ctx, q, "V01", "G2", True)
    done = actions.record_meeting(ctx, q, ["王建国", "李强", "王建国"], date(2022, 4, 3))
    assert done.attendees == ("王建国", "李强")
    text = done.minutes
    assert text.startswith("# 桑村镇 2022Q1 平安村创建领导小组会议纪要")
    assert "- 时间：2022-04-03" in text and "- 出席：王建国、李强" in text
    assert "| V01 V01村 | G1 " in text and "| 不达标 | 村支书履职不到位 | tester |" in text
    assert [m["attendees"] for m in ctx.store.meetings(q)] == [["王建国", "李强"]]
    score(ctx, q, {})
    actions.finalize(ctx, q)
    assert "2022Q1" in refused(lambda: actions.record_meeting(ctx, q, ["王建国"])).message.en


def test_drift_names_cells_where_live_data_left_the_snapshot(
    tmp_path: Path, bare_host: PluginHost
) -> None:
    ctx = new_ctx(tmp_path, bare_host, ("V01",))
    q = YEAR[0]
    score(ctx, q, {})
    actions.finalize(ctx, q)
    assert drift(ctx.store, bare_host, q) == []
    with ctx.store.transaction() as tx:
        tx.unlock_snapshot(q, "test")
        tx.decide(Decision(q, "V01", "N3", False, "复核", "t", "x"))
        tx.save_snapshot(q, (ctx.store.snapshot(q) or {})["grid"], locked=True)
    assert drift(ctx.store, bare_host, q) == [Drift("V01", "N3", State.PASS, State.FAIL)]


def test_the_preview_compares_with_the_previous_quarter_and_keeps_pending_apart(
    tmp_path: Path, bare_host: PluginHost
) -> None:
    ctx = new_ctx(tmp_path, bare_host, ("V01", "V02", "V03"))
    q1, q2 = YEAR[:2]
    score(ctx, q1, {"V01": {"N1"}})
    actions.finalize(ctx, q1)
    score(ctx, q2, {"V02": {"N2"}})
    with ctx.store.transaction() as tx:
        tx.withdraw_decision(q2, "V03", "G1")
    pv = preview(ctx.store, bare_host, q2)
    assert (pv.newly_compliant, pv.newly_failing) == (["V01"], ["V02"])
    assert pv.pending == {"V03": ["G1"]} and pv.waiting_units == ["office"]
    assert pv.previous.finalized and pv.previous.compliant == 2
