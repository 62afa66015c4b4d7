"""The civil affairs office's rules: G6 (key populations) and N5 (no skip-level petitions)."""

from __future__ import annotations

from typing import Any

import pytest

from plugins.api import State
from plugins.manager import PluginHost
from plugins.schema import Kind
from store import Store
from tests.rules_support import Row, Town, ids, message, q, row, schema

Q = q("2023Q1")


@pytest.fixture
def town(pingan_store: Store, pingan_host: PluginHost) -> Town:
    made = Town(pingan_store, pingan_host)
    made.file(Q, "civil")
    return made


def petition(day: str = "2023-02-01", level: str = "town", **flags: Any) -> Row:
    return row("civil.petition", day, level=level, **flags)


def people(registered: int, served: int, incidents: Any = "", day: str = "2023-03-01") -> Row:
    return row(
        "civil.key_population",
        day,
        category="community_correction",
        registered=registered,
        served=served,
        incidents=incidents,
    )


def test_schema_matches_the_data_dictionary(host: PluginHost) -> None:
    assert schema(host, "civil.petition") == {
        "date": (Kind.DATE, True, ()),
        "village": (Kind.VILLAGE, True, ()),
        "level": (
            Kind.ENUM,
            True,
            ("village", "town", "district", "city", "province", "national"),
        ),
        "skip_level": (Kind.BOOL, False, ()),
        "collective": (Kind.BOOL, False, ()),
        "abnormal": (Kind.BOOL, False, ()),
        "summary": (Kind.TEXT, False, ()),
    }
    categories = (
        "community_correction",
        "released_prisoner",
        "mental_disorder",
        "drug_user",
        "threat_speaker",
        "other",
    )
    assert schema(host, "civil.key_population") == {
        "date": (Kind.DATE, True, ()),
        "village": (Kind.VILLAGE, True, ()),
        "category": (Kind.ENUM, True, categories),
        "registered": (Kind.INT, True, ()),
        "served": (Kind.INT, True, ()),
        "incidents": (Kind.INT, False, ()),
    }
    _, errors = host.registry.record_types["civil.key_population"].validate(
        {"date": "2023-01-01", "village": "V01", "category": "other", "served": "-2"}
    )
    assert sorted(e.field for e in errors) == ["registered", "served"]


@pytest.mark.parametrize(
    ("rows", "state", "evidence", "words"),
    [
        ([], State.PASS, [], "本季度信访 0 件"),
        ([petition(), petition(level="district")], State.PASS, [], "本季度信访 2 件，无越级访"),
        ([petition(skip_level=True)], State.FAIL, [0], "越级访 1 件、集访 0 件、非访 0 件"),
        ([petition(collective="是")], State.FAIL, [0], "越级访 0 件、集访 1 件"),
        ([petition(abnormal="1")], State.FAIL, [0], "非访 1 件"),
        ([petition(skip_level="否", collective="false", abnormal=0)], State.PASS, [], "信访 1 件"),
        (
            [petition(), petition(skip_level=True, collective=True, abnormal=True), petition()],
            State.FAIL,
            [1],
            "越级访 1 件、集访 1 件、非访 1 件",
        ),
        (
            [petition(skip_level=True), petition(), petition(level="city", collective=True)],
            State.FAIL,
            [0, 2],
            "越级访 1 件、集访 1 件、非访 0 件",
        ),
        ([petition("2023-01-01", abnormal=True)], State.FAIL, [0], "非访 1 件"),
        ([petition("2023-03-31", abnormal=True)], State.FAIL, [0], "非访 1 件"),
        ([petition("2022-12-31", abnormal=True)], State.PASS, [], "信访 0 件"),
        ([petition("2023-04-01", skip_level=True)], State.PASS, [], "信访 0 件"),
    ],
)
def test_n5(town: Town, rows: list[Row], state: State, evidence: list[int], words: str) -> None:
    added = town.add(*rows, row("civil.petition", "2023-02-02", "V02", level="city", abnormal=True))
    cell = town.cell(Q, "N5")
    assert cell.state is state
    assert cell.evidence == ids(added, evidence)
    assert words in message(cell)


@pytest.mark.parametrize(
    ("rows", "state", "evidence", "words"),
    [
        ([], State.PASS, [], "本季度无重点人群记录"),
        ([people(5, 5)], State.PASS, [], "登记 5 人，全部服务管理，无肇事肇祸"),
        ([people(5, 5, 0), people(0, 0)], State.PASS, [], "登记 5 人"),
        ([people(5, 6)], State.PASS, [], "登记 5 人"),
        ([people(5, 4)], State.FAIL, [0], "登记 5 人、服务管理 4 人、肇事肇祸 0 起"),
        ([people(5, 5, 1)], State.FAIL, [0], "肇事肇祸 1 起"),
        (
            [people(3, 3), people(4, 2), people(2, 2, 2), people(1, 1)],
            State.FAIL,
            [1, 2],
            "登记 10 人、服务管理 8 人、肇事肇祸 2 起（2 条记录不达标）",
        ),
        ([people(5, 4, day="2023-01-01")], State.FAIL, [0], "服务管理 4 人"),
        ([people(5, 4, day="2023-03-31")], State.FAIL, [0], "服务管理 4 人"),
        ([people(5, 4, day="2022-12-31")], State.PASS, [], "本季度无重点人群记录"),
        ([people(5, 4, day="2023-04-01")], State.PASS, [], "本季度无重点人群记录"),
    ],
)
def test_g6(town: Town, rows: list[Row], state: State, evidence: list[int], words: str) -> None:
    added = town.add(
        *rows,
        row(
            "civil.key_population",
            "2023-02-02",
            "V02",
            category="other",
            registered=3,
            served=0,
            incidents=1,
        ),
    )
    cell = town.cell(Q, "G6")
    assert cell.state is state
    assert cell.evidence == ids(added, evidence)
    assert words in message(cell)
