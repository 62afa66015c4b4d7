"""The demo town: valid records, deterministic builds, and compliance rising past the targets."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pypinyin
import pytest

from plugins.api import State
from plugins.demo import (
    ATTENDEES,
    DEMO_ACTOR,
    FINALIZED,
    LAST_QUARTER,
    LATE_QUARTER,
    PENDING_UNIT,
    QUARTERS,
    RETURN_UNITS,
    TOWN,
    DemoTown,
    build_demo,
    report_day,
)
from plugins.demo.plan import Trouble
from plugins.engine import Engine, Grid
from plugins.lists import lists
from plugins.manager import PluginHost
from plugins.quarters import QuarterState, quarter_status
from plugins.rectification import items
from store import Quarter, Record, Refused, Store


def _new_store(folder: Path) -> Store:
    created = Store(folder / "town.json")
    created.init("")
    return created.open()


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory, host: PluginHost) -> Store:
    """One demo town built into a fresh store, shared read-only by this module's tests."""
    built = _new_store(tmp_path_factory.mktemp("demo"))
    build_demo(built, host)
    return built


@pytest.fixture(scope="module")
def grids(demo: Store, host: PluginHost) -> dict[Quarter, Grid]:
    engine = Engine(demo, host)
    return {quarter: engine.grid(quarter) for quarter in QUARTERS}


@pytest.fixture(scope="module")
def town() -> DemoTown:
    return DemoTown()


def _all_records(store: Store) -> list[Record]:
    return [r for quarter in store.record_quarters() for r in store.records(quarter)]


def _content(store: Store) -> dict[str, Any]:
    """Everything the demo stored, without the store's own timestamps."""
    main = store.main()
    return {
        "settings": main.settings.to_doc(),
        "villages": [v.to_doc() for v in store.villages(active_only=False)],
        "records": [
            (r.id, r.type, r.village, r.date, r.fields, r.unit, r.author)
            for r in _all_records(store)
        ],
        "returns": sorted((str(r.quarter), r.unit, r.actor) for r in main.returns),
        "decisions": sorted(
            (str(d.quarter), d.village, d.criterion, d.passed, d.reason, d.actor, d.at)
            for d in main.decisions
        ),
        "snapshots": [store.snapshot(q) for q in QUARTERS],
        "reported": [store.reported(q) for q in QUARTERS],
        "rectification": store.rectification_items(),
    }


def test_every_record_the_demo_stores_validates(
    store: Store, host: PluginHost, town: DemoTown
) -> None:
    """The demo stores exactly its planned records, each valid; bench/demo_bench.py times it."""
    build_demo(store, host)
    records = _all_records(store)
    assert len(records) == len(town.raw_records)
    known = {v.code for v in store.villages()}
    for record in records:
        raw = {**record.fields, "date": record.date, "village": record.village}
        _, errors = host.registry.record_types[record.type].validate(raw, known)
        assert errors == [], (record, errors)
        assert record.unit == host.registry.record_types[record.type].unit
        assert QUARTERS[0].start <= record.date <= LAST_QUARTER.end


def test_two_builds_store_the_same_town_and_the_same_grids(
    tmp_path: Path, demo: Store, grids: dict[Quarter, Grid], host: PluginHost
) -> None:
    again = _new_store(tmp_path)
    build_demo(again, host)
    assert _content(again) == _content(demo)
    engine = Engine(again, host)
    for quarter in QUARTERS:
        assert engine.grid(quarter).to_doc() == grids[quarter].to_doc()


def test_a_store_holding_data_is_refused_and_left_alone(demo: Store, host: PluginHost) -> None:
    revision = demo.revision()
    with pytest.raises(Refused, match="already holds data"):
        build_demo(demo, host)
    assert demo.revision() == revision


