"""Loading plugins (built-ins, entry points, a .py folder) and calling their hooks in isolation.

pluggy stops a hook call at the first exception and `load_setuptools_entrypoints`
stops at the first broken package, so every plugin is imported, registered and
called on its own here; a failure is recorded against its name and the
plugin is unregistered, the others carry on.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.metadata
import importlib.util
import os
import re
import stat
import sys
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from types import ModuleType, SimpleNamespace
from typing import Any, Protocol

import pluggy

from plugins import hookspecs
from plugins.api import API_VERSION, Contributions
from plugins.i18n import Text
from plugins.plugin import DECLARED_ATTRIBUTE, Plugin
from plugins.registry import ContributionError, Registry

ENTRY_POINT_GROUP = "pingan"
BUILTIN_PLUGINS: tuple[str, ...] = (
    "plugins.builtin.office",
    "plugins.builtin.police",
    "plugins.builtin.judicial",
    "plugins.builtin.emergency",
    "plugins.builtin.civil",
    "plugins.builtin.formats",
)
CORE_PLUGINS: frozenset[str] = frozenset({"office", "formats"})
"""Built-ins a town cannot turn off: villages, meetings, G1/G2 and reading CSV/XLSX files."""
DISABLE_ENV = "PINGAN_DISABLE_PLUGINS"
ALLOW_ENV = "PINGAN_LOAD_PLUGINS"
API_ATTRIBUTE = "PINGAN_API"
"""The module attribute where a plugin declares the plugin API version it was written for."""
SUPPORTED_API_VERSIONS: frozenset[int] = frozenset({API_VERSION})

PLUGIN_ERRORS: tuple[type[BaseException], ...] = (Exception, SystemExit)
"""What the host catches from a plugin's code: any error, even sys.exit(); Ctrl+C still stops."""

_REGISTER_HOOKS: tuple[tuple[str, str], ...] = (
    ("register_units", "units"),
    ("register_record_types", "record_types"),
    ("register_checks", "checks"),
    ("register_views", "views"),
    ("register_importers", "importers"),
    ("register_warnings", "warnings"),
    ("register_report_sections", "report_sections"),
)


class Source(StrEnum):
    """Where a plugin came from, as `pingan plugins` shows it."""

    BUILTIN = "built-in"
    ENTRY_POINT = "entry point"
    FOLDER = "folder"


class Status(StrEnum):
    """Whether a plugin is in use, and if not, why."""

    LOADED = "loaded"
    FAILED = "failed"
    DISABLED = "disabled"


class OffBy(StrEnum):
    """What keeps a plugin out: an environment variable, the town, its API version, an error."""

    NONE = ""
    ENV = "env"
    TOWN = "town"
    API = "api"
    ERROR = "error"


@dataclass(slots=True)
class PluginInfo:
    """One plugin as the user sees it in `pingan plugins`."""

    name: str
    source: Source
    location: str
    status: Status = Status.LOADED
    reason: str = ""
    units: list[str] = field(default_factory=list)
    reason_zh: str = ""
    path: str = ""
    """The file the plugin's code was loaded from (a module's own file), empty if unknown."""
    sha256: str = ""
    """The sha256 of that file's bytes when it was loaded, so a user can tell which code ran."""
    off_by: OffBy = OffBy.NONE
    api: int | None = None
    """The plugin API version the plugin declares (`PINGAN_API`); None when it declares none."""
    commands: list[str] = field(default_factory=list)
    """The top-level commands the plugin added to `pingan`, once the command line asked."""
    commands_problem: Text | None = None
    """Why the plugin's commands were left out (its hook raised, or a name clashed)."""

    def refuse(self, status: Status, off_by: OffBy, why: Text) -> None:
        """Mark the plugin as not in use, and why, in both languages."""
        self.status, self.off_by = status, off_by
        self.reason, self.reason_zh = why.en, why.zh

    def why(self, lang: str) -> str:
        """Why the plugin is off, or what went wrong with its commands, in lang; '' if nothing."""
        if self.status is not Status.LOADED:
            return (self.reason_zh or self.reason) if lang == "zh" else self.reason
        return self.commands_problem.get(lang) if self.commands_problem else ""

    def to_doc(self) -> dict[str, Any]:
        """The plugin as `pingan plugins --json` prints it."""
        return {
            "name": self.name,
            "unit": ",".join(self.units),
            "source": str(self.source),
            "location": self.location,
            "status": str(self.status),
            "off_by": str(self.off_by),
            "reason": self.reason,
            "reason_zh": self.reason_zh or self.reason,
            "api": self.api,
            "commands": list(self.commands),
            "commands_problem": self.commands_problem.en if self.commands_problem else "",
            "path": self.path,
            "sha256": self.sha256,
        }


