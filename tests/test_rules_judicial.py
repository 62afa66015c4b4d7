"""The judicial office's rules: G3 (disputes resolved) and N4 (no litigation)."""

from __future__ import annotations

from typing import Any

import pytest

from plugins.api import State
from plugins.manager import PluginHost
from plugins.schema import Kind
from store import Store
from tests.rules_support import Row, Town, ids, message, q, row, schema

Q = q("2022Q3")


@pytest.fixture
def town(pingan_store: Store, pingan_host: PluginHost) -> Town:
    made = Town(pingan_store, pingan_host)
    made.file(Q, "judicial")
    return made


def dispute(day: str = "2022-08-01", status: str = "resolved", **fields: Any) -> Row:
    return row("judicial.dispute", day, category="neighbour", status=status, **fields)


def resolved(count: int) -> list[Row]:
    return [dispute(resolved_on="2022-08-20", resolved_level="village") for _ in range(count)]


def unresolved(count: int) -> list[Row]:
    return [dispute(status="mediating") for _ in range(count)]


def test_schema_matches_the_data_dictionary(host: PluginHost) -> None:
    assert schema(host, "judicial.dispute") == {
        "date": (Kind.DATE, True, ()),
        "village": (Kind.VILLAGE, True, ()),
        "category": (
            Kind.ENUM,
            True,
            ("land", "neighbour", "family", "labour", "contract", "other"),
        ),
        "status": (Kind.ENUM, True, ("open", "mediating", "resolved")),
        "resolved_on": (Kind.DATE, False, ()),
        "resolved_level": (Kind.ENUM, False, ("village", "town", "above")),
        "turned_criminal": (Kind.BOOL, False, ()),
    }
    assert schema(host, "judicial.lawsuit") == {
        "date": (Kind.DATE, True, ()),
        "village": (Kind.VILLAGE, True, ()),
        "case_no": (Kind.TEXT, False, ()),
        "summary": (Kind.TEXT, False, ()),
    }


@pytest.mark.parametrize(
    ("rows", "state", "evidence", "words"),
    [
        ([], State.PASS, [], "本季度无矛盾纠纷"),
        (resolved(9) + unresolved(1), State.PASS, [], "90%（9/10），不低于 90%"),
        (resolved(8) + unresolved(2), State.FAIL, [8, 9], "80%（8/10），低于 90%"),
        (resolved(18) + unresolved(2), State.PASS, [], "90%（18/20）"),
        (resolved(17) + unresolved(3), State.FAIL, [17, 18, 19], "85%（17/20），低于 90%"),
        (resolved(1), State.PASS, [], "100%（1/1）"),
        (unresolved(1), State.FAIL, [0], "0%（0/1）"),
        ([dispute(status="open")], State.FAIL, [0], "0%（0/1）"),
        ([dispute(resolved_on="2022-09-30")], State.PASS, [], "100%（1/1）"),
        ([dispute(resolved_on="2022-10-01")], State.FAIL, [0], "0%（0/1）"),
        ([dispute()], State.PASS, [], "100%（1/1）"),
        ([dispute(status="mediating", resolved_on="2022-08-20")], State.FAIL, [0], "0%（0/1）"),
        (
            resolved(9) + [dispute(resolved_on="2022-10-01")],
            State.PASS,
            [],
            "90%（9/10）",
        ),
        (
            resolved(8) + [dispute(resolved_on="2022-10-01")],
            State.FAIL,
            [8],
            "88.8%（8/9），低于 90%",
        ),
        (resolved(3) + [dispute(turned_criminal="是")], State.FAIL, [3], "民转刑 1 件"),
        (resolved(3) + [dispute(resolved_level="above")], State.FAIL, [3], "镇以上化解 1 件"),
        (
            [dispute(status="open", turned_criminal=True), dispute(resolved_level="镇以上")]
            + resolved(20),
            State.FAIL,
            [0, 1],
            "民转刑 1 件、镇以上化解 1 件",
        ),
        (resolved(3) + [dispute(resolved_level="town")], State.PASS, [], "100%（4/4）"),
    ],
)
def test_g3(town: Town, rows: list[Row], state: State, evidence: list[int], words: str) -> None:
    added = town.add(*rows, dispute(status="open", village="V02"))
    cell = town.cell(Q, "G3")
    assert cell.state is state
    assert cell.evidence == ids(added, evidence)
    assert words in message(cell)


@pytest.mark.parametrize(
    ("day", "counted"),
    [("2022-07-01", True), ("2022-09-30", True), ("2022-06-30", False), ("2022-10-01", False)],
)
def test_g3_counts_disputes_registered_in_the_quarter(town: Town, day: str, counted: bool) -> None:
    (open_id,) = town.add(dispute(day, status="open"))
    cell = town.cell(Q, "G3")
    assert (cell.state, cell.evidence) == (
        (State.FAIL, (open_id,)) if counted else (State.PASS, ())
    )


def test_g3_ratio_comes_from_the_town_settings(town: Town) -> None:
    town.add(*resolved(8), *unresolved(2))
    assert town.cell(Q, "G3").state is State.FAIL
    town.thresholds(**{"judicial.min_resolved_ratio": 0.8})
    cell = town.cell(Q, "G3")
    assert cell.state is State.PASS
    assert "80%（8/10），不低于 80%" in message(cell)
    assert "80% (8/10) of the quarter's disputes resolved by quarter end, at least 80%" in message(
        cell, "en"
    )


def test_n4_fails_on_any_lawsuit_filed_in_the_quarter(town: Town) -> None:
    added = town.add(
        row("judicial.lawsuit", "2022-07-01", case_no="(2022)民初1号"),
        row("judicial.lawsuit", "2022-09-30"),
        row("judicial.lawsuit", "2022-10-01"),
        row("judicial.lawsuit", "2022-06-30"),
        *resolved(2),
    )
    cell = town.cell(Q, "N4")
    assert (cell.state, cell.evidence) == (State.FAIL, ids(added, [0, 1]))
    assert "诉讼案件 2 件" in message(cell)
    assert "2 lawsuits this quarter" in message(cell, "en")
    assert town.cell(Q, "N4", "V02").state is State.PASS