def test_town_villages_and_offices(demo: Store) -> None:
    assert demo.settings().town == TOWN
    villages = demo.villages()
    assert 35 <= len(villages) <= 45
    assert [v.code for v in villages] == [f"SC{i:03d}" for i in range(1, len(villages) + 1)]
    assert len({v.name for v in villages}) == len(villages)
    offices = Counter(v.office for v in villages)
    assert len(offices) == 4 and all(name.endswith("办事处") for name in offices)
    for village in villages:
        assert village.secretary and village.population and village.households
        assert village.households < village.population


def test_dongzhuang_is_the_only_village_with_initials_dz(demo: Store) -> None:
    def initials(name: str) -> str:
        return "".join(pypinyin.lazy_pinyin(name, style=pypinyin.Style.FIRST_LETTER))

    by_initials = Counter(initials(v.name) for v in demo.villages())
    assert [v.name for v in demo.villages() if initials(v.name) == "dz"] == ["东庄"]
    shared = [key for key, count in by_initials.items() if count > 1]
    assert len(shared) <= 2, shared


def test_every_builtin_record_type_is_present(demo: Store, host: PluginHost) -> None:
    builtin_types = {
        name for name, rtype in host.registry.record_types.items() if rtype.unit in RETURN_UNITS
    }
    assert len(builtin_types) >= 9
    stored = Counter(r.type for r in _all_records(demo))
    assert builtin_types <= set(stored), builtin_types - set(stored)
    assert stored["police.patrol"] > stored["police.case"] > 0


def test_every_rule_has_failing_evidence_somewhere(
    grids: dict[Quarter, Grid], town: DemoTown
) -> None:
    assert set(town.plan.used()) == set(Trouble)
    failed_criteria = {
        cell.criterion
        for grid in grids.values()
        for cell in grid.cells.values()
        if cell.data_state is State.FAIL
    }
    assert failed_criteria >= {"G3", "G4", "G5", "G6", "N1", "N2", "N3", "N4", "N5", "N6"}
    assert failed_criteria >= {"N7", "N8", "N9"}


def test_compliance_rises_from_below_to_above_the_targets(grids: dict[Quarter, Grid]) -> None:
    rates = {quarter: grid.rate for quarter, grid in grids.items()}
    first, end_2022, q3_2023 = Quarter(2021, 3), Quarter(2022, 4), Quarter(2023, 3)
    assert rates[first] < grids[first].target
    assert rates[Quarter(2021, 4)] < grids[Quarter(2021, 4)].target
    assert rates[end_2022] >= grids[end_2022].target
    assert rates[q3_2023] >= grids[q3_2023].target
    assert rates[first] < rates[end_2022] < rates[q3_2023]
    yearly = {
        year: sum(r for q, r in rates.items() if q.year == year)
        / len([q for q in rates if q.year == year])
        for year in (2021, 2022)
    }
    assert yearly[2021] < yearly[2022]


def test_grid_fails_exactly_what_the_trouble_plan_planted(
    grids: dict[Quarter, Grid], town: DemoTown
) -> None:
    for quarter in QUARTERS:
        grid = grids[quarter]
        for village in grid.villages:
            assert set(grid.failures(village.code)) == town.plan.failing(quarter, village.code), (
                quarter,
                village.code,
                town.plan.troubles_of(quarter, village.code),
            )


def test_returns_are_filed_except_civil_in_the_latest_quarter(
    demo: Store, grids: dict[Quarter, Grid]
) -> None:
    for quarter in QUARTERS:
        expected = set(RETURN_UNITS) - ({PENDING_UNIT} if quarter == LAST_QUARTER else set())
        assert demo.filed_units(quarter) == expected
        pending = [c for c in grids[quarter].cells.values() if c.state is State.PENDING]
        if quarter != LAST_QUARTER:
            assert pending == []
    latest = grids[LAST_QUARTER]
    pending = [c for c in latest.cells.values() if c.state is State.PENDING]
    assert len(pending) > 3 * len(latest.villages)
    assert {c.criterion for c in pending} == {"G1", "G2", "G6", "N5"}
    assert all(c.waiting_for == (PENDING_UNIT,) for c in pending if c.criterion in ("G6", "N5"))
    assert latest.compliant == 0