class CommandGroup(Protocol):
    """What `register_commands` is handed: a click group, seen here only through its commands."""

    @property
    def commands(self) -> Mapping[str, Any]: ...


def _declared_api(plugin: object) -> int | None:
    """The API version a plugin (or its module) declares in PINGAN_API, None if none; ValueError
    if not a number."""
    declared = getattr(plugin, API_ATTRIBUTE, None)
    if declared is None:
        return None
    if isinstance(declared, bool) or not isinstance(declared, int):
        raise ValueError(f"{API_ATTRIBUTE} must be a whole number such as 1, not {declared!r}")
    return declared


def _api_mismatch(name: str, declared: int) -> Text:
    supported = "、".join(str(v) for v in sorted(SUPPORTED_API_VERSIONS))
    supported_en = ", ".join(str(v) for v in sorted(SUPPORTED_API_VERSIONS))
    return Text(
        f"插件 {name} 是为插件接口第 {declared} 版写的；这个 pingan 支持第 {supported} 版"
        f"（{API_ATTRIBUTE} = {declared}）",
        f"plugin {name} was written for plugin API {declared}; this pingan supports "
        f"API {supported_en} ({API_ATTRIBUTE} = {declared})",
    )


class UnsafePlugin(ImportError):
    """A folder plugin others could have changed: refused before any of its code runs."""

    def __init__(self, text: Text) -> None:
        self.text = text
        super().__init__(text.en)


def _names_from_env(var: str) -> set[str] | None:
    """The comma-separated plugin names in an environment variable; None when it is unset."""
    raw = os.environ.get(var)
    if raw is None:
        return None
    return {name.strip() for name in raw.split(",") if name.strip()}


