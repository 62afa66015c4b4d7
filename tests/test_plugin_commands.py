"""Commands from plugins: `pingan <unit> …` added in register_commands, run like the built-ins."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from plugins.manager import PluginHost
from store import Quarter, Store, Village
from tests.cli_support import call_pingan, run_pingan

Q1 = Quarter(2024, 1)

WARD = """
import click

from plugins import Field, Kind, RecordType, Text, UnitSpec, hookimpl
from plugins.actions import add_record
from plugins.commands import pass_session

PINGAN_API = 1


@hookimpl
def register_units(register):
    register(UnitSpec("ward", Text("巡防队", "Ward patrol"), criteria=("N1",)))


@hookimpl
def register_record_types(register):
    summary = Field("summary", Kind.TEXT, Text("摘要", "Summary"))
    register(RecordType("ward.incident", "ward", Text("事件", "Incident"), (summary,)))


@hookimpl
def register_commands(cli):
    @cli.group("ward", help="巡防队 / ward patrol")
    def ward():
        pass

    @ward.command("incident")
    @click.option("--village", required=True)
    @click.option("--date", "day", required=True)
    @pass_session
    def incident(session, village, day):
        saved = add_record(session.context(), "ward.incident", {"date": day, "village": village})
        session.say(f"已登记 #{saved.record.id}", f"recorded #{saved.record.id}")

    @ward.command("crash")
    def crash():
        raise ZeroDivisionError("ward divided by zero")

    @ward.command("leave")
    def leave():
        raise SystemExit(3)
"""

RAISES = """
from plugins import Text, UnitSpec, hookimpl


@hookimpl
def register_units(register):
    register(UnitSpec("noisy", Text("吵闹", "Noisy"), criteria=("N2",)))


@hookimpl
def register_commands(cli):
    @cli.command("noisy")
    def noisy():
        pass

    raise RuntimeError("commands table missing")
"""

CLASHES = """
from plugins import hookimpl


@hookimpl
def register_commands(cli):
    @cli.command("grid")
    def grid():
        print("not the real grid")

    @cli.command("zclash-extra")
    def extra():
        pass
"""

SECOND_WARD = """
from plugins import hookimpl


@hookimpl
def register_commands(cli):
    @cli.command("ward")
    def ward():
        pass
"""


def write(folder: Path, plugins: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, source in plugins.items():
        (folder / f"{name}.py").write_text(textwrap.dedent(source), encoding="utf-8")
    return folder


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """The ward plugin with working commands, one whose hook raises, and two that clash."""
    return write(
        tmp_path / "plugins",
        {"ward": WARD, "noisy": RAISES, "clashes": CLASHES, "zz_second": SECOND_WARD},
    )


@pytest.fixture
def db(tmp_path: Path) -> Path:
    store = Store(tmp_path / "town.json")
    store.init("测试镇")
    with store.transaction() as tx:
        tx.add_village(Village("V01", "东庄", "东办"))
    return store.path


def pingan(
    capsys: pytest.CaptureFixture[str], folder: Path, db: Path, *args: str
) -> tuple[int, str, str]:
    return call_pingan(
        ["--db", str(db), "--plugins-dir", str(folder), "--lang", "en", *args], capsys
    )


def test_a_plugin_command_stores_through_the_actions_layer(
    capsys: pytest.CaptureFixture[str], folder: Path, db: Path
) -> None:
    code, out, err = pingan(capsys, folder, db, "ward", "incident", "--village", "V01",
                            "--date", "2024-02-01")  # fmt: skip
    assert code == 0, err
    [record] = Store(db).records(Q1, "ward.incident")
    assert out == f"recorded #{record.id}\n"
    added = [e for e in Store(db).audit_entries() if e.target == f"record:{record.id}"]
    assert [e.action for e in added] == ["record.add"]


def test_a_refusal_in_a_plugin_command_exits_1_and_stores_nothing(
    capsys: pytest.CaptureFixture[str], folder: Path, db: Path
) -> None:
    code, out, err = pingan(capsys, folder, db, "ward", "incident", "--village", "V99",
                            "--date", "2024-02-01")  # fmt: skip
    assert (code, out) == (1, "") and "V99" in err
    assert Store(db).records(Q1, "ward.incident") == []


def test_a_plugin_command_that_raises_is_reported_naming_its_plugin(
    capsys: pytest.CaptureFixture[str], folder: Path, db: Path
) -> None:
    code, _, err = pingan(capsys, folder, db, "ward", "crash")
    assert code == 1
    assert "the command of plugin ward failed: ZeroDivisionError: ward divided by zero" in err
    assert pingan(capsys, folder, db, "ward", "leave")[0] == 3


def test_a_plugin_whose_hook_raises_or_clashes_loses_only_its_commands(
    capsys: pytest.CaptureFixture[str], folder: Path, db: Path
) -> None:
    code, out, err = pingan(capsys, folder, db, "noisy")
    assert code == 2 and "no such command 'noisy'" in err
    assert "plugin noisy: its commands were left out: register_commands failed " in err
    assert "RuntimeError: commands table missing" in err
    assert "the command 'grid' belongs to pingan" in err
    assert "plugin zz_second: its commands were left out: the command 'ward' belongs to ward" in err

    code, out, err = pingan(capsys, folder, db, "grid", "--quarter", "2024Q1", "--format", "csv")
    assert code == 0 and "not the real grid" not in out and out.startswith("code,name")
    code, _, _ = pingan(capsys, folder, db, "zclash-extra")
    assert code == 2
    host = PluginHost.load(plugin_dirs=[folder], entry_points=False)
    assert {i.name: i.status for i in host.infos if i.name in ("noisy", "clashes")} == {
        "noisy": "loaded",
        "clashes": "loaded",
    }
    assert "noisy" in host.registry.units


def test_pingan_plugins_shows_commands_and_why_some_were_left_out(
    capsys: pytest.CaptureFixture[str], folder: Path, db: Path
) -> None:
    code, out, _ = pingan(capsys, folder, db, "plugins", "--json")
    assert code == 0
    docs = {d["name"]: d for d in json.loads(out)}
    assert (docs["ward"]["commands"], docs["ward"]["commands_problem"]) == (["ward"], "")
    assert docs["noisy"]["commands"] == []
    assert "register_commands failed" in docs["noisy"]["commands_problem"]
    assert "'grid' belongs to pingan" in docs["clashes"]["commands_problem"]
    code, out, _ = pingan(capsys, folder, db, "plugins")
    ward = next(line for line in out.splitlines() if line.startswith("ward "))
    assert "loaded" in ward and " ward " in ward


def test_help_lists_plugin_commands_and_a_plain_command_never_asks_for_them(
    capsys: pytest.CaptureFixture[str], folder: Path, db: Path
) -> None:
    code, out, _ = pingan(capsys, folder, db, "--help")
    assert code == 0 and "ward patrol" in out
    code, out, _ = pingan(capsys, folder, db, "ward", "--help")
    assert code == 0 and "incident" in out and "crash" in out
    code, _, err = pingan(capsys, folder, db, "villages", "list")
    assert code == 0 and "left out" not in err


def test_plugin_commands_work_in_a_child_process_too(
    tmp_path: Path, folder: Path, db: Path
) -> None:
    done = run_pingan(
        [
            "--plugins-dir",
            str(folder),
            "--lang",
            "en",
            "ward",
            "incident",
            "--village",
            "V01",
            "--date",
            "2024-03-01",
        ],
        home=tmp_path / "home",
        db=db,
    )
    assert done.returncode == 0, done.stderr
    assert len(Store(db).records(Q1, "ward.incident")) == 1
