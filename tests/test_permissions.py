"""Operators and permissions: a unit touches only its own data, a viewer nothing, and every
refused attempt is audited — through the actions, the command line and the TUI alike."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input

from plugins import actions
from plugins.actions import ActionContext, Actor, Refusal, Role
from plugins.actions.users import LOGIN_REFUSED
from plugins.manager import PluginHost
from store import Quarter, Store
from tests.cli_support import write_csv
from tests.tui_forms_support import QUARTER, add, build_town, make_app
from tests.tui_support import settle, wait_until
from tui.screens.login import LoginScreen
from tui.screens.reason import ReasonScreen
from tui.screens.records import RecordsScreen

TODAY = date(2022, 6, 30)
PASSWORDS = {
    "boss": "office-pass-1",
    "cop": "police-pass-1",
    "judge": "judicial-pass-1",
    "watcher": "viewer-pass-1",
}


@pytest.fixture
def town(tmp_path: Path, host: PluginHost) -> Store:
    """The forms town (three villages, QUARTER filed and decided) with four accounts."""
    store = Store(tmp_path / "town.json")
    store.init("桑村镇")
    store.open()
    build_town(store, host, filed=("civil", "emergency"))
    single = ActionContext(store, host, Actor("setup"), TODAY)
    actions.add_user(single, "boss", PASSWORDS["boss"], role="office")
    office = ActionContext(store, host, actions.login(store, "boss", PASSWORDS["boss"]), TODAY)
    actions.add_user(office, "cop", PASSWORDS["cop"], role="unit", unit="police")
    actions.add_user(office, "judge", PASSWORDS["judge"], role="unit", unit="judicial")
    actions.add_user(office, "watcher", PASSWORDS["watcher"], role="viewer")
    return store


def as_user(store: Store, host: PluginHost, name: str) -> ActionContext:
    return ActionContext(store, host, actions.login(store, name, PASSWORDS[name]), TODAY)


def data_of(store: Store) -> dict[str, Any]:
    """Everything an operator could change: records, returns, decisions, settings, accounts."""
    main = Store(store.path).open().main()
    return {
        "records": {
            q: sorted((r.id, r.rev, r.village, str(r.fields)) for r in store.records(q))
            for q in store.record_quarters()
        },
        "returns": sorted((str(r.quarter), r.unit) for r in main.returns),
        "decisions": sorted((str(d.quarter), d.village, d.criterion) for d in main.decisions),
        "settings": main.settings.to_doc(),
        "users": main.users,
    }


def refusals(store: Store, since: int) -> list[tuple[str, str]]:
    """(actor, what) of every `refused` audit entry after seq since."""
    return [
        (e.actor, str(e.target))
        for e in Store(store.path).open().audit_entries()
        if e.action == "refused" and e.seq > since
    ]


def last_seq(store: Store) -> int:
    entries = Store(store.path).open().audit_entries()
    return entries[-1].seq if entries else 0


# accounts


def test_accounts_keep_only_a_salted_scrypt_hash(town: Store) -> None:
    raw = town.path.read_text(encoding="utf-8")
    logs = "".join(p.read_text(encoding="utf-8") for p in town.layout.audit_logs())
    for password in PASSWORDS.values():
        assert password not in raw and password not in logs
    hashes = [user["password"] for user in town.users()]
    assert all(h["kdf"] == "scrypt" and h["n"] >= 2**14 and h["salt"] for h in hashes)
    assert len({h["salt"] for h in hashes}) == len(hashes), "each account its own salt"
    assert '"password"' not in logs, "the audit never holds a hash"
    assert town.accounts_on()
    listed = {u.name: (u.unit, u.role, u.active) for u in actions.list_users(town)}
    assert listed["cop"] == ("police", Role.UNIT, True)
    assert listed["watcher"] == ("office", Role.VIEWER, True)


def test_the_first_account_must_be_an_office_one(store: Store, host: PluginHost) -> None:
    single = ActionContext(store, host, Actor("setup"), TODAY)
    with pytest.raises(Refusal) as caught:
        actions.add_user(single, "cop", "police-pass-1", role="unit", unit="police")
    assert "first account must be an office one" in caught.value.message.en
    assert not store.accounts_on()
    assert actions.login(store, "anyone", "").role is Role.OFFICE, "single-user mode"


def test_a_wrong_password_an_unknown_name_and_a_disabled_account_are_refused_alike(
    town: Store, host: PluginHost
) -> None:
    before = last_seq(town)
    messages = []
    for name, password in (("cop", "wrong-pass"), ("nobody", "x"), ("cop", "")):
        with pytest.raises(Refusal) as caught:
            actions.login(town, name, password)
        messages.append(caught.value.message)
    actions.disable_user(as_user(town, host, "boss"), "cop")
    with pytest.raises(Refusal) as caught:
        actions.login(town, "cop", PASSWORDS["cop"])
    messages.append(caught.value.message)
    assert set(messages) == {LOGIN_REFUSED}
    entries = [e for e in town.audit_entries() if e.seq > before]
    assert [(e.action, e.actor) for e in entries] == [
        ("refused", "cop"),
        ("refused", "nobody"),
        ("refused", "cop"),
        ("user.disable", "boss"),
        ("refused", "cop"),
    ]
    assert all("wrong-pass" not in json.dumps(e.to_doc()) for e in entries)


def test_passwords_change_for_oneself_or_by_the_office_and_the_last_office_stays(
    town: Store, host: PluginHost
) -> None:
    actions.change_password(as_user(town, host, "cop"), "cop", "new-police-pass")
    assert actions.login(town, "cop", "new-police-pass").unit == "police"
    with pytest.raises(Refusal):
        actions.login(town, "cop", PASSWORDS["cop"])
    with pytest.raises(Refusal) as caught:
        actions.disable_user(as_user(town, host, "boss"), "boss")
    assert "last active office account" in caught.value.message.en
    with pytest.raises(Refusal):
        actions.change_password(as_user(town, host, "boss"), "judge", "short")


# the actions layer


def test_a_unit_operator_changes_only_its_own_units_data(town: Store, host: PluginHost) -> None:
    case = add(town, host, "police.case", "V002", kind="security")
    lawsuit = add(town, host, "judicial.lawsuit", "V003", case_no="M-1")
    judge = as_user(town, host, "judge")
    before, seq = data_of(town), last_seq(town)
    values = {"date": "2022-05-01", "village": "V001", "kind": "security"}
    attempts = [
        lambda: actions.add_record(judge, "police.case", values),
        lambda: actions.edit_record(judge, case.id, values, expected_rev=case.rev),
        lambda: actions.delete_record(judge, case.id, reason="x"),
        lambda: actions.file_return(judge, "police", QUARTER),
        lambda: actions.decide(judge, QUARTER, "V001", "G3", True, "x"),
        lambda: actions.set_setting(judge, "town", "别的镇"),
        lambda: actions.add_user(judge, "spy", "spy-pass-1", role="office"),
        lambda: actions.disable_user(judge, "cop"),
        lambda: actions.change_password(judge, "cop", "taken-over-1"),
        lambda: actions.backup_store(judge, town.path.parent / "copy.zip"),
        lambda: actions.finalize(judge, QUARTER, allow_pending=True, reason="x"),
        lambda: actions.reopen(judge, QUARTER, "x"),
        lambda: actions.mark_reported(judge, QUARTER),
        lambda: actions.record_meeting(judge, QUARTER, ["judge"]),
    ]
    for attempt in attempts:
        with pytest.raises(Refusal) as caught:
            attempt()
        assert "judge (judicial, unit) may not" in caught.value.message.en
    assert data_of(town) == before
    assert not (town.path.parent / "copy.zip").exists()
    assert [who for who, _ in refusals(town, seq)] == ["judge"] * len(attempts)
    saved = actions.edit_record(
        judge, lawsuit.id, {"date": "2022-05-02", "village": "V003"}, expected_rev=lawsuit.rev
    )
    assert saved.record.rev == lawsuit.rev + 1
    assert actions.file_return(judge, "judicial", QUARTER).changed


def test_a_viewer_changes_nothing(town: Store, host: PluginHost) -> None:
    case = add(town, host, "police.case", "V002", kind="security")
    watcher = as_user(town, host, "watcher")
    before, seq = data_of(town), last_seq(town)
    values = {"date": "2022-05-01", "village": "V001", "kind": "security"}
    attempts = [
        lambda: actions.add_record(watcher, "police.case", values),
        lambda: actions.delete_record(watcher, case.id, reason="x"),
        lambda: actions.file_return(watcher, "police", QUARTER),
        lambda: actions.decide(watcher, QUARTER, "V001", "G3", True, "x"),
        lambda: actions.set_setting(watcher, "lang", "en"),
        lambda: actions.add_village(watcher, {"code": "V009", "name": "新村", "office": "东片"}),
        lambda: actions.finalize(watcher, QUARTER, allow_pending=True, reason="x"),
        lambda: actions.reopen(watcher, QUARTER, "x"),
    ]
    for attempt in attempts:
        with pytest.raises(Refusal):
            attempt()
    assert data_of(town) == before
    assert len(refusals(town, seq)) == len(attempts)


# the command line


def pingan_as(
    store: Store,
    name: str,
    *args: str,
    password: str | None = None,
    new_password: str | None = "new-pass-12",
) -> subprocess.CompletedProcess[str]:
    """Run `pingan ARGS` in a child process logged in through PINGAN_USER/PINGAN_PASSWORD."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PINGAN_")}
    env.update(
        PINGAN_HOME=str(store.path.parent / "home"),
        PINGAN_DB=str(store.path),
        PINGAN_USER=name,
        PINGAN_PASSWORD=PASSWORDS.get(name, "") if password is None else password,
    )
    if new_password is not None:
        env["PINGAN_NEW_PASSWORD"] = new_password
    return subprocess.run(
        [sys.executable, "-m", "tui.cli.main", "--lang", "en", *args],
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
    )