def describe(exc: BaseException) -> str:
    """A one-line reason for the user: the exception type and message."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


class PluginHost:
    """The plugin manager and the typed facade over its hooks."""

    def __init__(
        self,
        *,
        town_off: Collection[str] = (),
        allow: Collection[str] | None = None,
    ) -> None:
        self.pm = pluggy.PluginManager(hookspecs.PROJECT)
        self.pm.add_hookspecs(hookspecs)
        self.infos: list[PluginInfo] = []
        self.registry = Registry()
        self._disabled = _names_from_env(DISABLE_ENV) or set()
        self._allowed = set(allow) if allow is not None else _names_from_env(ALLOW_ENV)
        self._town_off = set(town_off) - CORE_PLUGINS
        self._commands: dict[str, tuple[str, Any]] | None = None

    @classmethod
    def load(
        cls,
        *,
        plugin_dirs: Sequence[Path] = (),
        builtins: bool = True,
        entry_points: bool = True,
        extra: Iterable[tuple[str, object]] = (),
        town_off: Collection[str] = (),
        allow: Collection[str] | None = None,
    ) -> PluginHost:
        """Load every plugin and collect what each contributes; failures are recorded, not raised.

        `extra` registers ready objects (name, plugin) as outside plugins, e.g. in tests.
        `town_off` names the plugins the town turned off (`pingan plugins disable`); the core
        plugins stay on. `allow`, when given, replaces $PINGAN_LOAD_PLUGINS: only these
        outside plugins load.
        """
        host = cls(town_off=town_off, allow=allow)
        if builtins:
            for module_name in BUILTIN_PLUGINS:
                short = module_name.rsplit(".", 1)[-1]
                host._add(short, Source.BUILTIN, module_name, _importer(module_name))
        if entry_points:
            for name, location, load in _entry_points():
                host._add(name, Source.ENTRY_POINT, location, load)
        for folder in plugin_dirs:
            for path in sorted(Path(folder).glob("*.py")):
                if path.name.startswith("_"):
                    continue
                host._add(path.stem, Source.FOLDER, str(path), _file_loader(path), path)
        for name, plugin in extra:
            host._add(name, Source.ENTRY_POINT, repr(plugin), _ready(plugin))
        host._collect()
        return host

    def _add(
        self,
        name: str,
        source: Source,
        location: str,
        load: Callable[[], object],
        path: Path | None = None,
    ) -> None:
        """Import and register one plugin unless turned off or its name is taken; never raises."""
        info = PluginInfo(name, source, location)
        if path is not None:
            info.path, info.sha256 = str(path), _sha256(path)
        self.infos.append(info)
        off = self._turned_off(name, source)
        if off is not None:
            info.refuse(Status.DISABLED, *off)
            return
        if any(i.name == name and i.status is Status.LOADED for i in self.infos[:-1]):
            info.refuse(
                Status.FAILED,
                OffBy.ERROR,
                Text(f"已有同名插件 {name!r} 加载", f"a plugin named {name!r} is already loaded"),
            )
            return
        try:
            loaded = load()
            home = _home_module(loaded, location)
            if path is None:
                info.path, info.sha256 = _source_file(home)
            info.api = _declared_api(loaded if hasattr(loaded, API_ATTRIBUTE) else home)
            if info.api is not None and info.api not in SUPPORTED_API_VERSIONS:
                info.refuse(Status.FAILED, OffBy.API, _api_mismatch(name, info.api))
                return
            self.pm.register(self._hooks_of(loaded), name=name)
            self.pm.check_pending()
        except PLUGIN_ERRORS as exc:
            if self.pm.has_plugin(name):
                self.pm.unregister(name=name)
            info.status, info.off_by, info.reason = Status.FAILED, OffBy.ERROR, describe(exc)
            if isinstance(exc, UnsafePlugin):
                info.reason, info.reason_zh = exc.text.en, exc.text.zh

    def _hooks_of(self, loaded: object) -> object:
        """What to register for a loaded plugin: a module declaring `plugin = Plugin(...)` is that
        Plugin's hooks joined with the module's own hook functions; anything else is itself.
        """
        declared = getattr(loaded, DECLARED_ATTRIBUTE, None)
        if not isinstance(loaded, ModuleType) or not isinstance(declared, Plugin):
            return loaded
        hooks = self._hook_functions(declared)
        beside = self._hook_functions(loaded)
        twice = sorted(set(hooks) & set(beside))
        if twice:
            raise TypeError(
                f"{', '.join(twice)} defined beside `{DECLARED_ATTRIBUTE} = Plugin(...)`, "
                "which registers it already: give the items to the Plugin instead"
            )
        return SimpleNamespace(**hooks, **beside)

    def _hook_functions(self, plugin: object) -> dict[str, Callable[..., object]]:
        """The attributes of plugin that pluggy would register as hooks, by name."""
        return {
            name: getattr(plugin, name)
            for name in dir(plugin)
            if self.pm.parse_hookimpl_opts(plugin, name) is not None
        }

    def _turned_off(self, name: str, source: Source) -> tuple[OffBy, Text] | None:
        """What turns a plugin off before any of its code runs, and how to turn it on again."""
        if name in self._disabled:
            return OffBy.ENV, Text(f"被环境变量 {DISABLE_ENV} 停用", f"turned off by {DISABLE_ENV}")
        if source is not Source.BUILTIN and self._allowed is not None and name not in self._allowed:
            return OffBy.ENV, Text(
                f"不在环境变量 {ALLOW_ENV} 之列", f"turned off by {ALLOW_ENV} (not listed)"
            )
        if name in self._town_off:
            return OffBy.TOWN, Text(
                f"本镇已停用（`pingan plugins enable {name}` 重新启用）",
                f"turned off for this town (`pingan plugins enable {name}` turns it on)",
            )
        return None

    def _collect(self) -> None:
        """Call each plugin's register_* hooks in isolation and merge the clean results."""
        for info in self.infos:
            if info.status is not Status.LOADED:
                continue
            found = Contributions()
            try:
                for hook_name, bucket in _REGISTER_HOOKS:
                    items: list[Any] = getattr(found, bucket)
                    for impl in getattr(self.pm.hook, hook_name).get_hookimpls():
                        if impl.plugin_name == info.name:
                            impl.function(register=items.append)
                self.registry.vet(info.name, found)
            except PLUGIN_ERRORS as exc:
                reason = str(exc) if isinstance(exc, ContributionError) else describe(exc)
                self.pm.unregister(name=info.name)
                info.status, info.off_by, info.reason = Status.FAILED, OffBy.ERROR, reason
                continue
            self.registry.add(info.name, found)
            info.units = [u.code for u in found.units]

    def failed(self) -> list[PluginInfo]:
        """The plugins that did not load, with their reasons."""
        return [i for i in self.infos if i.status is Status.FAILED]

    def info(self, name: str) -> PluginInfo | None:
        """The plugin of that name (the one in use when several share it), or None."""
        named = [i for i in self.infos if i.name == name]
        return next((i for i in named if i.status is Status.LOADED), named[-1] if named else None)

    @property
    def commands_collected(self) -> bool:
        """Whether `add_commands` has asked the plugins for their commands yet."""
        return self._commands is not None

    def add_commands(
        self, scratch: Callable[[], CommandGroup], reserved: Collection[str]
    ) -> dict[str, tuple[str, Any]]:
        """Each loaded plugin's top-level commands, by name, with the plugin that added them.

        Every plugin gets its own `scratch()` group to fill in `register_commands(cli)`; a
        plugin whose hook raises, or that adds a name in `reserved` or one an earlier plugin
        took, keeps its units but its commands are left out, the reason in `commands_problem`.
        Called once per host; later calls return the same commands.
        """
        if self._commands is not None:
            return dict(self._commands)
        found: dict[str, tuple[str, Any]] = {}
        for info in self.infos:
            if info.status is not Status.LOADED:
                continue
            impls = [
                impl
                for impl in self.pm.hook.register_commands.get_hookimpls()
                if impl.plugin_name == info.name
            ]
            if not impls:
                continue
            group = scratch()
            try:
                for impl in impls:
                    impl.function(cli=group)
                added = dict(group.commands)
            except PLUGIN_ERRORS as exc:
                info.commands_problem = Text(
                    f"它的命令未加入：register_commands 出错（{describe(exc)}）",
                    f"its commands were left out: register_commands failed ({describe(exc)})",
                )
                continue
            clash = next((n for n in added if n in reserved or n in found), None)
            if clash is not None:
                owner = found[clash][0] if clash in found else "pingan"
                info.commands_problem = Text(
                    f"它的命令未加入：命令 {clash!r} 已属于 {owner}",
                    f"its commands were left out: the command {clash!r} belongs to {owner}",
                )
                continue
            info.commands = sorted(added)
            found.update((n, (info.name, c)) for n, c in added.items())
        self._commands = found
        return dict(found)


