"""The actions layer: each rule of a change, refused alike here, in the CLI and in the TUI."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from plugins import actions
from plugins.actions import ActionContext, Actor, Refusal, Role
from plugins.manager import PluginHost
from store import Quarter, Store, Village
from tests.cli_support import call_pingan, run_pingan
from tests.store_support import data_revision
from tests.tui_forms_support import QUARTER, add, build_town, make_app
from tests.tui_support import settle
from tui.screens.reason import ReasonScreen
from tui.screens.records import RecordsScreen

TODAY = date(2024, 2, 15)
CASE = {"date": "2023-11-05", "village": "V01", "kind": "security"}


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A store with two villages, chosen by $PINGAN_DB for the command line."""
    path = tmp_path / "town.json"
    monkeypatch.setenv("PINGAN_DB", str(path))
    store = Store(path)
    store.init("桑村镇")
    with store.transaction() as tx:
        tx.add_village(Village("V01", "东庄", "东办"))
        tx.add_village(Village("V02", "西庄", "西办"))
    return path


@pytest.fixture
def ctx(db: Path, host: PluginHost) -> ActionContext:
    return ActionContext(Store(db).open(), host, Actor("tester"), TODAY)


def refused(call: Any) -> Refusal:
    """The Refusal call raises, asserting that it raises one."""
    with pytest.raises(Refusal) as caught:
        call()
    return caught.value


def lock(store: Store, quarter: Quarter) -> None:
    """Finalize quarter the way the store marks it: a locked snapshot."""
    with store.transaction("office") as tx:
        tx.save_snapshot(quarter, {}, locked=True)


# settings


def test_two_desks_changing_different_settings_keep_both(db: Path, host: PluginHost) -> None:
    first = ActionContext(Store(db).open(), host, Actor("a"), TODAY)
    second = ActionContext(Store(db).open(), host, Actor("b"), TODAY)
    assert second.store.settings().thresholds == {}
    actions.set_setting(first, "threshold.police.min_patrols", "8")
    actions.set_setting(second, "threshold.judicial.min_resolved_ratio", "0.95")
    assert Store(db).settings().thresholds == {
        "police.min_patrols": 8,
        "judicial.min_resolved_ratio": 0.95,
    }