def test_the_command_line_refuses_and_audits_a_unit_operator_and_a_viewer(
    town: Store, host: PluginHost, tmp_path: Path
) -> None:
    case = add(town, host, "police.case", "V002", kind="security")
    patrols = write_csv(
        tmp_path / "patrols.csv",
        [["date", "village", "participants"], ["2022-05-03", "V001", "3"]],
    )
    before, seq = data_of(town), last_seq(town)
    attempts = [
        ["records", "import", str(patrols), "--type", "police.patrol"],
        ["records", "delete", str(case.id), "--reason", "x"],
        ["returns", "file", "--unit", "police", "--quarter", str(QUARTER)],
        ["decide", "--quarter", str(QUARTER), "--village", "V001", "--criterion", "G3", "--pass"],
        ["settings", "set", "town", "别的镇"],
        ["users", "add", "spy", "--role", "office"],
        ["users", "disable", "cop"],
        ["users", "passwd", "cop"],
        ["backup", "-o", str(tmp_path / "copy.zip")],
    ]
    for name in ("judge", "watcher"):
        for argv in attempts:
            done = pingan_as(town, name, *argv)
            assert done.returncode == 1 and "may not" in done.stderr, (name, argv, done.stderr)
    assert data_of(town) == before
    assert not (tmp_path / "copy.zip").exists()
    assert [who for who, _ in refusals(town, seq)] == ["judge"] * 9 + ["watcher"] * 9
    done = pingan_as(town, "cop", "records", "import", str(patrols), "--type", "police.patrol")
    assert done.returncode == 0, done.stderr


