"""The plugin host keeps each plugin apart: one that breaks is listed as failed, the rest work."""

from __future__ import annotations

import dataclasses
import inspect
import re
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import click
import pytest

from plugins import Plugin, hookspecs
from plugins.api import Contributions, State
from plugins.engine import Engine
from plugins.importing import ImportRefused, read_table
from plugins.manager import BUILTIN_PLUGINS, OffBy, PluginHost, PluginInfo, Source, Status
from plugins.views import resolve_view
from store import Decision, NewRecord, Quarter, Store, Village, now_text

ROOT = Path(__file__).resolve().parent.parent
Q3 = Quarter(2022, 3)

WARD = '''
"""A small outside unit: the ward patrol keeps incidents and fails N1 on any."""
from plugins import Check, Field, Finding, Importer, Kind, RecordType, Text, UnitSpec
from plugins import ReportBody, ReportSection, ViewSpec, hookimpl


@hookimpl
def register_units(register):
    register(UnitSpec("ward", Text("巡防队", "Ward patrol"), criteria=("N1",)))


@hookimpl
def register_record_types(register):
    summary = Field("summary", Kind.TEXT, Text("摘要", "Summary"))
    register(RecordType("ward.incident", "ward", Text("事件", "Incident"), (summary,)))


def no_incidents(ctx):
    found = ctx.records("ward.incident")
    if found:
        return Finding.failed("本季度有事件", "incidents this quarter", found)
    return Finding.passed("本季度无事件", "no incidents this quarter")


@hookimpl
def register_checks(register):
    register(Check("N1", "ward", "ward.no_incidents", no_incidents))


@hookimpl
def register_views(register):
    register(ViewSpec("ward", "log", Text("事件簿", "Log"), "ward_lazy_view:IncidentLog"))


def read_rows(path):
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        yield number, line.split("\\t")


@hookimpl
def register_importers(register):
    register(Importer("ward.tsv", Text("制表符分隔", "Tab-separated"), (".tsv",), read_rows))


def incident_count(ctx):
    total = len(ctx.records("ward.incident"))
    return ReportBody((Text(f"事件 {total} 起", f"{total} incidents"),))


@hookimpl
def register_report_sections(register):
    register(ReportSection("ward", "ward.incidents", Text("巡防", "Patrol"), incident_count))
'''

CRASHY = '''
"""A unit whose checks break at run time: one raises, one returns nonsense."""
from plugins import Check, Text, UnitSpec, hookimpl


@hookimpl
def register_units(register):
    register(UnitSpec("crashy", Text("故障所", "Crashy"), criteria=("N2", "N3")))


def divide(ctx):
    return 1 // 0


def nonsense(ctx):
    return "PASS"


@hookimpl
def register_checks(register):
    register(Check("N2", "crashy", "crashy.divide", divide))
    register(Check("N3", "crashy", "crashy.nonsense", nonsense))
'''