def _entry_points() -> list[tuple[str, str, Callable[[], object]]]:
    """(name, location, loader) of every `pingan` entry point, read one distribution at a time.

    `importlib.metadata.entry_points()` raises for everyone when any one installed
    distribution has a malformed entry_points.txt; here only that distribution fails,
    and only if it declares a pingan group.
    """
    found: list[tuple[str, str, Callable[[], object]]] = []
    seen: set[str] = set()
    for dist in importlib.metadata.distributions():
        dist_name = str(dist.metadata["Name"] or "")
        key = re.sub(r"[-_.]+", "-", dist_name).lower()
        if key and key in seen:
            continue
        seen.add(key)
        try:
            points = list(dist.entry_points.select(group=ENTRY_POINT_GROUP))
        except Exception as exc:  # noqa: BLE001 - any parse error of someone else's metadata
            if f"[{ENTRY_POINT_GROUP}]" in (dist.read_text("entry_points.txt") or ""):
                reason = f"{dist_name}: unreadable entry_points.txt ({describe(exc)})"
                found.append((dist_name, f"{dist_name} entry_points.txt", _failing(reason)))
            continue
        found.extend((ep.name, ep.value, ep.load) for ep in points)
    return found


def _failing(reason: str) -> Callable[[], object]:
    def load() -> object:
        raise ImportError(reason)

    return load