def test_settings_set_at_the_same_moment_from_two_processes_are_both_kept(
    db: Path, tmp_path: Path
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PINGAN_")}
    env.update(PINGAN_HOME=str(tmp_path / "home"), PINGAN_DB=str(db), PINGAN_USER="tester")
    for trial in range(4):
        pair = [
            ("threshold.police.min_patrols", str(7 + trial)),
            (f"target.{2030 + trial}", "0.9"),
        ]
        children = [
            subprocess.Popen(
                [sys.executable, "-m", "tui.cli.main", "settings", "set", name, value],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )
            for name, value in pair
        ]
        assert [child.wait(timeout=120) for child in children] == [0, 0]
        settings = Store(db).settings()
        assert settings.thresholds["police.min_patrols"] == 7 + trial
        assert settings.targets[str(2030 + trial)] == pytest.approx(0.9)


@pytest.mark.parametrize(
    ("name", "value", "field", "says"),
    [
        ("key.quarter.next", "g", "key.quarter.next", "tab.grid"),
        ("key.quarter.next", "ctrl+shift+banana", "key.quarter.next", "is not a key"),
        ("key.quarter.next", " ", "key.quarter.next", "no key given"),
        ("threshold.police.min_patrols", "6.5", "threshold.police.min_patrols", "not a count"),
        ("threshold.police.min_patrols", "-1", "threshold.police.min_patrols", "not a count"),
        ("threshold.emergency.min_rectified_ratio", "1.5", "", "ratio lies in [0, 1]"),
    ],
)
def test_bad_key_and_threshold_settings_are_refused(
    ctx: ActionContext, name: str, value: str, field: str, says: str
) -> None:
    revision = data_revision(ctx.store)
    exc = refused(lambda: actions.set_setting(ctx, name, value))
    assert says in exc.message.en and exc.field == name
    assert data_revision(ctx.store) == revision


def test_thresholds_say_whether_they_count_or_share(ctx: ActionContext) -> None:
    actions.set_setting(ctx, "threshold.police.min_patrols", "8")
    actions.set_setting(ctx, "threshold.judicial.min_resolved_ratio", "0.95")
    assert ctx.store.settings().thresholds == {
        "police.min_patrols": 8,
        "judicial.min_resolved_ratio": 0.95,
    }
    actions.set_setting(ctx, "key.quarter.next", "ctrl+n")
    exc = refused(lambda: actions.set_setting(ctx, "key.tab.grid", "ctrl+n"))
    assert "quarter.next" in exc.message.en


def test_setting_errors_read_in_chinese_by_default(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    revision = data_revision(Store(db))
    cases = [
        (["settings", "set", "key.quarter.next", "g"], "已被同一屏幕的 tab.grid"),
        (["settings", "set", "threshold.police.min_patrols", "6.5"], "次数是不小于 0 的整数"),
        (["settings", "set", "lang", "fr"], "未知语言 'fr'"),
        (["settings", "set", "colour", "red"], "未知设置 colour"),
        (["settings", "unset", "target.2040"], "target.2040 未设置"),
        (["init", "--town", "别的镇"], "这里已有数据库"),
    ]
    for argv, says in cases:
        code, _, err = call_pingan(argv, capsys)
        assert code == 1 and says in err, (argv, err)
    assert data_revision(Store(db)) == revision


# quarters after today's


def test_returns_and_decisions_for_quarters_not_begun_are_refused(
    ctx: ActionContext, capsys: pytest.CaptureFixture[str]
) -> None:
    revision = data_revision(ctx.store)
    exc = refused(lambda: actions.file_return(ctx, "police", Quarter(2024, 2)))
    assert exc.field == "quarter" and "2024Q2 has not begun" in exc.message.en
    exc = refused(lambda: actions.decide(ctx, Quarter(2031, 4), "V01", "G1", True))
    assert "2031Q4 has not begun" in exc.message.en
    actions.file_return(ctx, "police", Quarter(2024, 1))
    assert ctx.store.revision() == revision + 3, "two audited refusals, then the return"
    assert [e.action for e in ctx.store.audit_entries()[-3:]] == [
        "refused",
        "refused",
        "return.file",
    ]

    revision = data_revision(ctx.store)
    code, _, err = call_pingan(
        ["returns", "file", "--unit", "police", "--quarter", "2031Q4"], capsys
    )
    assert code == 1 and "2031Q4 尚未开始" in err
    argv = ["decide", "--quarter", "2031Q4", "--village", "V01", "--criterion", "G1", "--pass"]
    code, _, err = call_pingan(["--lang", "en", *argv], capsys)
    assert code == 1 and "2031Q4 has not begun" in err
    assert data_revision(ctx.store) == revision
    assert ctx.store.returns(Quarter(2031, 4)) == []


# decisions


def test_a_decision_is_replaced_only_on_request_and_can_be_withdrawn(ctx: ActionContext) -> None:
    q = Quarter(2023, 4)
    first = actions.decide(ctx, q, "V01", "g1", True)
    assert first.replaced is None and first.decision.criterion == "G1"
    exc = refused(lambda: actions.decide(ctx, q, "V01", "G1", False, "meeting changed its mind"))
    assert "already has a decision: pass" in exc.message.en and "--replace" in exc.message.en
    again = actions.decide(ctx, q, "V01", "G1", False, "meeting changed its mind", replace=True)
    assert again.replaced is not None and again.replaced.passed is True
    assert [d.passed for d in ctx.store.decisions(q)] == [False]
    gone = actions.withdraw_decision(ctx, q, "V01", "G1")
    assert gone.decision.passed is False and ctx.store.decisions(q) == []
    exc = refused(lambda: actions.withdraw_decision(ctx, q, "V01", "G1"))
    assert "no decision to withdraw" in exc.message.en


def test_decide_replace_and_withdraw_on_the_command_line(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = ["decide", "--quarter", "2023Q4", "--village", "V01", "--criterion", "G2"]
    assert call_pingan([*base, "--pass"], capsys)[0] == 0
    revision = data_revision(Store(db))
    code, _, err = call_pingan([*base, "--fail", "--reason", "复核"], capsys)
    assert code == 1 and "已有会议决定：达标" in err and "--replace" in err
    assert data_revision(Store(db)) == revision
    code, out, _ = call_pingan([*base, "--fail", "--reason", "复核", "--replace"], capsys)
    assert code == 0 and "会议决定由达标改为不达标" in out
    code, out, _ = call_pingan(["--lang", "en", *base, "--withdraw"], capsys)
    assert code == 0 and "withdrew the meeting's decision (was fail)" in out
    assert Store(db).decisions(Quarter(2023, 4)) == []
    code, _, err = call_pingan([*base, "--withdraw"], capsys)
    assert code == 1 and "没有会议决定" in err


def test_a_decision_against_the_data_needs_a_reason(ctx: ActionContext) -> None:
    actions.add_record(ctx, "police.case", CASE)
    exc = refused(lambda: actions.decide(ctx, Quarter(2023, 4), "V01", "N8", True))
    assert exc.field == "reason" and "the data says fail" in exc.message.en
    made = actions.decide(ctx, Quarter(2023, 4), "V01", "N8", True, "case was withdrawn")
    assert made.decision.reason == "case was withdrawn"


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_fail_needs_a_reason_and_a_blank_one_stores_nothing(
    ctx: ActionContext, reason: str
) -> None:
    q = Quarter(2023, 4)
    revision = data_revision(ctx.store)
    exc = refused(lambda: actions.decide(ctx, q, "V01", "G1", False, reason))
    assert exc.field == "reason"
    assert "a fail needs a reason" in exc.message.en and "须写明理由" in exc.message.zh
    exc = refused(lambda: actions.decide_many(ctx, q, ["V01", "V02"], "G2", False, reason))
    assert exc.field == "reason" and "2023Q4 V01 G2" in exc.message.en
    assert data_revision(ctx.store) == revision and ctx.store.decisions(q) == []
    made = actions.decide(ctx, q, "V01", "G1", False, " 缺席会议 ")
    assert made.decision.reason == "缺席会议"


def test_a_fail_without_a_reason_is_refused_on_the_command_line(db: Path, tmp_path: Path) -> None:
    revision = data_revision(Store(db))
    argv = ["decide", "--quarter", "2023Q4", "--village", "V01", "--criterion", "G1", "--fail"]
    for extra in ([], ["--reason", "  "]):
        done = run_pingan(["--lang", "en", *argv, *extra], home=tmp_path / "home", db=db)
        assert done.returncode == 1, done.stderr
        assert "2023Q4 V01 G1: a fail needs a reason (--reason)" in done.stderr
    assert data_revision(Store(db)) == revision
    assert Store(db).decisions(Quarter(2023, 4)) == []


# returns


def test_returns_withdraw(ctx: ActionContext, db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        call_pingan(["returns", "file", "--unit", "police", "--quarter", "2023Q4"], capsys)[0] == 0
    )
    code, out, _ = call_pingan(
        ["returns", "withdraw", "--unit", "police", "--quarter", "2023Q4"], capsys
    )
    assert code == 0 and "已撤回 police 2023Q4 季度报表" in out
    assert ctx.store.returns(Quarter(2023, 4)) == []
    revision = data_revision(ctx.store)
    exc = refused(lambda: actions.withdraw_return(ctx, "police", Quarter(2023, 4)))
    assert "nothing to withdraw" in exc.message.en and data_revision(ctx.store) == revision
    exc = refused(lambda: actions.file_return(ctx, "office", Quarter(2023, 4)))
    assert exc.field == "unit" and "files no quarterly returns" in exc.message.en


# records, and one refusal through all three doors


def test_records_are_checked_by_their_schema(ctx: ActionContext) -> None:
    revision = data_revision(ctx.store)
    exc = refused(lambda: actions.add_record(ctx, "police.case", {**CASE, "kind": "arson"}))
    assert exc.field == "kind"
    exc = refused(lambda: actions.add_record(ctx, "police.case", {**CASE, "village": "V99"}))
    assert exc.field == "village"
    assert data_revision(ctx.store) == revision
    saved = actions.add_record(ctx, "police.case", CASE)
    assert saved.quarters == (Quarter(2023, 4),) and saved.record.author == "tester"
    moved = actions.edit_record(
        ctx, saved.record.id, {**CASE, "date": "2024-01-03"}, expected_rev=saved.record.rev
    )
    assert moved.quarters == (Quarter(2023, 4), Quarter(2024, 1))
    exc = refused(
        lambda: actions.edit_record(ctx, saved.record.id, CASE, expected_rev=saved.record.rev)
    )
    assert "Someone else changed this record" in exc.message.en
    exc = refused(lambda: actions.delete_record(ctx, saved.record.id, reason="  "))
    assert exc.field == "reason"
    actions.delete_record(ctx, saved.record.id, reason="entered twice")
    assert ctx.store.record(saved.record.id) is None


def test_operators_act_only_on_their_own_unit(ctx: ActionContext) -> None:
    saved = actions.add_record(ctx, "police.case", CASE)
    revision = data_revision(ctx.store)
    judicial = ActionContext(ctx.store, ctx.host, Actor("li", "judicial", Role.UNIT), TODAY)
    viewer = ActionContext(ctx.store, ctx.host, Actor("wang", "office", Role.VIEWER), TODAY)
    attempts = [
        lambda: actions.add_record(judicial, "police.case", CASE),
        lambda: actions.delete_record(judicial, saved.record.id, reason="x"),
        lambda: actions.file_return(judicial, "police", Quarter(2023, 4)),
        lambda: actions.decide(judicial, Quarter(2023, 4), "V01", "G1", True),
        lambda: actions.set_setting(judicial, "town", "别的镇"),
        lambda: actions.file_return(viewer, "police", Quarter(2023, 4)),
    ]
    for attempt in attempts:
        assert "may not" in refused(attempt).message.en
    assert ctx.store.revision() == revision + len(attempts), "one audit-only commit each"
    audited = ctx.store.audit_entries()[-len(attempts) :]
    assert [(e.action, e.actor) for e in audited] == [("refused", "li")] * 5 + [("refused", "wang")]
    assert ctx.store.filed_units(Quarter(2023, 4)) == set()
    assert not ctx.store.decisions(Quarter(2023, 4))
    actions.file_return(judicial, "judicial", Quarter(2023, 4))
    assert ctx.store.filed_units(Quarter(2023, 4)) == {"judicial"}


def test_a_finalized_quarter_refuses_a_delete_through_the_action_and_the_command_line(
    ctx: ActionContext, db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    saved = actions.add_record(ctx, "police.case", CASE)
    lock(ctx.store, Quarter(2023, 4))
    revision = data_revision(ctx.store)
    exc = refused(lambda: actions.delete_record(ctx, saved.record.id, reason="typo"))
    assert "2023Q4 is finalized" in exc.message.en and "pingan reopen" in exc.message.en
    code, _, err = call_pingan(["records", "delete", str(saved.record.id), "--reason", "x"], capsys)
    assert code == 1 and "2023Q4 已定稿" in err
    assert data_revision(ctx.store) == revision and ctx.store.record(saved.record.id) is not None


async def test_a_finalized_quarter_refuses_a_delete_in_the_tui(
    tmp_path: Path, host: PluginHost, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = Store(tmp_path / "town.json")
    store.init("桑村镇")
    store.open()
    build_town(store, host)
    case = add(store, host, "police.case", "V002", kind="security")
    lock(store, QUARTER)
    revision = data_revision(store)
    app = make_app(store, host, lang="en")
    told: list[str] = []
    monkeypatch.setattr(app, "notify", lambda message, **_: told.append(str(message)))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.push_screen(RecordsScreen(record_type="police.case"))
        await settle(pilot)
        await pilot.press("x")
        await settle(pilot)
        assert isinstance(app.screen, ReasonScreen)
        await pilot.press(*"wrong", "enter")
        await settle(pilot)
    assert any(f"{QUARTER} is finalized" in line for line in told), told
    assert data_revision(store) == revision and store.record(case.id) is not None


def test_the_actions_layer_never_imports_textual() -> None:
    code = "import sys, plugins.actions; sys.exit('textual' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_the_actions_guide_example_runs(
    db: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    guide = (Path(__file__).parent.parent / "docs" / "actions.md").read_text(encoding="utf-8")
    example = guide.split("```python\n", 1)[1].split("```", 1)[0]
    monkeypatch.chdir(db.parent)
    exec(compile(example, "docs/actions.md", "exec"), {})
    assert capsys.readouterr().out == "saved to 2023Q4\n"
    store = Store(db)
    assert store.filed_units(Quarter(2023, 4)) == {"police"}
    assert [r.type for r in store.records(Quarter(2023, 4))] == ["police.patrol"]


def test_work_on_a_finalized_quarter_and_a_demo_over_data_are_refused_in_the_actions(
    ctx: ActionContext,
) -> None:
    actions.ensure_open(ctx.store, Quarter(2023, 4))
    lock(ctx.store, Quarter(2023, 4))
    exc = refused(lambda: actions.ensure_open(ctx.store, Quarter(2023, 4)))
    assert exc.field == "quarter" and "2023Q4 is finalized" in exc.message.en
    revision = ctx.store.revision()
    exc = refused(lambda: actions.fill_demo(ctx.store, ctx.host))
    assert "already holds data" in exc.message.en and "已有数据" in exc.message.zh
    assert ctx.store.revision() == revision
