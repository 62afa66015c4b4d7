"""The quarter's work in the TUI through Pilot: the lists screen and finalize with its preview."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import DataTable, Input, Label, Static

from plugins import actions
from plugins.actions import ActionContext, Actor
from plugins.manager import PluginHost
from plugins.quarters import QuarterState, quarter_status
from plugins.rectification import items
from store import Store
from tests.store_support import data_revision
from tests.tui_support import Q2, Q3, build_town, make_app, screen_text, settle
from tui.screens.confirm import ConfirmScreen
from tui.screens.lists import ListsScreen
from tui.screens.meeting import MeetingScreen, minutes_path
from tui.screens.reason import ReasonScreen
from tui.screens.rectification import RectificationScreen


@pytest.fixture
def town(tmp_path: Path, host: PluginHost) -> Store:
    return build_town(tmp_path / "town.json", host)


async def test_b_opens_the_lists_of_the_quarter_in_view(town: Store, host: PluginHost) -> None:
    app = make_app(town, host, quarter=Q3, lang="en")
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await pilot.press("b")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ListsScreen)
        title = str(screen.query_one("#lists-title", Static).content)
        assert title == "2022Q3 lists (open)"
        assert (
            str(screen.query_one("#lists-positive", Static).content)
            == "Positive list: 1 compliant\nSC005 大寨"
        )
        table = screen.query_one("#lists-negative", DataTable)
        rows = {str(key.value): table.get_row(key) for key in table.rows}
        assert set(rows) == {"SC001", "SC002", "SC003", "SC004"}
        assert rows["SC002"][3:] == ["G1 N1 N9", "", "Leadership office, Police station"]
        target = str(screen.query_one("#lists-target", Static).content)
        assert target.startswith("2022 target 70%: 1/5 comply, 3 more needed")
        await pilot.press("l")
        await settle(pilot)
        assert str(screen.query_one("#lists-title", Static).content) == "2022Q3 红黑榜（未定稿）"
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, ListsScreen)


async def test_b_lists_a_village_that_only_waits_as_pending_not_failing(
    town: Store, host: PluginHost
) -> None:
    with town.transaction("tester") as tx:
        tx.withdraw_decision(Q3, "SC005", "G1")
    app = make_app(town, host, quarter=Q3, lang="en")
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await pilot.press("b")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ListsScreen)
        table = screen.query_one("#lists-negative", DataTable)
        assert {str(key.value) for key in table.rows} == {"SC001", "SC002", "SC003", "SC004"}
        assert str(screen.query_one("#lists-negative-title", Static).content) == (
            "Negative list: 4 not compliant"
        )
        pending = str(screen.query_one("#lists-pending", Static).content)
        assert pending.startswith("Pending: 1 failing nowhere, waiting on:\nSC005 大寨: G1 wait on")
        target = str(screen.query_one("#lists-target", Static).content)
        assert "SC005 only pending (G1)" in target and " - " not in target
        await pilot.press("l")
        await settle(pilot)
        pending = str(screen.query_one("#lists-pending", Static).content)
        assert pending.startswith("待定 1 村") and "SC005 大寨：待定 G1，等" in pending


async def test_f_previews_then_finalizes_and_the_header_follows(
    town: Store, host: PluginHost
) -> None:
    app = make_app(town, host, quarter=Q3, lang="en")
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ConfirmScreen)
        question = dialog.question.en
        assert question.startswith("Finalize 2022Q3? 1/5 villages comply (previous 0/5)")
        assert "newly compliant: SC005" in question and "PENDING" not in question
        await pilot.press("n")
        await settle(pilot)
        assert not town.is_locked(Q3)
        await pilot.press("f")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert quarter_status(town, Q3).state is QuarterState.FINALIZED
        state = app.screen.query_one("#header-state", Static)
        assert str(state.content) == "finalized" and state.has_class("finalized")
        await pilot.press("f")
        await settle(pilot)
        assert not isinstance(app.screen, ConfirmScreen)
        await pilot.press("b")
        await settle(pilot)
        notice = app.screen.query_one("#lists-drift", Static)
        assert str(notice.content) == "The live data still matches the snapshot"
        assert str(app.screen.query_one("#lists-title", Static).content).endswith("(finalized)")
        await pilot.press("escape")
        with town.transaction("tester") as tx:
            tx.set_setting(("thresholds", "police.min_patrols"), 7)
        await pilot.press("b")
        await settle(pilot)
        notice = app.screen.query_one("#lists-drift", Static)
        assert str(notice.content).startswith("4 cells of the live data differ from the snapshot")
        assert "SC001 G4 pass→fail" in str(notice.content) and notice.has_class("-drift")


async def test_finalizing_with_pending_cells_names_who_and_needs_a_reason(
    town: Store, host: PluginHost
) -> None:
    app = make_app(town, host, quarter=Q2, lang="en")
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ConfirmScreen)
        assert "10 cells PENDING, not filed or decided: office" in dialog.question.en
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, ReasonScreen)
        assert "villages still have PENDING cells" in app.screen.question.en
        await pilot.press("escape")
        await settle(pilot)
        assert not town.is_locked(Q2)
        await pilot.press("f")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ReasonScreen), "a blank reason is refused in the dialog"
        assert "needs a reason" in screen_text(app)
        assert not town.is_locked(Q2)
        await pilot.press(*"late", "enter")
        await settle(pilot)
        assert town.is_locked(Q2)
        assert quarter_status(town, Q2).state is QuarterState.FINALIZED


async def test_a_meeting_with_attendees_decisions_an_override_an_undo_and_minutes(
    town: Store, host: PluginHost
) -> None:
    with town.transaction("tester") as tx:
        for village in ("SC001", "SC003", "SC004", "SC005"):
            for criterion in ("G1", "G2"):
                tx.withdraw_decision(Q3, village, criterion)
    app = make_app(town, host, quarter=Q3, lang="en")
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MeetingScreen)
        assert [v.code for v in screen.villages] == ["SC001", "SC003", "SC002", "SC004", "SC005"]
        screen.query_one("#meeting-attendees", Input).value = "王建国、李强"
        await pilot.press("enter")
        await settle(pilot)
        progress = screen.query_one("#meeting-progress", Static)
        assert str(progress.content) == "decided 1/5 villages, #1: SC001 东庄 (东片办事处)"
        await pilot.press("p")
        await settle(pilot)
        assert str(progress.content).startswith("decided 2/5 villages, #2: SC003")
        last = str(screen.query_one("#meeting-last", Static).content)
        assert "SC001 G1 pass, G2 pass" in last
        await pilot.press("1")
        await settle(pilot)
        assert isinstance(app.screen, ReasonScreen)
        revision = data_revision(town)
        await pilot.press("space", "enter")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ReasonScreen)
        refusal = str(dialog.query_one("#reason-refusal", Label).content)
        assert "2022Q3 SC003 G1: a fail needs a reason" in refusal
        assert data_revision(town) == revision
        await pilot.press(*"班子不团结", "enter")
        await settle(pilot)
        assert not isinstance(app.screen, ReasonScreen)
        fail = [d for d in town.decisions(Q3) if d.village == "SC003" and d.criterion == "G1"]
        assert [(d.passed, d.reason) for d in fail] == [(False, "班子不团结")]
        await pilot.press(*["right"] * 9, "o")
        await settle(pilot)
        revision = data_revision(town)
        await pilot.press("enter")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ReasonScreen)
        refusal = str(dialog.query_one("#reason-refusal", Label).content)
        assert "the data says fail" in refusal and "needs a reason" in refusal
        assert data_revision(town) == revision
        await pilot.press(*"村里已停工整改", "enter")
        await settle(pilot)
        n4 = [d for d in town.decisions(Q3) if d.village == "SC003" and d.criterion == "N4"]
        assert [(d.passed, d.reason) for d in n4] == [(True, "村里已停工整改")]
        await pilot.press("u")
        await settle(pilot)
        assert not [d for d in town.decisions(Q3) if d.criterion == "N4"]
        await pilot.press("A")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
        assert str(progress.content).startswith("decided 5/5 villages")
        g2 = {d.village: d.passed for d in town.decisions(Q3) if d.criterion == "G2"}
        assert g2 == dict.fromkeys(("SC001", "SC002", "SC003", "SC004", "SC005"), True)
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, MeetingScreen)
    [meeting] = town.meetings(Q3)
    assert meeting["attendees"] == ["王建国", "李强"]
    [path] = (town.layout.folder / "minutes").glob(f"{Q3}-meeting-*.md")
    assert path == minutes_path(town.layout.folder, Q3, int(path.stem.rsplit("-", 1)[1]))
    written = path.read_text(encoding="utf-8")
    assert written == meeting["minutes"]
    assert "- Present: 王建国, 李强" in written and "| fail | 班子不团结 | tester |" in written


async def test_rectification_items_stand_out_when_overdue_and_take_notes_and_deadlines(
    town: Store, host: PluginHost
) -> None:
    ctx = ActionContext(town, host, Actor("tester"))
    actions.finalize(ctx, Q3)
    app = make_app(town, host, quarter=Q3, lang="en")
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        await pilot.press("z")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, RectificationScreen)
        title = str(screen.query_one("#rectification-title", Static).content)
        assert title == "Rectification: 6 open, 6 of them overdue (6 in all)"
        table = screen.query_one("#rectification-items", DataTable)
        first = table.get_row_at(0)
        assert first[:6] == ["1", "SC001", "N8", "Police station", "2022Q3", "2022-12-31"]
        assert "overdue" in first[6]
        await pilot.press("a")
        await settle(pilot)
        await pilot.press(*"已约谈", "enter")
        await settle(pilot)
        assert table.get_row_at(0)[8] == "已约谈"
        await pilot.press("e")
        await settle(pilot)
        field = app.screen.query_one("#reason-input", Input)
        assert field.value == "2022-12-31"
        field.value = "2099-12-31"
        await pilot.press("enter")
        await settle(pilot)
        assert table.get_row_at(0)[5] == "2099-12-31" and "open" in table.get_row_at(0)[6]
    [item] = [i for i in items(town, Q3.end) if i.id == 1]
    assert item.deadline.isoformat() == "2099-12-31" and item.notes[0]["text"] == "已约谈"