def test_meeting_decides_g1_and_g2_everywhere_and_overrides_the_data_twice(
    demo: Store, grids: dict[Quarter, Grid]
) -> None:
    failed_g = 0
    against = []
    assert demo.decisions(LAST_QUARTER) == []
    for quarter in FINALIZED:
        decisions = demo.decisions(quarter)
        decided = {(d.village, d.criterion) for d in decisions}
        for village in demo.villages():
            assert {(village.code, "G1"), (village.code, "G2")} <= decided
        for d in decisions:
            if d.criterion in ("G1", "G2") and not d.passed:
                failed_g += 1
                assert d.reason
            cell = grids[quarter].cell(d.village, d.criterion)
            assert cell.state is (State.PASS if d.passed else State.FAIL)
            if cell.against_data(d.passed):
                assert d.reason
                against.append(d)
    assert 1 <= failed_g <= 20
    assert {d.passed for d in against} == {True, False}


def test_the_story_finalized_reported_once_late_and_the_latest_quarter_open(demo: Store) -> None:
    assert QUARTERS[:-1] == FINALIZED
    for quarter in FINALIZED:
        status = quarter_status(demo, quarter)
        assert status.state is QuarterState.REPORTED
        assert status.reported_on == report_day(quarter)
        late = (status.reported_on or quarter.end) > status.deadline
        assert late is (quarter == LATE_QUARTER)
    assert quarter_status(demo, LAST_QUARTER).state is QuarterState.OPEN


def test_every_timestamp_lies_in_the_demo_timeline(demo: Store) -> None:
    main = demo.main()
    stamps = [r.filed_at for r in main.returns] + [d.at for d in main.decisions]
    stamps += [r.created for r in _all_records(demo)]
    stamps += [(demo.snapshot(q) or {})["at"] for q in FINALIZED]
    stamps += [(demo.reported(q) or {})["at"] for q in FINALIZED]
    stamps += [m["at"] for q in FINALIZED for m in demo.meetings(q)]
    stamps += [n["at"] for item in demo.rectification_items().values() for n in item["notes"]]
    stamps += [entry.at for entry in demo.audit_entries() if entry.actor == DEMO_ACTOR]
    days = {date.fromisoformat(stamp[:10]) for stamp in stamps}
    assert min(days) >= QUARTERS[0].start
    assert max(days) <= LAST_QUARTER.end + timedelta(days=2)


def test_rectification_supervision_notice_and_commendation_appear(
    demo: Store, host: PluginHost
) -> None:
    found = items(demo, LAST_QUARTER.end + timedelta(days=3))
    assert {i.status for i in found} == {"open", "overdue", "closed"}
    assert any(i.notes for i in found)
    assert any(i.closed is not None and i.closed != i.opened for i in found)
    latest = lists(demo, host, FINALIZED[-1])
    assert latest["finalized"] is True
    assert latest["supervision"] and len(latest["public_notice"]) == 1
    assert len(lists(demo, host, Quarter(2022, 4))["commendation"]) >= 5
    assert lists(demo, host, FINALIZED[-1])["commendation"] == []
    pending = lists(demo, host, LAST_QUARTER)
    assert pending["finalized"] is False and pending["positive"] == []


def test_every_finalized_quarter_has_its_meeting_and_minutes(demo: Store, town: DemoTown) -> None:
    for quarter in FINALIZED:
        [meeting] = demo.meetings(quarter)
        assert meeting["attendees"] == list(ATTENDEES)
        assert meeting["held_on"] == (demo.snapshot(quarter) or {})["at"][:10]
        assert f"- 时间：{meeting['held_on']}" in meeting["minutes"]
    assert demo.meetings(LAST_QUARTER) == []
    override = town.plan.overrides[0]
    [meeting] = demo.meetings(override.quarter)
    assert override.reason in meeting["minutes"]
