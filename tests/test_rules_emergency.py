"""The emergency office's rules: G5 (hazards rectified) and N7 (no accidents)."""

from __future__ import annotations

import pytest

from plugins.api import State
from plugins.manager import PluginHost
from plugins.schema import Kind
from store import Quarter, Store
from tests.rules_support import Row, Town, ids, message, q, row, schema

Q1, Q2, Q3 = q("2022Q1"), q("2022Q2"), q("2022Q3")


@pytest.fixture
def town(pingan_store: Store, pingan_host: PluginHost) -> Town:
    made = Town(pingan_store, pingan_host)
    made.file(Q1, "emergency")
    made.file(Q2, "emergency")
    made.file(Q3, "emergency")
    return made


def hazard(
    deadline: str, rectified_on: str = "", found: str = "2022-04-10", major: bool = False
) -> Row:
    return row("emergency.hazard", found, deadline=deadline, rectified_on=rectified_on, major=major)


def on_time(count: int) -> list[Row]:
    return [hazard("2022-05-31", "2022-05-20") for _ in range(count)]


def late(count: int) -> list[Row]:
    return [hazard("2022-05-31", "2022-06-01") for _ in range(count)]


def test_schema_matches_the_data_dictionary(host: PluginHost) -> None:
    assert schema(host, "emergency.accident") == {
        "date": (Kind.DATE, True, ()),
        "village": (Kind.VILLAGE, True, ()),
        "category": (
            Kind.ENUM,
            True,
            ("fire", "traffic", "production", "gas", "electrical", "drowning", "other"),
        ),
        "deaths": (Kind.INT, False, ()),
        "injuries": (Kind.INT, False, ()),
        "summary": (Kind.TEXT, False, ()),
    }
    assert schema(host, "emergency.hazard") == {
        "date": (Kind.DATE, True, ()),
        "village": (Kind.VILLAGE, True, ()),
        "deadline": (Kind.DATE, True, ()),
        "rectified_on": (Kind.DATE, False, ()),
        "major": (Kind.BOOL, False, ()),
        "summary": (Kind.TEXT, False, ()),
    }
    _, errors = host.registry.record_types["emergency.hazard"].validate(
        {"date": "2022-04-01", "village": "V01", "deadline": "2022-04-31"}
    )
    assert [e.field for e in errors] == ["deadline"]
    _, errors = host.registry.record_types["emergency.accident"].validate(
        {"date": "2022-04-01", "village": "V01", "category": "fire", "deaths": "-1"}
    )
    assert [e.field for e in errors] == ["deaths"]


@pytest.mark.parametrize(
    ("rows", "state", "evidence", "words"),
    [
        ([], State.PASS, [], "本季度无到期隐患"),
        ([hazard("2022-07-01")], State.PASS, [], "本季度无到期隐患"),
        (on_time(9) + late(1), State.PASS, [], "90%（9/10），不低于 90%"),
        (on_time(8) + late(2), State.FAIL, [8, 9], "80%（8/10），低于 90%"),
        (on_time(8) + late(1), State.FAIL, [8], "88.8%（8/9）"),
        (on_time(27) + late(3), State.PASS, [], "90%（27/30）"),
        ([hazard("2022-05-31", "2022-05-31")], State.PASS, [], "100%（1/1）"),
        ([hazard("2022-05-31", "2022-06-01")], State.FAIL, [0], "0%（0/1）"),
        ([hazard("2022-05-31")], State.FAIL, [0], "0%（0/1）"),
        ([hazard("2022-04-01", "2022-04-01")], State.PASS, [], "100%（1/1）"),
        ([hazard("2022-06-30", "2022-06-30")], State.PASS, [], "100%（1/1）"),
        ([hazard("2022-06-30", "2022-07-01")], State.FAIL, [0], "0%（0/1）"),
        ([hazard("2022-06-30", found="2022-03-01")], State.FAIL, [0], "0%（0/1）"),
        (
            on_time(9) + [hazard("2022-06-30", major=True)],
            State.PASS,
            [],
            "90%（9/10）",
        ),
        (
            on_time(10) + [hazard("2022-06-29", major=True)],
            State.FAIL,
            [10],
            "逾期未整改的重大隐患 1 处",
        ),
        (
            on_time(10) + [hazard("2022-06-29", "2022-06-30", major=True)],
            State.PASS,
            [],
            "90.9%（10/11）",
        ),
        (
            on_time(10) + [hazard("2022-06-29", "2022-07-01", major=True)],
            State.FAIL,
            [10],
            "重大隐患 1 处",
        ),
        (
            [hazard("2022-07-15", major=True), hazard("2022-06-01", major=True)],
            State.FAIL,
            [1],
            "重大隐患 1 处",
        ),
    ],
)
def test_g5(town: Town, rows: list[Row], state: State, evidence: list[int], words: str) -> None:
    added = town.add(*rows, row("emergency.hazard", "2022-04-02", "V02", deadline="2022-04-03"))
    cell = town.cell(Q2, "G5")
    assert cell.state is state
    assert cell.evidence == ids(added, evidence)
    assert words in message(cell)


