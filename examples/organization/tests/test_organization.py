"""The organization office on a real store through pingan's test kit (fixture pingan_town)."""

from __future__ import annotations

from datetime import date

import pytest
from pingan_organization.plugin import VIOLATION

from plugins import API_VERSION, Severity, State
from plugins.actions import Refusal, decide
from plugins.testkit import Town

Q = "2024Q2"


def test_it_loads_from_its_entry_point_with_its_unit_and_commands(pingan_town: Town) -> None:
    info = pingan_town.host.info("organization")
    assert info is not None and info.status == "loaded", info
    assert (info.source, info.units, info.api) == ("entry point", ["organization"], API_VERSION)
    assert pingan_town.host.registry.units["organization"].criteria == ("G1",)


def test_a_violation_fails_g1_without_a_meeting_decision(pingan_town: Town) -> None:
    violation = pingan_town.record(VIOLATION, "2024-05-03", kind="conduct", summary="公款吃喝")
    cell = pingan_town.cell(Q, "G1")
    assert (cell.state, cell.evidence, cell.decision) == (State.FAIL, (violation,), None)
    finding = pingan_town.check("organization.no_cadre_violations", Q)
    assert finding.message.en == "1 cadre violations this quarter"


def test_without_violations_g1_waits_for_the_return_and_the_meeting_still_decides(
    pingan_town: Town,
) -> None:
    assert pingan_town.cell(Q, "G1").state is State.PENDING
    assert pingan_town.cell(Q, "G1").waiting_for == ("organization",)
    pingan_town.decide(Q, "G1", passed=True)
    assert pingan_town.cell(Q, "G1").state is State.PASS
    pingan_town.file(Q, "organization")
    assert pingan_town.cell(Q, "G1", "SC002").state is State.PASS


def test_the_meeting_overrides_a_violation_only_with_a_reason(pingan_town: Town) -> None:
    pingan_town.record(VIOLATION, "2024-05-03", kind="duty")
    ctx = pingan_town.actions(today=date(2024, 7, 2))
    quarter = pingan_town.grid(Q).quarter
    with pytest.raises(Refusal, match="reason"):
        decide(ctx, quarter, "SC001", "G1", True)
    assert pingan_town.store.decisions(quarter) == []
    decide(ctx, quarter, "SC001", "G1", True, "已查实为误报，撤销处分")
    cell = pingan_town.cell(Q, "G1")
    assert (cell.state, cell.data_state) == (State.PASS, State.FAIL)


def test_violations_last_quarter_warn_until_a_new_one_fails_g1(pingan_town: Town) -> None:
    earlier = pingan_town.record(VIOLATION, "2024-02-10", "SC002", kind="law")
    pingan_town.record(VIOLATION, "2024-03-01", "SC003", kind="law")
    pingan_town.record(VIOLATION, "2024-04-05", "SC003", kind="conduct")
    [warning] = pingan_town.warnings(Q, unit="organization")
    assert (warning.village, warning.severity, warning.records) == (
        "SC002",
        Severity.LOW,
        (earlier,),
    )


def test_the_report_section_counts_violations_by_kind(pingan_town: Town) -> None:
    assert [p.en for p in pingan_town.report_section("organization.violations", Q).paragraphs] == [
        "No cadre violations this quarter."
    ]
    pingan_town.record(VIOLATION, "2024-05-03", kind="conduct", summary="不写进报告")
    pingan_town.record(VIOLATION, "2024-05-04", kind="law")
    pingan_town.record(VIOLATION, "2024-06-01", "SC004", kind="conduct")
    body = pingan_town.report_section("organization.violations", Q, finalized=True)
    assert body.paragraphs[0].zh == "本季度干部违纪违法 3 起，涉及 2 个村，这些村 G1 不达标。"
    [table] = body.tables
    assert table.rows == (("违反党纪", 0), ("违法", 1), ("作风问题", 2), ("履职不力", 0))
    assert "不写进报告" not in repr(body)


def test_the_add_command_stores_through_the_actions_layer(pingan_town: Town) -> None:
    ran = pingan_town.pingan(
        "organization", "add", "--village", "SC002", "--date", "2024-05-03", "--kind", "违法"
    )
    assert ran.code == 0, ran.err
    assert "G1 fails for SC002" in ran.out
    assert pingan_town.cell(Q, "G1", "SC002").state is State.FAIL
    listed = pingan_town.pingan("organization", "villages", "--quarter", Q)
    assert (listed.code, listed.out) == (0, "SC002\t1\n")
    grid = pingan_town.pingan("grid", "--quarter", Q, "--format", "csv")
    assert grid.code == 0 and "SC002" in grid.out


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (["--village", "SC002", "--date", "2024-05-03", "--kind", "gossip"], "kind"),
        (["--village", "NOPE", "--date", "2024-05-03", "--kind", "law"], "NOPE"),
        (["--village", "SC002", "--date", "someday", "--kind", "law"], "date"),
    ],
)
def test_the_add_command_refuses_bad_input_and_stores_nothing(
    pingan_town: Town, args: list[str], error: str
) -> None:
    ran = pingan_town.pingan("organization", "add", *args)
    assert ran.code == 1 and error in ran.err, ran
    assert pingan_town.store.records(pingan_town.grid(Q).quarter, VIOLATION) == []


def test_a_bad_quarter_is_refused_by_the_villages_command(pingan_town: Town) -> None:
    ran = pingan_town.pingan("organization", "villages", "--quarter", "2024Q5")
    assert ran.code == 2 and "--quarter" in ran.err


async def test_the_view_lists_the_quarters_violations(pingan_town: Town) -> None:
    violation = pingan_town.record(VIOLATION, "2024-05-03", "SC002", kind="conduct")
    pingan_town.record(VIOLATION, "2024-08-03", "SC002", kind="conduct")
    async with pingan_town.open_view("organization", "violations", quarter=Q, lang="en") as view:
        assert [r.id for r in view.widget.shown] == [violation]
        assert view.widget.context.quarter == pingan_town.grid(Q).quarter