BROKEN: dict[str, tuple[str, str]] = {
    "import_error": ('raise ImportError("需要的库没有安装")\n', "ImportError: 需要的库没有安装"),
    "syntax_error": ("def broken(:\n    pass\n", "SyntaxError"),
    "exits": ("raise SystemExit(3)\n", "SystemExit: 3"),
    "raises_in_hook": (
        """
        from plugins import Text, UnitSpec, hookimpl

        @hookimpl
        def register_units(register):
            register(UnitSpec("halfway", Text("半途", "Halfway"), criteria=("N4",)))

        @hookimpl
        def register_record_types(register):
            raise RuntimeError("记录类型表读不到")
        """,
        "RuntimeError: 记录类型表读不到",
    ),
    "duplicate_type": (
        """
        from plugins import RecordType, Text, UnitSpec, hookimpl

        @hookimpl
        def register_units(register):
            register(UnitSpec("copycat", Text("仿冒", "Copycat"), criteria=("N1",)))

        @hookimpl
        def register_record_types(register):
            register(RecordType("ward.incident", "copycat", Text("事件", "Incident")))
        """,
        "record type 'ward.incident' is already registered",
    ),
    "unknown_criterion": (
        """
        from plugins import Text, UnitSpec, hookimpl

        @hookimpl
        def register_units(register):
            register(UnitSpec("tenth", Text("第十", "Tenth"), criteria=("N1", "N10")))
        """,
        "unknown criterion 'N10'",
    ),
    "check_on_unknown_criterion": (
        """
        from plugins import Check, Finding, Text, UnitSpec, hookimpl

        @hookimpl
        def register_units(register):
            register(UnitSpec("stray", Text("迷途", "Stray"), criteria=("N1",)))

        @hookimpl
        def register_checks(register):
            register(Check("X9", "stray", "stray.x9", lambda ctx: Finding.passed("", "")))
        """,
        "check 'stray.x9': unknown criterion 'X9'",
    ),
    "misspelt": (
        """
        from plugins import Text, UnitSpec, hookimpl

        @hookimpl
        def register_unit(register):
            register(UnitSpec("typo", Text("笔误", "Typo")))
        """,
        "unknown hook 'register_unit'",
    ),
    "plain_name": (
        """
        from plugins import UnitSpec, hookimpl

        @hookimpl
        def register_units(register):
            register(UnitSpec("plain", "巡防队", criteria=("N1",)))
        """,
        "register_units[0].name is str, not Text",
    ),
    "plain_choice": (
        """
        from plugins import Choice, Field, Kind, RecordType, Text, UnitSpec, hookimpl

        @hookimpl
        def register_units(register):
            register(UnitSpec("choosy", Text("挑剔", "Choosy"), criteria=("N1",)))

        @hookimpl
        def register_record_types(register):
            kind = Field("kind", Kind.ENUM, Text("类别", "Kind"), choices=(Choice("a", "甲"),))
            register(RecordType("choosy.item", "choosy", Text("条目", "Item"), (kind,)))
        """,
        "register_record_types[0].fields[0].choices[0].label is str, not Text",
    ),
    "not_a_check": (
        """
        from plugins import Text, UnitSpec, hookimpl

        @hookimpl
        def register_units(register):
            register(UnitSpec("loose", Text("松散", "Loose"), criteria=("N1",)))

        @hookimpl
        def register_checks(register):
            register({"criterion": "N1", "unit": "loose"})
        """,
        "register_checks got dict, not Check",
    ),
    "twice": (
        """
        from plugins import Text, UnitSpec, hookimpl

        @hookimpl
        def register_units(register):
            register(UnitSpec("twice", Text("重复", "Twice"), criteria=("N1",)))
            register(UnitSpec("twice", Text("重复", "Twice"), criteria=("N2",)))
        """,
        "unit 'twice' is already provided by twice",
    ),
    "ward": ("raise AssertionError('never imported: the name is taken')\n", "already loaded"),
}