@pytest.mark.parametrize(("on", "behind"), [(1, 1), (2, 1), (8, 2)])
def test_g5_a_ratio_below_the_threshold_names_the_records_it_lists(
    town: Town, on: int, behind: int
) -> None:
    """'2/3 rectified' lists only the late hazard: the message says the list is the late ones."""
    town.add(*on_time(on), *late(behind))
    cell = town.cell(Q2, "G5")
    assert cell.state is State.FAIL and len(cell.evidence) == behind
    [finding] = cell.findings
    assert f"（{on}/{on + behind}）" in finding.message.zh
    assert finding.message.zh.endswith(f"依据记录为未达到的 {behind} 条")
    verb = "was" if behind == 1 else "were"
    assert finding.message.en.endswith(f"; evidence: the {behind} that {verb} not")


@pytest.mark.parametrize(
    ("rectified_on", "states"),
    [
        ("", {Q1: State.FAIL, Q2: State.FAIL, Q3: State.FAIL}),
        ("2022-05-10", {Q1: State.FAIL, Q2: State.PASS, Q3: State.PASS}),
        ("2022-03-31", {Q1: State.FAIL, Q2: State.PASS, Q3: State.PASS}),
        ("2022-03-15", {Q1: State.PASS, Q2: State.PASS, Q3: State.PASS}),
    ],
)
def test_g5_a_major_hazard_stays_overdue_into_later_quarters(
    town: Town, rectified_on: str, states: dict[Quarter, State]
) -> None:
    (major,) = town.add(hazard("2022-03-15", rectified_on, found="2022-02-01", major=True))
    for quarter, state in states.items():
        cell = town.cell(quarter, "G5")
        assert cell.state is state, quarter
    if states[Q2] is State.FAIL:
        assert town.cell(Q2, "G5").evidence == (major,)
        assert "1 major hazard overdue at quarter end" in message(town.cell(Q2, "G5"), "en")


def test_g5_an_overdue_minor_hazard_of_an_earlier_quarter_does_not_fail_this_one(
    town: Town,
) -> None:
    (minor,) = town.add(hazard("2022-03-15", found="2022-02-01"))
    assert (town.cell(Q1, "G5").state, town.cell(Q1, "G5").evidence) == (State.FAIL, (minor,))
    assert town.cell(Q2, "G5").state is State.PASS


def test_g5_ignores_hazards_found_after_the_quarter(town: Town) -> None:
    town.add(hazard("2022-06-01", found="2022-07-01", major=True))
    assert town.cell(Q2, "G5").state is State.PASS
    assert town.cell(Q3, "G5").state is State.FAIL


def test_g5_ratio_comes_from_the_town_settings(town: Town) -> None:
    town.add(*on_time(8), *late(2))
    assert town.cell(Q2, "G5").state is State.FAIL
    town.thresholds(**{"emergency.min_rectified_ratio": 0.75})
    cell = town.cell(Q2, "G5")
    assert cell.state is State.PASS
    assert "80%（8/10），不低于 75%" in message(cell)


def test_n7_fails_on_any_accident_of_the_quarter(town: Town) -> None:
    added = town.add(
        row("emergency.accident", "2022-04-01", category="fire", deaths=0, injuries=1),
        row("emergency.accident", "2022-06-30", category="溺水"),
        row("emergency.accident", "2022-03-31", category="traffic"),
        row("emergency.accident", "2022-07-01", category="gas"),
        row("emergency.accident", "2022-05-05", "V02", category="other"),
    )
    cell = town.cell(Q2, "N7")
    assert (cell.state, cell.evidence) == (State.FAIL, ids(added, [0, 1]))
    assert "安全事故 2 起" in message(cell)
    assert "2 accidents this quarter" in message(cell, "en")
    assert town.cell(Q1, "N7").evidence == ids(added, [2])
    assert town.cell(Q3, "N7").evidence == ids(added, [3])
    assert town.cell(Q2, "N7", "V02").evidence == ids(added, [4])
