"""Keeping a plugin out: its API version, the town's list (disable/enable), and why each is off."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from wcwidth import wcswidth

from plugins import API_VERSION
from plugins.actions import (
    ActionContext,
    Actor,
    Refusal,
    Role,
    add_user,
    disable_plugin,
    enable_plugin,
)
from plugins.manager import OffBy, PluginHost, Status
from store import Store
from tests.cli_support import call_pingan, run_pingan

UNIT = """
from plugins import Text, UnitSpec, hookimpl
{declaration}

@hookimpl
def register_units(register):
    register(UnitSpec("{name}", Text("单位", "Unit"), criteria=("N1",)))
"""


def plugin_folder(tmp_path: Path, declarations: dict[str, str]) -> Path:
    folder = tmp_path / "plugins"
    folder.mkdir()
    for name, declaration in declarations.items():
        source = UNIT.format(name=name, declaration=declaration)
        (folder / f"{name}.py").write_text(source, encoding="utf-8")
    return folder


# the API version


def test_a_plugin_for_another_api_version_is_refused_naming_both(tmp_path: Path) -> None:
    folder = plugin_folder(
        tmp_path,
        {
            "current": f"PINGAN_API = {API_VERSION}",
            "future": f"PINGAN_API = {API_VERSION + 1}",
            "undeclared": "",
            "wordy": 'PINGAN_API = "one"',
        },
    )
    host = PluginHost.load(plugin_dirs=[folder], entry_points=False)
    infos = {i.name: i for i in host.infos}
    assert (infos["current"].status, infos["current"].api) == (Status.LOADED, API_VERSION)
    assert (infos["undeclared"].status, infos["undeclared"].api) == (Status.LOADED, None)
    future = infos["future"]
    assert (future.status, future.off_by) == (Status.FAILED, OffBy.API)
    assert future.reason == (
        f"plugin future was written for plugin API {API_VERSION + 1}; "
        f"this pingan supports API {API_VERSION} (PINGAN_API = {API_VERSION + 1})"
    )
    assert (
        f"第 {API_VERSION + 1} 版" in future.reason_zh
        and f"第 {API_VERSION} 版" in future.reason_zh
    )
    assert "future" not in host.registry.units and not host.pm.has_plugin("future")
    wordy = infos["wordy"]
    assert (wordy.status, wordy.off_by) == (Status.FAILED, OffBy.ERROR)
    assert "PINGAN_API must be a whole number" in wordy.reason


# the town's own list


@pytest.fixture
def ctx(store: Store, host: PluginHost) -> ActionContext:
    return ActionContext(store, host)


def test_a_town_turns_a_built_in_unit_off_and_on(ctx: ActionContext, store: Store) -> None:
    done = disable_plugin(ctx, "police")
    assert (done.name, done.disabled, done.town_off) == ("police", True, ("police",))
    assert store.settings().disabled_plugins == ("police",)
    host = PluginHost.load(entry_points=False, town_off=store.settings().disabled_plugins)
    police = next(i for i in host.infos if i.name == "police")
    assert (police.status, police.off_by) == (Status.DISABLED, OffBy.TOWN)
    assert "pingan plugins enable police" in police.reason
    assert "police" not in host.registry.units and "judicial" in host.registry.units
    [entry] = [e for e in store.audit_entries() if e.action == "settings.set"]
    assert (entry.target, entry.before, entry.after) == ("disabled_plugins", [], ["police"])

    done = enable_plugin(ctx, "police")
    assert (done.disabled, done.town_off) == (False, ())
    assert store.settings().disabled_plugins == ()


@pytest.mark.parametrize(
    ("action", "name", "message"),
    [
        (disable_plugin, "office", "office is a core plugin"),
        (disable_plugin, "formats", "formats is a core plugin"),
        (disable_plugin, "nosuch", "no plugin named 'nosuch'; installed: civil, emergency"),
        (enable_plugin, "police", "police is not turned off for this town (turned off: none)"),
    ],
)
def test_a_bad_switch_is_refused_and_nothing_is_stored(
    ctx: ActionContext, store: Store, action: object, name: str, message: str
) -> None:
    with pytest.raises(Refusal) as refused:
        action(ctx, name)  # type: ignore[operator]
    assert message in refused.value.message.en
    assert store.settings().disabled_plugins == ()
    assert [e.action for e in store.audit_entries()][-1:] == ["refused"]


def test_disabling_twice_is_refused(ctx: ActionContext, store: Store) -> None:
    disable_plugin(ctx, "civil")
    with pytest.raises(Refusal, match="already turned off"):
        disable_plugin(ctx, "civil")
    assert store.settings().disabled_plugins == ("civil",)


def test_only_the_office_may_switch_plugins(store: Store, host: PluginHost) -> None:
    office = ActionContext(store, host, Actor("主任"))
    add_user(office, "主任", "secret-1", role="office")
    add_user(office, "小王", "secret-2", role="unit", unit="police")
    police = ActionContext(store, host, Actor("小王", "police", Role.UNIT))
    with pytest.raises(Refusal, match="may not turn plugins off or on"):
        disable_plugin(police, "police")
    assert store.settings().disabled_plugins == ()


def test_the_core_plugins_stay_on_whatever_the_town_says() -> None:
    host = PluginHost.load(entry_points=False, town_off={"office", "formats", "civil"})
    statuses = {i.name: i.status for i in host.infos}
    assert statuses["office"] is statuses["formats"] is Status.LOADED
    assert statuses["civil"] is Status.DISABLED


# on the command line


def test_the_command_line_switches_and_shows_why_each_plugin_is_off(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "town.json"
    Store(db).init("桑村镇")
    folder = plugin_folder(tmp_path, {"future": "PINGAN_API = 99"})
    (folder / "broken.py").write_text("raise ImportError('缺少依赖')\n", encoding="utf-8")
    monkeypatch.setenv("PINGAN_DISABLE_PLUGINS", "emergency")
    base = ["--db", str(db), "--plugins-dir", str(folder), "--lang", "en"]

    code, out, err = call_pingan([*base, "plugins", "disable", "judicial"], capsys)
    assert code == 0 and "Turned plugin judicial off" in out
    assert "plugin broken did not load (ImportError: 缺少依赖)" in err
    code, out, _ = call_pingan([*base, "plugins", "--json"], capsys)
    docs = {d["name"]: d for d in json.loads(out)}
    assert {n: (docs[n]["status"], docs[n]["off_by"]) for n in docs if n != "police"} == {
        "office": ("loaded", ""),
        "judicial": ("disabled", "town"),
        "emergency": ("disabled", "env"),
        "civil": ("loaded", ""),
        "formats": ("loaded", ""),
        "future": ("failed", "api"),
        "broken": ("failed", "error"),
        **{
            d["name"]: (d["status"], d["off_by"])
            for d in docs.values()
            if d["source"] == "entry point"
        },
    }
    code, out, _ = call_pingan([*base, "plugins", "--wide"], capsys)
    lines = {line.split()[0]: line for line in out.splitlines()[2:]}
    assert "town setting" in lines["judicial"] and "pingan plugins enable judicial" in out
    assert "environment" in lines["emergency"] and "PINGAN_DISABLE_PLUGINS" in lines["emergency"]
    assert "API version" in lines["future"] and "written for plugin API 99" in lines["future"]
    assert "load error" in lines["broken"] and "ImportError" in lines["broken"]
    code, out, _ = call_pingan(["--db", str(db), "--lang", "zh", "plugins"], capsys)
    assert "本镇设置" in out and "本镇已停用" in out

    code, out, _ = call_pingan(
        [*base, "returns", "file", "--unit", "judicial", "--quarter", "2022Q3"], capsys
    )
    assert code == 1
    code, _, err = call_pingan([*base, "plugins", "disable", "office"], capsys)
    assert code == 1 and "core plugin" in err
    code, out, _ = call_pingan([*base, "plugins", "enable", "judicial"], capsys)
    assert code == 0 and Store(db).settings().disabled_plugins == ()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_plugin_list_fits_80_columns_and_keeps_every_reason_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], lang: str
) -> None:
    db = tmp_path / "town.json"
    Store(db).init("桑村镇")
    folder = plugin_folder(tmp_path, {"future": "PINGAN_API = 99"})
    (folder / "broken.py").write_text(
        "raise ImportError('缺少依赖 a_long_dependency_name，请先安装它再启动')\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("PINGAN_DISABLE_PLUGINS", "emergency")
    base = ["--db", str(db), "--plugins-dir", str(folder), "--lang", lang]
    assert call_pingan([*base, "plugins", "disable", "judicial"], capsys)[0] == 0
    code, out, _ = call_pingan([*base, "plugins"], capsys)
    assert code == 0
    widths = {line: wcswidth(line) for line in out.splitlines()}
    assert max(widths.values()) <= 80, [line for line, w in widths.items() if w > 80]
    code, wide, _ = call_pingan([*base, "plugins", "--wide"], capsys)
    assert max(wcswidth(line) for line in wide.splitlines()) > 80, "the wide table is the test"
    flat = "".join(out.split())
    reasons = json.loads(call_pingan([*base, "plugins", "--json"], capsys)[1])
    for doc in reasons:
        why = doc["reason_zh"] if lang == "zh" and doc.get("reason_zh") else doc["reason"]
        assert "".join(why.split()) in flat, f"{doc['name']}: {why}"
    assert "a_long_dependency_name" in out, "an ASCII word is never split"
    assert "pingan plugins --wide" in out and "sha256" not in out.splitlines()[0]


def test_a_disabled_plugin_stays_off_in_a_new_process(tmp_path: Path) -> None:
    db, home = tmp_path / "town.json", tmp_path / "home"
    Store(db).init("桑村镇")
    assert run_pingan(["plugins", "disable", "civil"], home=home, db=db).returncode == 0
    done = run_pingan(["--lang", "en", "plugins", "--json"], home=home, db=db)
    civil = next(d for d in json.loads(done.stdout) if d["name"] == "civil")
    assert (civil["status"], civil["off_by"]) == ("disabled", "town")