def test_the_command_line_needs_a_login_once_accounts_exist(town: Store) -> None:
    wrong = pingan_as(town, "cop", "grid", password="nope")
    assert wrong.returncode == 1 and LOGIN_REFUSED.en in wrong.stderr
    assert "Traceback" not in wrong.stderr
    nobody = pingan_as(town, "", "grid")
    assert nobody.returncode == 1 and "needs a login" in nobody.stderr
    listed = pingan_as(town, "watcher", "users", "list")
    assert listed.returncode == 0 and "judge" in listed.stdout
    assert "scrypt" not in listed.stdout
    audit = pingan_as(town, "boss", "audit", "--user", "cop", "--format", "json")
    assert [e["target"] for e in json.loads(audit.stdout)] == ["login"]


def test_the_first_account_turns_login_on_from_the_command_line(store: Store) -> None:
    created = pingan_as(
        store,
        "",
        "users",
        "add",
        "boss",
        "--role",
        "office",
        password="first-1x",
        new_password=None,
    )
    assert created.returncode == 0, created.stderr
    assert "from now on this store needs a login" in created.stdout
    refused = pingan_as(store, "boss", "settings", "set", "lang", "en", password="wrong-pw")
    assert refused.returncode == 1
    done = pingan_as(store, "boss", "settings", "set", "lang", "en", password="first-1x")
    assert done.returncode == 0, done.stderr