def write_plugins(folder: Path, plugins: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, source in plugins.items():
        (folder / f"{name}.py").write_text(textwrap.dedent(source), encoding="utf-8")
    return folder


@pytest.fixture
def good_dir(tmp_path: Path) -> Path:
    """A plugin folder with the ward unit, the crashy unit and a helper file that is skipped."""
    return write_plugins(
        tmp_path / "good",
        {"ward": WARD, "crashy": CRASHY, "_helper": "raise AssertionError('helpers are skipped')"},
    )


@pytest.fixture
def bad_dir(tmp_path: Path) -> Path:
    return write_plugins(tmp_path / "bad", {name: src for name, (src, _) in BROKEN.items()})


def by_name(host: PluginHost) -> dict[str, PluginInfo]:
    """The host's plugins by name; the last wins when two share one."""
    return {info.name: info for info in host.infos}


def builtin_statuses(host: PluginHost) -> dict[str, Status]:
    return {i.name: i.status for i in host.infos if i.source is Source.BUILTIN}


# loading


def test_every_broken_plugin_fails_alone(good_dir: Path, bad_dir: Path) -> None:
    host = PluginHost.load(plugin_dirs=[good_dir, bad_dir], entry_points=False)
    bad = [i for i in host.infos if Path(i.location).parent == bad_dir]
    assert sorted(i.name for i in bad) == sorted(BROKEN)
    for info in bad:
        expected = BROKEN[info.name][1]
        assert info.status is Status.FAILED, info
        assert expected in info.reason, f"{info.name}: {info.reason!r}"
        assert info.source is Source.FOLDER
        if info.name != "ward":
            assert not host.pm.has_plugin(info.name)
    for unit in (
        "halfway",
        "copycat",
        "tenth",
        "stray",
        "typo",
        "plain",
        "choosy",
        "loose",
        "twice",
    ):
        assert unit not in host.registry.units
    good = [i for i in host.infos if Path(i.location).parent == good_dir]
    assert {i.name: (i.status, i.units) for i in good} == {
        "ward": (Status.LOADED, ["ward"]),
        "crashy": (Status.LOADED, ["crashy"]),
    }
    assert host.registry.record_types["ward.incident"].unit == "ward"
    assert host.registry.plugin_of_check["ward.no_incidents"] == "ward"
    assert builtin_statuses(host) == builtin_statuses(PluginHost.load(entry_points=False))


def test_every_builtin_loads() -> None:
    host = PluginHost.load(entry_points=False)
    assert [i.name for i in host.infos] == [m.rsplit(".", 1)[-1] for m in BUILTIN_PLUGINS]
    assert [(i.name, i.reason) for i in host.infos if i.status is not Status.LOADED] == []


def fake_distribution(site: Path, entry_points: str) -> None:
    """An installed distribution as importlib.metadata sees one: a dist-info folder on sys.path."""
    dist = site / "pingan_fake_units-1.0.dist-info"
    dist.mkdir(parents=True)
    (dist / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: pingan-fake-units\nVersion: 1.0\n", encoding="utf-8"
    )
    (dist / "entry_points.txt").write_text(entry_points, encoding="utf-8")


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A folder on sys.path (import and metadata caches invalidated) for fake packages."""
    folder = tmp_path / "site"
    folder.mkdir()
    monkeypatch.syspath_prepend(str(folder))
    yield folder
    for name in ("fake_good_unit", "fake_broken_unit", "ward_lazy_view"):
        sys.modules.pop(name, None)


def test_entry_points_are_loaded_one_by_one(site: Path) -> None:
    fake_distribution(
        site,
        "[pingan]\nfake_broken = fake_broken_unit:plugin\nfake_good = fake_good_unit\n",
    )
    (site / "fake_good_unit.py").write_text(WARD, encoding="utf-8")
    (site / "fake_broken_unit.py").write_text("raise RuntimeError('依赖缺失')\n", encoding="utf-8")
    host = PluginHost.load(builtins=False)
    infos = by_name(host)
    assert infos["fake_broken"].status is Status.FAILED
    assert infos["fake_broken"].reason == "RuntimeError: 依赖缺失"
    assert (infos["fake_good"].status, infos["fake_good"].source) == (
        Status.LOADED,
        Source.ENTRY_POINT,
    )
    assert infos["fake_good"].location == "fake_good_unit"
    assert "ward" in host.registry.units


def test_a_distribution_with_unreadable_entry_points_fails_alone(
    site: Path, good_dir: Path
) -> None:
    fake_distribution(site, "[pingan]\nthis line names no object\n")
    host = PluginHost.load(builtins=False, plugin_dirs=[good_dir])
    [failed] = host.failed()
    assert failed.name == "pingan-fake-units"
    assert "entry_points.txt" in failed.reason
    assert by_name(host)["ward"].status is Status.LOADED


# plugins declared as values (plugins.Plugin)

DECLARED_WARD = """
import click
from plugins import Check, Finding, Plugin, Text, UnitSpec, hookimpl

PINGAN_API = 1


def quiet(ctx):
    return Finding.passed("无事", "quiet")


plugin = Plugin(
    units=(UnitSpec("ward", Text("巡防队", "Ward patrol"), criteria=("N1",)),),
    checks=[Check("N1", "ward", "ward.quiet", quiet)],
)


@hookimpl
def register_commands(cli):
    @cli.command("ward")
    def ward():
        click.echo("ward")
"""
"""A module declaring `plugin = Plugin(...)`, with a hook function the Plugin does not cover."""

WARD_SUBCLASS = """
import click
from plugins import Plugin, Text, UnitSpec, hookimpl

PINGAN_API = {api}


class Ward(Plugin):
    @hookimpl
    def register_commands(self, cli):
        @cli.command("ward")
        def ward():
            click.echo("ward")


plugin = Ward(units=(UnitSpec("ward", Text("巡防队", "Ward patrol"), criteria=("N1",)),))
"""
"""A Plugin subclass adding register_commands as a method, for an entry point to name."""


def test_a_module_declaring_a_plugin_registers_it_with_its_own_hook_functions(
    tmp_path: Path,
) -> None:
    folder = write_plugins(tmp_path / "declared", {"ward": DECLARED_WARD})
    host = PluginHost.load(builtins=False, entry_points=False, plugin_dirs=[folder])
    info = by_name(host)["ward"]
    assert (info.status, info.units, info.api) == (Status.LOADED, ["ward"], 1)
    assert info.path == str(folder / "ward.py") and host.registry.plugin_of_check == {
        "ward.quiet": "ward"
    }
    assert list(host.add_commands(click.Group, reserved=())) == ["ward"]


def test_an_entry_point_may_name_a_plugin_object(site: Path) -> None:
    fake_distribution(
        site, "[pingan]\nward = fake_good_unit:plugin\nfuture = fake_broken_unit:plugin\n"
    )
    (site / "fake_good_unit.py").write_text(WARD_SUBCLASS.format(api=1), encoding="utf-8")
    (site / "fake_broken_unit.py").write_text(WARD_SUBCLASS.format(api=99), encoding="utf-8")
    host = PluginHost.load(builtins=False, allow=("ward", "future"))
    ward, future = by_name(host)["ward"], by_name(host)["future"]
    assert (ward.status, ward.location, ward.units, ward.api) == (
        Status.LOADED,
        "fake_good_unit:plugin",
        ["ward"],
        1,
    )
    assert ward.path == str(site / "fake_good_unit.py") and len(ward.sha256) == 64
    assert list(host.add_commands(click.Group, reserved=())) == ["ward"]
    assert (future.status, future.off_by, future.api) == (Status.FAILED, OffBy.API, 99)


def test_plugin_has_a_field_for_every_register_hook_but_commands() -> None:
    fields = [f.name for f in dataclasses.fields(Plugin)]
    assert fields == [f.name for f in dataclasses.fields(Contributions)]
    assert {f"register_{name}" for name in fields} == set(HOOKS) - {"register_commands"}


MISDECLARED = {
    "twice": (
        "from plugins import Plugin, hookimpl\n"
        "plugin = Plugin()\n"
        "@hookimpl\n"
        "def register_checks(register):\n"
        "    pass\n",
        "TypeError: register_checks defined beside `plugin = Plugin(...)`",
    ),
    "lone_item": (
        "from plugins import Plugin, Text, UnitSpec\n"
        "plugin = Plugin(units=UnitSpec('lone', Text('单', 'Lone')))\n",
        "TypeError: Plugin(units=...) takes a tuple, such as (UnitSpec(...),), not UnitSpec",
    ),
    "wrong_class": (
        "from plugins import Plugin\nplugin = Plugin(units=('wrong_class',))\n",
        "register_units got str, not UnitSpec",
    ),
}


def test_a_misdeclared_plugin_fails_alone_saying_why(tmp_path: Path) -> None:
    folder = write_plugins(
        tmp_path / "misdeclared", {n: src for n, (src, _) in MISDECLARED.items()}
    )
    host = PluginHost.load(entry_points=False, plugin_dirs=[folder])
    infos = by_name(host)
    for name, (_, reason) in MISDECLARED.items():
        assert (infos[name].status, infos[name].off_by) == (Status.FAILED, OffBy.ERROR)
        assert infos[name].reason.startswith(reason), infos[name].reason
    assert set(builtin_statuses(host).values()) == {Status.LOADED}


# turning plugins off


def test_disable_env_turns_off_named_plugins_builtins_too(
    good_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PINGAN_DISABLE_PLUGINS", "police, ward")
    host = PluginHost.load(plugin_dirs=[good_dir], entry_points=False)
    infos = by_name(host)
    for name in ("police", "ward"):
        assert infos[name].status is Status.DISABLED
        assert "PINGAN_DISABLE_PLUGINS" in infos[name].reason
        assert not host.pm.has_plugin(name)
    assert "police" not in host.registry.units
    assert "ward" not in host.registry.units
    assert infos["crashy"].status is Status.LOADED


def test_load_env_allow_lists_outside_plugins_only(
    good_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PINGAN_LOAD_PLUGINS", "ward")
    host = PluginHost.load(plugin_dirs=[good_dir], entry_points=False)
    infos = by_name(host)
    assert infos["ward"].status is Status.LOADED
    assert infos["crashy"].status is Status.DISABLED
    assert "PINGAN_LOAD_PLUGINS" in infos["crashy"].reason
    assert Status.DISABLED not in builtin_statuses(host).values()


# checks at run time


@pytest.fixture
def town(store: Store) -> Store:
    """Two villages; an incident in V001; the ward and crashy units filed their returns."""
    with store.transaction() as tx:
        for code in ("V001", "V002"):
            tx.add_village(Village(code, f"{code}村", "东片"))
        tx.add_records([NewRecord("ward.incident", "V001", date(2022, 8, 1), {}, "ward")])
        tx.file_return("ward", Q3)
        tx.file_return("crashy", Q3)
    return store


def test_a_check_that_breaks_gives_error_cells_naming_its_plugin(
    town: Store, good_dir: Path
) -> None:
    host = PluginHost.load(builtins=False, entry_points=False, plugin_dirs=[good_dir])
    with town.transaction() as tx:
        tx.decide(Decision(Q3, "V002", "N2", True, "会议认定", "主任", now_text()))
    grid = Engine(town, host).grid(Q3)
    [incident] = town.records(Q3)
    assert grid.cell("V001", "N1").state is State.FAIL
    assert grid.cell("V001", "N1").evidence == (incident.id,)
    assert grid.cell("V002", "N1").state is State.PASS
    for village, criterion in (("V001", "N2"), ("V001", "N3"), ("V002", "N3")):
        cell = grid.cell(village, criterion)
        assert cell.state is State.ERROR
        [finding] = cell.findings
        assert finding.plugin == "crashy"
        assert "crashy" in finding.message.zh and "crashy" in finding.message.en
    assert "ZeroDivisionError" in grid.cell("V001", "N2").findings[0].message.en
    assert "TypeError" in grid.cell("V001", "N3").findings[0].message.en
    decided = grid.cell("V002", "N2")
    assert (decided.state, decided.data_state) == (State.PASS, State.ERROR)
    assert sorted((e.check, e.plugin) for e in grid.errors) == [
        ("crashy.divide", "crashy"),
        ("crashy.divide", "crashy"),
        ("crashy.nonsense", "crashy"),
        ("crashy.nonsense", "crashy"),
    ]
    assert {grid.cell("V001", c).state for c in ("G1", "G3", "N9")} == {State.PENDING}
    assert Engine(town, host).cell(Q3, "V002", "N3").state is State.ERROR
    assert grid.compliant == 0


EXITING = '''
"""A unit whose check and file reader call sys.exit(0)."""
import sys

from plugins import Check, Importer, Text, UnitSpec, hookimpl


@hookimpl
def register_units(register):
    register(UnitSpec("exiting", Text("退出所", "Exiting"), criteria=("N2",)))


def leave(_):
    sys.exit(0)


@hookimpl
def register_checks(register):
    register(Check("N2", "exiting", "exiting.leave", leave))


@hookimpl
def register_importers(register):
    register(Importer("exiting", Text("退出", "Exiting"), (".tsv",), leave))
'''


def test_a_plugin_calling_sys_exit_gives_an_error_not_an_exit(town: Store, tmp_path: Path) -> None:
    folder = write_plugins(tmp_path / "exiting", {"exiting": EXITING})
    host = PluginHost.load(builtins=False, entry_points=False, plugin_dirs=[folder])
    cell = Engine(town, host).grid(Q3).cell("V001", "N2")
    assert cell.state is State.ERROR
    assert "SystemExit: 0" in cell.findings[0].message.en
    data = tmp_path / "rows.tsv"
    data.write_text("date\tvillage\n", encoding="utf-8")
    with pytest.raises(ImportRefused) as refused:
        read_table(host.registry, data)
    assert refused.value.lines() == [f"{data}: the exiting reader failed: SystemExit: 0"]


# views and importers


def test_a_view_is_imported_only_when_resolved(site: Path, good_dir: Path) -> None:
    (site / "ward_lazy_view.py").write_text("class IncidentLog:\n    pass\n", encoding="utf-8")
    host = PluginHost.load(builtins=False, entry_points=False, plugin_dirs=[good_dir])
    [view] = host.registry.views
    assert (view.unit, view.key) == ("ward", "log")
    assert "ward_lazy_view" not in sys.modules
    widget_class = resolve_view(view)
    assert widget_class.__name__ == "IncidentLog"
    assert "ward_lazy_view" in sys.modules


def test_loading_plugins_never_imports_textual() -> None:
    code = (
        "import plugins.manager, plugins.engine; from plugins.manager import PluginHost; "
        "PluginHost.load(); import sys; assert 'textual' not in sys.modules"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=ROOT
    )
    assert done.returncode == 0, done.stderr


def test_an_importer_is_found_by_suffix(good_dir: Path, tmp_path: Path) -> None:
    host = PluginHost.load(builtins=False, entry_points=False, plugin_dirs=[good_dir])
    importer = host.registry.importer_for(".TSV")
    assert importer is not None and importer.name == "ward.tsv"
    data = tmp_path / "incidents.tsv"
    data.write_text("date\tvillage\tsummary\n2022-08-01\tV001\t口角\n", encoding="utf-8")
    assert list(importer.read_rows(data)) == [
        (1, ["date", "village", "summary"]),
        (2, ["2022-08-01", "V001", "口角"]),
    ]


def test_a_report_section_is_registered_with_its_plugin(good_dir: Path) -> None:
    host = PluginHost.load(builtins=False, entry_points=False, plugin_dirs=[good_dir])
    [section] = host.registry.report_sections
    assert (section.unit, section.name, section.title.zh) == ("ward", "ward.incidents", "巡防")
    assert host.registry.plugin_of_report_section["ward.incidents"] == "ward"


def test_a_report_section_of_an_unknown_unit_fails_its_plugin(tmp_path: Path) -> None:
    source = (
        "from plugins import ReportBody, ReportSection, Text, hookimpl\n"
        "@hookimpl\n"
        "def register_report_sections(register):\n"
        "    register(ReportSection('nobody', 'x.y', Text('x', 'x'), lambda ctx: ReportBody()))\n"
    )
    folder = write_plugins(tmp_path / "p", {"stray": source})
    host = PluginHost.load(builtins=False, entry_points=False, plugin_dirs=[folder])
    [info] = host.infos
    assert info.status is Status.FAILED and "unknown unit 'nobody'" in info.reason
    assert host.registry.report_sections == []


# every hook is tested and documented

HOOKS = sorted(
    name
    for name, function in inspect.getmembers(hookspecs, inspect.isfunction)
    if hasattr(function, f"{hookspecs.PROJECT}_spec")
)


def test_the_hook_list_is_read() -> None:
    assert {"register_units", "register_checks"} <= set(HOOKS)


@pytest.mark.parametrize("hook", HOOKS)
def test_every_hook_has_a_test_implementing_it(hook: str) -> None:
    sources = [path.read_text(encoding="utf-8") for path in (ROOT / "tests").rglob("*.py")]
    assert any(re.search(rf"\bdef {hook}\(", source) for source in sources), (
        f"no test implements the hook {hook}"
    )


@pytest.mark.parametrize("hook", HOOKS)
def test_every_hook_is_documented(hook: str) -> None:
    guide = ROOT / "docs" / "plugins.md"
    assert guide.exists(), "docs/plugins.md, the plugin authors' guide, is missing"
    text = guide.read_text(encoding="utf-8")
    assert re.search(rf"^#+ .*\b{hook}\b", text, re.MULTILINE), (
        f"docs/plugins.md has no heading for the hook {hook}"
    )
