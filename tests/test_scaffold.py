"""`pingan plugin new`: a package that installs and passes its tests; bad names write nothing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from plugins.manager import PluginHost
from plugins.refusal import Refusal
from plugins.scaffold import scaffold
from tests.cli_support import call_pingan

ROOT = Path(__file__).resolve().parent.parent


def files_under(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


def test_the_scaffold_writes_one_of_everything(tmp_path: Path, host: PluginHost) -> None:
    made = scaffold("traffic", tmp_path / "pkg", host, criterion="N6")
    assert (made.distribution, made.package) == ("pingan-traffic", "pingan_traffic")
    assert files_under(made.root) == [
        "README.md",
        "pyproject.toml",
        "src/pingan_traffic/__init__.py",
        "src/pingan_traffic/plugin.py",
        "src/pingan_traffic/views.py",
        "tests/test_traffic.py",
    ]
    pyproject = (made.root / "pyproject.toml").read_text(encoding="utf-8")
    assert '[project.entry-points.pingan]\ntraffic = "pingan_traffic.plugin"' in pyproject
    assert 'pingan_plugins = ["traffic"]' in pyproject
    plugin = (made.root / "src/pingan_traffic/plugin.py").read_text(encoding="utf-8")
    assert 'CRITERION = "N6"' in plugin and "PINGAN_API = 1" in plugin
    assert "\nplugin = Plugin(\n" in plugin and "def register_commands(" in plugin
    for field in (
        "units",
        "record_types",
        "checks",
        "warnings",
        "views",
        "report_sections",
    ):
        assert f"\n    {field}=(" in plugin
    assert "import textual" not in plugin and "from textual" not in plugin
    assert not list(tmp_path.glob(".pkg.new-*"))


def test_the_scaffolded_plugin_loads_from_its_folder_as_written(
    tmp_path: Path, host: PluginHost, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = scaffold("ward", tmp_path / "pkg", host)
    monkeypatch.syspath_prepend(str(made.root / "src"))
    import importlib

    module = importlib.import_module("pingan_ward.plugin")
    loaded = PluginHost.load(entry_points=False, extra=[("ward", module)])
    info = loaded.info("ward")
    assert info is not None and info.status == "loaded", info
    assert info.api == 1 and info.units == ["ward"]
    assert [v.key for v in loaded.registry.views if v.unit == "ward"] == ["incidents"]
    assert [s.name for s in loaded.registry.report_sections if s.unit == "ward"] == [
        "ward.incidents"
    ]
    for name in [n for n in list(sys.modules) if n.startswith("pingan_ward")]:
        monkeypatch.delitem(sys.modules, name)


def test_the_scaffolded_package_installs_and_passes_its_own_tests(
    tmp_path: Path, host: PluginHost
) -> None:
    """A real install by pip into a folder of its own, so the suite's environment is untouched."""
    made = scaffold("fresh_unit", tmp_path / "pingan-fresh-unit", host)
    site = tmp_path / "site"
    installed = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "-q",
            "--no-deps",
            "--target",
            str(site),
            str(made.root),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert installed.returncode == 0, installed.stderr
    env = {k: v for k, v in os.environ.items() if not k.startswith("PINGAN_")}
    env["PYTHONPATH"] = os.pathsep.join([str(site), str(ROOT)])
    env["PINGAN_HOME"] = str(tmp_path / "home")
    tested = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(made.root)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        cwd=made.root,
        env=env,
    )
    assert tested.returncode == 0, tested.stdout + tested.stderr
    assert " passed" in tested.stdout and "failed" not in tested.stdout


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("Traffic", "cannot be a unit code"),
        ("9lives", "cannot be a unit code"),
        ("traffic-police", "cannot be a unit code"),
        ("class", "cannot be a unit code"),
        ("x", "cannot be a unit code"),
        ("police", "a plugin or unit named police exists already (plugin police)"),
        ("formats", "a plugin or unit named formats exists already"),
        ("grid", "grid is one of pingan's own commands"),
    ],
)
def test_a_bad_name_is_refused_and_nothing_is_written(
    tmp_path: Path, host: PluginHost, name: str, message: str
) -> None:
    with pytest.raises(Refusal) as refused:
        scaffold(name, tmp_path / "pkg", host, reserved={"grid", "plugins"})
    assert message in refused.value.message.en and refused.value.field == "name"
    assert list(tmp_path.iterdir()) == []


def test_a_folder_that_is_not_empty_is_refused_and_left_as_it_was(
    tmp_path: Path, host: PluginHost
) -> None:
    target = tmp_path / "pkg"
    target.mkdir()
    (target / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(Refusal, match="exists and is not an empty folder; nothing was written"):
        scaffold("traffic", target, host)
    assert files_under(tmp_path) == ["pkg/notes.txt"]
    assert (target / "notes.txt").read_text(encoding="utf-8") == "mine"
    empty = tmp_path / "empty"
    empty.mkdir()
    assert scaffold("traffic", empty, host).root == empty


def test_the_command_line_scaffolds_and_refuses_in_the_users_language(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "out"
    code, out, err = call_pingan(
        ["--lang", "en", "plugin", "new", "bridges", "--dir", str(target)], capsys
    )
    assert (code, err) == (0, "")
    assert f"Created the plugin package pingan-bridges in {target} (6 files)" in out
    assert (target / "src/pingan_bridges/plugin.py").exists()
    code, out, err = call_pingan(["plugin", "new", "bridges", "--dir", str(target)], capsys)
    assert code == 1 and "已存在且不是空文件夹" in err
    code, _, err = call_pingan(["--lang", "en", "plugin", "new", "plugins"], capsys)
    assert code == 1 and "one of pingan's own commands" in err
    code, _, err = call_pingan(
        [
            "--lang",
            "en",
            "plugin",
            "new",
            "roads",
            "--dir",
            str(tmp_path / "r"),
            "--criterion",
            "Q1",
        ],
        capsys,
    )
    assert code == 2 and "unknown criterion 'Q1'" in err
    assert not (tmp_path / "r").exists()