# the TUI


async def log_in(pilot: Any, name: str, password: str) -> None:
    """Type name and password into the login screen and wait for the answer."""
    app = pilot.app
    assert isinstance(app.screen, LoginScreen)
    app.screen.query_one("#login-name", Input).value = name
    app.screen.query_one("#login-password", Input).focus()
    await pilot.press(*password, "enter")
    await settle(pilot)


@pytest.mark.parametrize("name", ["judge", "watcher"])
async def test_the_tui_logs_in_first_and_refuses_and_audits_another_units_delete(
    town: Store, host: PluginHost, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    case = add(town, host, "police.case", "V002", kind="security")
    before, seq = data_of(town), last_seq(town)
    app = make_app(town, host, lang="en")
    told: list[str] = []
    monkeypatch.setattr(app, "notify", lambda message, **_: told.append(str(message)))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen)
        await log_in(pilot, name, "not-the-password")
        assert isinstance(app.screen, LoginScreen)
        assert LOGIN_REFUSED.en in str(app.screen.query_one("#login-error").render())
        await log_in(pilot, name, PASSWORDS[name])
        await wait_until(pilot, lambda: not isinstance(app.screen, LoginScreen), "logged in")
        assert app.operator is not None and app.operator.name == name
        app.push_screen(RecordsScreen(record_type="police.case"))
        await settle(pilot)
        await pilot.press("x")
        await settle(pilot)
        assert isinstance(app.screen, ReasonScreen)
        await pilot.press(*"wrong", "enter")
        await settle(pilot)
    assert any("may not delete" in line for line in told), told
    assert town.record(case.id) is not None and data_of(town) == before
    assert refusals(town, seq) == [(name, "login"), (name, "delete police.case records")]


def test_login_is_untouched_by_a_store_without_accounts(store: Store, host: PluginHost) -> None:
    app = make_app(store, host)
    assert app.operator == Actor("tester") and app.operator.role is Role.OFFICE
    assert Quarter.of(TODAY) == QUARTER


def test_once_accounts_exist_an_actor_must_be_an_active_account(
    town: Store, host: PluginHost
) -> None:
    cop = as_user(town, host, "cop")
    actions.disable_user(as_user(town, host, "boss"), "cop")
    forged = ActionContext(town, host, Actor("intruder"), TODAY)
    raised = ActionContext(town, host, Actor("cop", "office", Role.OFFICE), TODAY)
    for ctx in (cop, forged, raised):
        with pytest.raises(Refusal) as caught:
            actions.set_setting(ctx, "lang", "en")
        assert "not an active operator account" in caught.value.message.en
    assert town.settings().lang == "zh"


def test_pingan_alone_leaves_the_login_to_the_tui_unless_a_password_is_given(
    town: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tui.cli.commands_setup import tui_actor
    from tui.cli.session import Session

    monkeypatch.setenv("PINGAN_USER", "cop")
    session = Session.from_options(str(town.path), [], None)
    assert tui_actor(session, session.store(log_in=False)) == "cop"
    monkeypatch.setenv("PINGAN_PASSWORD", PASSWORDS["cop"])
    session = Session.from_options(str(town.path), [], None)
    assert tui_actor(session, session.store(log_in=False)) == Actor("cop", "police", Role.UNIT)


def test_every_refused_change_is_audited_once(town: Store, host: PluginHost) -> None:
    boss = as_user(town, host, "boss")
    before, seq = data_of(town), last_seq(town)
    bad_record = {"date": "2022-05-01", "village": "V404", "kind": "security"}
    attempts = [
        lambda: actions.add_record(boss, "police.case", bad_record),
        lambda: actions.set_setting(boss, "lang", "fr"),
        lambda: actions.delete_record(boss, 999_999, reason="x"),
        lambda: actions.decide(boss, Quarter(2030, 1), "V001", "G1", True),
        lambda: actions.add_user(boss, "cop", "dup-pass-1", role="viewer"),
    ]
    for attempt in attempts:
        with pytest.raises(Refusal) as caught:
            attempt()
        assert caught.value.audited
    assert data_of(town) == before
    assert refusals(town, seq) == [
        ("boss", "add record"),
        ("boss", "set setting"),
        ("boss", "delete record"),
        ("boss", "decide on it"),
        ("boss", "add user"),
    ]
