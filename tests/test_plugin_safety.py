"""Folder plugins others could have changed are refused unrun; every plugin's file is recorded."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from plugins.manager import PluginHost, Source, Status

posix_only = pytest.mark.skipif(os.name != "posix", reason="POSIX file modes and owners")

MARKER_PLUGIN = """
from pathlib import Path
Path({marker!r}).write_text("ran", encoding="utf-8")
"""


def plugin_folder(tmp_path: Path) -> tuple[Path, Path, Path]:
    """A private folder holding one plugin that leaves a marker file when its code runs."""
    folder = tmp_path / "plugins"
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)
    marker = tmp_path / "ran.txt"
    plugin = folder / "marker.py"
    plugin.write_text(MARKER_PLUGIN.format(marker=str(marker)), encoding="utf-8")
    plugin.chmod(0o644)
    return folder, plugin, marker


def folder_info(folder: Path) -> tuple[Status, str, str]:
    host = PluginHost.load(plugin_dirs=[folder], builtins=False, entry_points=False)
    [info] = host.infos
    assert info.source is Source.FOLDER
    return info.status, info.reason, info.reason_zh


def test_a_private_folder_plugin_loads_with_its_path_and_hash(tmp_path: Path) -> None:
    folder, plugin, marker = plugin_folder(tmp_path)
    host = PluginHost.load(plugin_dirs=[folder], builtins=False, entry_points=False)
    [info] = host.infos
    assert info.status is Status.LOADED, info.reason
    assert marker.exists()
    assert info.path == str(plugin)
    assert info.sha256 == hashlib.sha256(plugin.read_bytes()).hexdigest()
    doc = info.to_doc()
    assert {"name", "unit", "source", "location", "status", "reason"} <= set(doc)
    assert (doc["path"], doc["sha256"]) == (str(plugin), info.sha256)


@posix_only
@pytest.mark.parametrize("writable", ["folder", "file"])
def test_a_world_writable_folder_or_file_is_refused_unrun(tmp_path: Path, writable: str) -> None:
    folder, plugin, marker = plugin_folder(tmp_path)
    (folder if writable == "folder" else plugin).chmod(0o777 if writable == "folder" else 0o666)
    status, reason, reason_zh = folder_info(folder)
    assert status is Status.FAILED
    assert "world-writable" in reason and "chmod o-w" in reason
    assert "人人可写" in reason_zh
    assert not marker.exists(), "none of its code ran"


@posix_only
@pytest.mark.skipif(os.name == "posix" and os.geteuid() != 0, reason="chown needs root")
def test_a_file_owned_by_another_user_is_refused_unrun(tmp_path: Path) -> None:
    folder, plugin, marker = plugin_folder(tmp_path)
    os.chown(plugin, 4242, 4242)
    status, reason, reason_zh = folder_info(folder)
    assert status is Status.FAILED
    assert "another user (uid 4242)" in reason and "另一个用户" in reason_zh
    assert not marker.exists()


def test_builtin_plugins_record_their_module_file_and_hash() -> None:
    host = PluginHost.load(entry_points=False)
    office = next(i for i in host.infos if i.name == "office")
    assert office.path.endswith(os.path.join("builtin", "office.py"))
    assert office.sha256 == hashlib.sha256(Path(office.path).read_bytes()).hexdigest()
    assert all(i.path and len(i.sha256) == 64 for i in host.infos)
