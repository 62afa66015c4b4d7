"""A cell's history: every audit entry behind it, from the evidence screen."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from textual.widgets import DataTable

from plugins import actions
from plugins.actions import ActionContext, Actor
from plugins.history import cell_history
from plugins.manager import PluginHost
from store import Quarter, Store
from tests.tui_support import Q2, Q3, build_town, make_app, new_record, settle
from tui.screens.evidence import EvidenceScreen
from tui.screens.history import HistoryScreen


@pytest.fixture
def town(tmp_path: Path, host: PluginHost) -> Store:
    """The TUI town, plus one 北岗村 patrol added and then edited by the police desk."""
    store = build_town(tmp_path / "town.json", host)
    with store.transaction("police-desk") as tx:
        [patrol_id] = tx.add_records([new_record(host, "police.patrol", "SC004", date(2022, 9, 5))])
    patrol = store.record(patrol_id)
    assert patrol is not None
    ctx = ActionContext(store, host, Actor("police-desk"), date(2022, 9, 30))
    values = {"date": "2022-09-06", "village": "SC004", "participants": "4"}
    actions.edit_record(ctx, patrol_id, values, expected_rev=patrol.rev)
    return store


def test_a_cells_history_holds_its_records_decisions_and_returns(
    town: Store, host: PluginHost
) -> None:
    patrols = cell_history(town, host.registry, Q3, "SC004", "G4")
    actions_seen = [e.action for e in patrols]
    assert actions_seen.count("record.add") == 1 and actions_seen.count("record.update") == 1
    assert "return.file" in actions_seen and "records.import" in actions_seen
    assert all(e.target.startswith("police:") for e in patrols if e.action == "return.file")
    decided = cell_history(town, host.registry, Q3, "SC002", "G1")
    assert [e.target for e in decided if e.action == "decision.set"] == ["2022Q3:SC002:G1"]
    lawsuits = cell_history(town, host.registry, Q3, "SC004", "N4")
    assert not any(e.action in ("record.add", "record.update") for e in lawsuits)


def test_a_cells_history_lists_only_imports_into_the_cell_and_its_quarters_finalizing(
    town: Store, host: PluginHost
) -> None:
    """Imports of another quarter, or of the village's records of another unit, are left out."""
    with town.transaction("clerk") as tx:
        earlier = tx.add_records(
            [new_record(host, "police.patrol", "SC004", date(2022, 5, d)) for d in (2, 3)]
        )
    with town.transaction("clerk") as tx:
        elsewhere = tx.add_records(
            [
                new_record(host, "judicial.lawsuit", "SC004", date(2022, 9, 2), case_no="M-8"),
                new_record(host, "police.patrol", "SC001", date(2022, 9, 3)),
            ]
        )
    ctx = ActionContext(town, host, Actor("office"), date(2022, 10, 8))
    actions.finalize(ctx, Q3, allow_pending=True, reason="会上定")
    actions.reopen(ctx, Q3, "复核")

    def imports(quarter: Quarter) -> list[str]:
        found = cell_history(town, host.registry, quarter, "SC004", "G4")
        return [e.target for e in found if e.action == "records.import"]

    first = town.audit_entries()
    [built] = [e.target for e in first if e.action == "records.import"][:1]
    assert imports(Q3) == [built], "only the import that put SC004's Q3 patrols in"
    assert imports(Q2) == [f"records:{earlier[0]}-{earlier[-1]}"], "SC004 patrolled in Q2 only then"
    assert f"records:{elsewhere[0]}-{elsewhere[-1]}" in [e.target for e in first]
    q3 = [(e.action, e.target) for e in cell_history(town, host.registry, Q3, "SC004", "G4")]
    assert ("snapshot.save", "2022Q3") in q3 and ("quarter.reopen", "2022Q3") in q3
    q2 = [e.target for e in cell_history(town, host.registry, Q2, "SC004", "G4")]
    assert "2022Q3" not in q2


async def test_h_on_the_evidence_shows_the_history_with_local_times(
    town: Store, host: PluginHost
) -> None:
    app = make_app(town, host, lang="en")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("down", "enter")
        await settle(pilot)
        assert isinstance(app.screen, EvidenceScreen)
        await pilot.press("h")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, HistoryScreen)
        table = screen.query_one("#history-table", DataTable)
        rows = [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]
        assert any(row[2] == "decision made" and row[3] == "2022Q3:SC002:G1" for row in rows)
        assert all(re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", row[0]) for row in rows)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, EvidenceScreen)
