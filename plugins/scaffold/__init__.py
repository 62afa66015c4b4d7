"""`pingan plugin new`: write an installable unit plugin package from the templates beside it.

The package holds one of everything a unit contributes and tests that use the test kit;
it installs with `pip install -e` and its tests pass as written. Nothing is written
unless the name and folder are accepted, and then the whole package appears at once.
"""

from __future__ import annotations

import keyword
import os
import re
import shutil
import string
from collections.abc import Collection
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from plugins.api import API_VERSION
from plugins.criteria import CRITERION_CODES
from plugins.i18n import Text
from plugins.manager import PluginHost
from plugins.refusal import Refusal

NAME_PATTERN = re.compile(r"[a-z][a-z0-9_]{1,29}")

FILES: tuple[tuple[str, str], ...] = (
    ("pyproject.toml.tmpl", "pyproject.toml"),
    ("README.md.tmpl", "README.md"),
    ("package/__init__.py.tmpl", "src/${package}/__init__.py"),
    ("package/plugin.py.tmpl", "src/${package}/plugin.py"),
    ("package/views.py.tmpl", "src/${package}/views.py"),
    ("tests/test_unit.py.tmpl", "tests/test_${name}.py"),
)
"""Each template and where it goes in the new package (a path that may name variables)."""


@dataclass(frozen=True, slots=True)
class Scaffolded:
    """The package written: its folder, distribution and import names, and its files."""

    root: Path
    distribution: str
    package: str
    files: tuple[Path, ...]


def _refuse(zh: str, en: str, field: str) -> Refusal:
    return Refusal(Text(zh, en), field=field)


def check_name(name: str, host: PluginHost, reserved: Collection[str] = ()) -> None:
    """Refuse a name that is no lowercase identifier or that a plugin, unit or command has."""
    if not NAME_PATTERN.fullmatch(name) or keyword.iskeyword(name):
        raise _refuse(
            f"{name!r} 不能作单位代码：须以小写字母开头，"
            "只含小写字母、数字和下划线，2 到 30 个字符",
            f"{name!r} cannot be a unit code: it must start with a lowercase letter and hold "
            "only lowercase letters, digits and underscores, 2 to 30 characters",
            "name",
        )
    plugin_names = {info.name for info in host.infos}
    if name in plugin_names or name in host.registry.units:
        owner = host.registry.plugin_of_unit.get(name, name)
        raise _refuse(
            f"已有插件或单位叫 {name}（插件 {owner}）；换一个名字",
            f"a plugin or unit named {name} exists already (plugin {owner}); choose another name",
            "name",
        )
    if name in reserved:
        raise _refuse(
            f"{name} 是 pingan 自己的命令；换一个名字",
            f"{name} is one of pingan's own commands; choose another name",
            "name",
        )


def _check_target(target: Path) -> None:
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise _refuse(
            f"{target} 已存在且不是空文件夹；什么也没写。换一个 --dir",
            f"{target} exists and is not an empty folder; nothing was written. "
            "Choose another --dir",
            "dir",
        )


def render(name: str, criterion: str) -> dict[str, str]:
    """The package's files, by path relative to its folder, with their text."""
    values = {
        "name": name,
        "title": name.replace("_", " ").title(),
        "package": f"pingan_{name}",
        "distribution": f"pingan-{name.replace('_', '-')}",
        "criterion": criterion,
        "api_version": str(API_VERSION),
    }
    folder = resources.files(__package__ or "plugins.scaffold") / "templates"
    rendered: dict[str, str] = {}
    for source, destination in FILES:
        template = string.Template(folder.joinpath(source).read_text(encoding="utf-8"))
        path = string.Template(destination).substitute(values)
        rendered[path] = template.substitute(values)
    return rendered


def scaffold(
    name: str,
    target: Path,
    host: PluginHost,
    *,
    criterion: str = "N7",
    reserved: Collection[str] = (),
) -> Scaffolded:
    """Write the package for unit name into target (new or empty), or refuse and write nothing."""
    name = name.strip()
    check_name(name, host, reserved)
    if criterion not in CRITERION_CODES:
        raise _refuse(
            f"没有准则 {criterion!r}；可选：{'、'.join(CRITERION_CODES)}",
            f"unknown criterion {criterion!r}; valid: {', '.join(CRITERION_CODES)}",
            "criterion",
        )
    target = target.expanduser().absolute()
    _check_target(target)
    files = render(name, criterion)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.parent / f".{target.name}.new-{os.getpid()}"
    try:
        for relative, text in files.items():
            path = staging / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        if target.exists():
            target.rmdir()
        staging.rename(target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return Scaffolded(
        target,
        f"pingan-{name.replace('_', '-')}",
        f"pingan_{name}",
        tuple(sorted(target / relative for relative in files)),
    )