def _importer(module_name: str) -> Callable[[], object]:
    return lambda: importlib.import_module(module_name)


def _file_loader(path: Path) -> Callable[[], object]:
    return lambda: _load_file(path)


def _ready(plugin: object) -> Callable[[], object]:
    return lambda: plugin


def _sha256(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return ""


def _home_module(loaded: object, location: str) -> ModuleType | None:
    """The module a plugin's code is in: the plugin itself, the module an entry point's
    `module:attribute` names, or the one defining the plugin's class (none for a bare Plugin).
    """
    if isinstance(loaded, ModuleType):
        return loaded
    module_name, colon, _ = location.partition(":")
    if colon and module_name.strip() in sys.modules:
        return sys.modules[module_name.strip()]
    if type(loaded) is Plugin:
        return None
    return sys.modules.get(type(loaded).__module__)


def _source_file(module: ModuleType | None) -> tuple[str, str]:
    """(file, sha256) of the module a plugin's code is in; empty when unknown."""
    found = getattr(module, "__file__", None)
    if not isinstance(found, str):
        return "", ""
    return found, _sha256(Path(found))


def unsafe_reason(path: Path) -> Text | None:
    """Why a folder plugin must not be loaded, or None: on POSIX, a world-writable folder or
    file, or a file owned by someone other than the user running pingan or root."""
    if os.name != "posix":
        return None
    folder = path.parent
    try:
        folder_mode = folder.stat().st_mode
        file_stat = path.stat()
    except OSError as exc:
        return Text(f"无法检查 {path}（{exc}）", f"cannot check {path} ({exc})")
    if folder_mode & stat.S_IWOTH:
        return Text(
            f"插件文件夹 {folder} 人人可写，任何用户都能放入代码；未加载（chmod o-w 后再试）",
            f"the plugin folder {folder} is world-writable, so anyone could place code in it; "
            "not loaded (chmod o-w it, then retry)",
        )
    if file_stat.st_mode & stat.S_IWOTH:
        return Text(
            f"插件文件 {path} 人人可写，任何用户都能改它；未加载（chmod o-w 后再试）",
            f"the plugin file {path} is world-writable, so anyone could change it; "
            "not loaded (chmod o-w it, then retry)",
        )
    me = os.geteuid()
    if file_stat.st_uid not in (me, 0):
        return Text(
            f"插件文件 {path} 属于另一个用户（uid {file_stat.st_uid}），不是运行 pingan 的用户"
            f"（uid {me}）或 root；未加载",
            f"the plugin file {path} belongs to another user (uid {file_stat.st_uid}), not the "
            f"one running pingan (uid {me}) or root; not loaded",
        )
    return None


def _load_file(path: Path) -> ModuleType:
    """Import a local plugin file under a module name unique to its path, if it is safe to."""
    unsafe = unsafe_reason(path)
    if unsafe is not None:
        raise UnsafePlugin(unsafe)
    digest = hashlib.sha1(str(path.resolve()).encode()).hexdigest()[:8]
    module_name = f"pingan_local_{path.stem}_{digest}"
    spec = importlib.util.spec_from_file_location(module_name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot import {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        sys.modules.pop(module_name, None)
        raise
    return module
