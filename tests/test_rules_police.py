"""The police station's rules: N1, N2, N3, N6, N8, N9 and G4, on hand-made cases."""

from __future__ import annotations

import pytest

from plugins.api import State
from plugins.manager import PluginHost
from plugins.schema import Kind
from store import Store
from tests.rules_support import Row, Town, ids, message, q, row, schema

Q = q("2022Q2")
POLICE = ("G4", "N1", "N2", "N3", "N6", "N8", "N9")


@pytest.fixture
def town(pingan_store: Store, pingan_host: PluginHost) -> Town:
    made = Town(pingan_store, pingan_host)
    made.file(Q, "police")
    return made


def patrols(count: int, day: str = "2022-05-10", village: str = "V01") -> list[Row]:
    return [row("police.patrol", day, village, participants=3) for _ in range(count)]


def failing(town: Town, village: str = "V01") -> dict[str, tuple[int, ...]]:
    """The police criteria that fail for the village in Q, with their evidence."""
    cells = {c: town.cell(Q, c, village) for c in POLICE}
    assert all(cell.state in (State.PASS, State.FAIL) for cell in cells.values())
    return {c: cell.evidence for c, cell in cells.items() if cell.state is State.FAIL}


def test_schema_matches_the_data_dictionary(host: PluginHost) -> None:
    tags = ("gang", "pornography", "gambling", "drugs", "cult", "homicide", "fraud")
    assert schema(host, "police.case") == {
        "date": (Kind.DATE, True, ()),
        "village": (Kind.VILLAGE, True, ()),
        "kind": (Kind.ENUM, True, ("criminal", "security")),
        "tags": (Kind.MULTI_ENUM, False, tags),
        "case_no": (Kind.TEXT, False, ()),
        "summary": (Kind.TEXT, False, ()),
    }
    for name in ("police.mass_incident", "police.patrol"):
        assert schema(host, name) == {
            "date": (Kind.DATE, True, ()),
            "village": (Kind.VILLAGE, True, ()),
            "participants": (Kind.INT, False, ()),
            "summary": (Kind.TEXT, False, ()),
        }
    _, errors = host.registry.record_types["police.patrol"].validate(
        {"date": "2022-05-01", "village": "V01", "participants": "-1"}
    )
    assert [e.field for e in errors] == ["participants"]


@pytest.mark.parametrize(
    ("kind", "tags", "expected"),
    [
        ("security", "", {"N8"}),
        ("criminal", "", {"N9"}),
        ("criminal", "fraud", {"N9"}),
        ("criminal", "gang", {"N1", "N9"}),
        ("security", "pornography", {"N2", "N8"}),
        ("security", "gambling", {"N2", "N8"}),
        ("criminal", "drugs", {"N2", "N9"}),
        ("criminal", "gambling;drugs", {"N2", "N9"}),
        ("criminal", "cult", {"N3", "N9"}),
        ("criminal", "homicide", {"G4", "N9"}),
        ("criminal", "涉黑恶;命案;邪教", {"G4", "N1", "N3", "N9"}),
    ],
)
def test_one_case_fails_exactly_the_criteria_of_its_kind_and_tags(
    town: Town, kind: str, tags: str, expected: set[str]
) -> None:
    case_id, *_ = town.add(row("police.case", "2022-05-03", kind=kind, tags=tags), *patrols(6))
    assert failing(town) == {c: (case_id,) for c in expected}
    assert failing(town, "V02") == {"G4": ()}


def test_a_case_tagged_twice_is_counted_once_and_other_cases_are_not_evidence(town: Town) -> None:
    added = town.add(
        row("police.case", "2022-04-05", kind="security", tags="gambling;drugs"),
        row("police.case", "2022-04-06", kind="security", tags="pornography"),
        row("police.case", "2022-04-07", kind="security", tags="fraud"),
        *patrols(6),
    )
    cell = town.cell(Q, "N2")
    assert cell.state is State.FAIL
    assert cell.evidence == ids(added, [0, 1])
    assert "涉黄赌毒案件 2 起" in message(cell)
    assert "2 pornography, gambling or drugs cases" in message(cell, "en")
    assert town.cell(Q, "N8").evidence == ids(added, [0, 1, 2])


def test_mass_incidents_fail_n6(town: Town) -> None:
    first, second = town.add(
        row("police.mass_incident", "2022-04-01", participants=40),
        row("police.mass_incident", "2022-06-30", summary="聚集"),
        row("police.mass_incident", "2022-07-01", village="V02"),
    )[:2]
    cell = town.cell(Q, "N6")
    assert (cell.state, cell.evidence) == (State.FAIL, (first, second))
    assert "群体性事件 2 起" in message(cell)
    assert town.cell(Q, "N6", "V02").state is State.PASS
    assert "无群体性事件" in message(town.cell(Q, "N6", "V02"))


@pytest.mark.parametrize(
    ("day", "fails_in"),
    [
        ("2022-03-31", "2022Q1"),
        ("2022-04-01", "2022Q2"),
        ("2022-06-30", "2022Q2"),
        ("2022-07-01", "2022Q3"),
    ],
)
def test_a_case_counts_in_the_quarter_of_its_date_first_and_last_day_included(
    town: Town, day: str, fails_in: str
) -> None:
    (case_id,) = town.add(row("police.case", day, kind="criminal", tags="gang"))
    for quarter in (q("2022Q1"), Q, q("2022Q3")):
        town.file(quarter, "police")
        cell = town.cell(quarter, "N1")
        if str(quarter) == fails_in:
            assert (cell.state, cell.evidence) == (State.FAIL, (case_id,))
        else:
            assert cell.state is State.PASS


@pytest.mark.parametrize(
    ("count", "state"), [(0, State.FAIL), (5, State.FAIL), (6, State.PASS), (7, State.PASS)]
)
def test_g4_needs_six_patrols(town: Town, count: int, state: State) -> None:
    added = town.add(*patrols(count), *patrols(3, village="V02"))
    cell = town.cell(Q, "G4")
    assert cell.state is state
    if state is State.FAIL:
        assert cell.evidence == tuple(added[:count])
        assert f"本季度巡逻 {count} 次，少于 6 次" in message(cell)
    else:
        assert cell.evidence == ()
        assert f"巡逻 {count} 次" in message(cell)


def test_g4_counts_patrols_on_the_first_and_last_day_but_not_the_next_quarter(town: Town) -> None:
    town.add(
        *patrols(1, "2022-04-01"),
        *patrols(4, "2022-05-15"),
        *patrols(1, "2022-06-30"),
        *patrols(1, "2022-07-01"),
        *patrols(1, "2022-03-31"),
    )
    assert town.cell(Q, "G4").state is State.PASS
    town.file(q("2022Q3"), "police")
    assert "巡逻 1 次" in message(town.cell(q("2022Q3"), "G4"))


def test_g4_homicide_fails_even_with_enough_patrols(town: Town) -> None:
    homicide, *_ = town.add(
        row("police.case", "2022-05-20", kind="criminal", tags="homicide"),
        *patrols(10),
    )
    cell = town.cell(Q, "G4")
    assert (cell.state, cell.evidence) == (State.FAIL, (homicide,))
    assert "命案 1 起" in message(cell)
    assert "1 homicide this quarter" in message(cell, "en")


def test_g4_minimum_comes_from_the_town_settings(town: Town) -> None:
    town.add(*patrols(4))
    assert town.cell(Q, "G4").state is State.FAIL
    town.thresholds(**{"police.min_patrols": 4})
    cell = town.cell(Q, "G4")
    assert cell.state is State.PASS
    assert "不少于 4 次" in message(cell)
