"""pingan's test kit for unit plugins, registered with pytest (entry point `pytest11`).

A plugin's tests get a real store with demo villages in a temporary folder and the real
plugin host with the plugin under test loaded through its entry point (name it in
`[tool.pytest.ini_options] pingan_plugins = ["myunit"]`, or override the `pingan_plugins`
fixture). `Town` adds records, files returns, computes cells and runs checks, warnings and
report sections; `Town.open_view` opens a data view in the TUI under `App.run_test()`.
Textual is imported only inside `open_view`.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import AsyncIterator, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from plugins.actions import ActionContext, Actor
from plugins.api import EarlyWarning, ReportBody
from plugins.demo.villages import OFFICE_VILLAGES, village_code
from plugins.engine import Cell, CellFinding, Engine, Grid
from plugins.importing import new_record
from plugins.manager import PluginHost, Status
from plugins.warnings import warnings as town_warnings
from store import Decision, NewRecord, Quarter, Record, Store, Village, now_text

INI_PLUGINS = "pingan_plugins"
TOWN = "测试镇"
PluginUnderTest = str | tuple[str, object]
"""An entry-point name of group `pingan`, or (name, plugin object) for a module not installed."""


class PluginNotLoaded(AssertionError):
    """The plugin under test is not installed or did not load; the message says why."""


def demo_villages(count: int = 4) -> list[Village]:
    """The first count villages of the demo town (南关 SC001, 西关 SC002...), in code order."""
    found = [(office, name) for office, names in OFFICE_VILLAGES for name in names]
    return [
        Village(village_code(i), name, office) for i, (office, name) in enumerate(found[:count])
    ]


_HOSTS: dict[tuple[object, ...], PluginHost] = {}


def load_host(plugins: Iterable[PluginUnderTest] = ()) -> PluginHost:
    """The built-ins plus the plugins under test, loaded by the real host (once per session).

    Only the named entry points load, whatever else is installed. Raises PluginNotLoaded,
    naming the reason, when one of them is missing or fails.
    """
    wanted = list(plugins)
    key = tuple(p if isinstance(p, str) else (p[0], id(p[1])) for p in wanted)
    if key in _HOSTS:
        return _HOSTS[key]
    names = [p for p in wanted if isinstance(p, str)]
    extra = [p for p in wanted if not isinstance(p, str)]
    host = PluginHost.load(
        entry_points=bool(names), extra=extra, allow=[*names, *(n for n, _ in extra)]
    )
    for name in [*names, *(n for n, _ in extra)]:
        info = host.info(name)
        if info is None:
            raise PluginNotLoaded(
                f"no entry point {name!r} in the group 'pingan' is installed; "
                "install your plugin first (pip install -e .)"
            )
        if info.status is not Status.LOADED:
            raise PluginNotLoaded(f"plugin {name!r} did not load: {info.reason}")
    _HOSTS[key] = host
    return host


@dataclass(frozen=True, slots=True)
class Row:
    """A record to add: its type, date, village and the raw field values (as a user types them)."""

    type: str
    day: str | date
    village: str = ""
    fields: dict[str, Any] = field(default_factory=dict)


def row(record_type: str, day: str | date, village: str = "", **fields: Any) -> Row:
    """A Row, with the fields as keyword arguments; no village means the town's first."""
    return Row(record_type, day, village, fields)


def message(cell: Cell, lang: str = "zh") -> str:
    """Every finding's message of a cell, joined, in one language."""
    return " | ".join(f.message.get(lang) for f in cell.findings)


class _SectionContext:
    """The ReportContext a report section receives: the quarter's records of the whole town."""

    def __init__(self, town: Town, quarter: Quarter, unit: str, finalized: bool) -> None:
        self._town, self._unit = town, unit
        self.quarter, self.finalized = quarter, finalized

    def records(self, record_type: str) -> Sequence[Record]:
        return tuple(self._town.store.records(self.quarter, record_type))

    def villages(self) -> Sequence[Village]:
        return tuple(self._town.store.villages(active_only=True))

    def threshold(self, name: str) -> float:
        unit = self._town.host.registry.units[self._unit]
        found = next((t for t in unit.thresholds if t.name == name), None)
        if found is None:
            raise KeyError(f"unit {self._unit!r} declares no threshold {name!r}")
        return self._town.store.settings().threshold(f"{self._unit}.{name}", found.default)


@dataclass(frozen=True, slots=True)
class Ran:
    """What a `pingan` command line gave: its exit code, stdout and stderr."""

    code: int
    out: str
    err: str


@dataclass(slots=True)
class OpenView:
    """A data view on screen under `App.run_test()`: the app, its pilot and the view widget."""

    app: Any
    pilot: Any
    widget: Any

    async def settle(self) -> None:
        """Wait until the app's workers are done and its messages are handled."""
        await _settle(self.pilot)


class Town:
    """A real store with villages, the real plugin host and the engine over both."""

    def __init__(
        self,
        store: Store,
        host: PluginHost,
        villages: Sequence[Village | str] | None = None,
    ) -> None:
        self.store = store
        self.host = host
        self.engine = Engine(store, host)
        chosen = demo_villages() if villages is None else villages
        made = [v if isinstance(v, Village) else Village(v, f"{v}村", "东办事处") for v in chosen]
        with store.transaction("testkit") as tx:
            for village in made:
                tx.add_village(village)
        self.villages = [v.code for v in made]

    @property
    def first(self) -> str:
        """The code of the town's first village."""
        return self.villages[0]

    def actions(self, actor: Actor | None = None, today: date | None = None) -> ActionContext:
        """A context for `plugins.actions` (default: the office acting today)."""
        return ActionContext(
            self.store, self.host, actor or Actor("testkit"), today or date.today()
        )

    def add(self, *rows: Row) -> list[int]:
        """Check rows against their record types' schemas and store them in one transaction."""
        known = set(self.villages) | {v.code for v in self.store.villages(active_only=False)}
        batch: list[NewRecord] = []
        for item in rows:
            rtype = self.host.registry.record_types[item.type]
            raw = {"date": item.day, "village": item.village or self.first, **item.fields}
            clean, errors = rtype.validate(raw, known)
            if errors:
                problems = "; ".join(f"{e.field}: {e.message.en}" for e in errors)
                raise AssertionError(f"{item}: {problems}")
            batch.append(new_record(rtype, clean))
        with self.store.transaction("testkit") as tx:
            return tx.add_records(batch)

    def record(self, record_type: str, day: str | date, village: str = "", **fields: Any) -> int:
        """Add one record; its id."""
        return self.add(row(record_type, day, village, **fields))[0]

    def file(self, quarter: Quarter | str, *units: str) -> None:
        """File the units' quarterly returns for the quarter."""
        with self.store.transaction("testkit") as tx:
            for unit in units:
                tx.file_return(unit, _quarter(quarter))

    def decide(
        self,
        quarter: Quarter | str,
        criterion: str,
        passed: bool,
        village: str = "",
        reason: str = "会议决定",
    ) -> None:
        """Record the meeting's decision on one cell."""
        decision = Decision(
            _quarter(quarter),
            village or self.first,
            criterion,
            passed,
            reason,
            "testkit",
            now_text(),
        )
        with self.store.transaction("testkit") as tx:
            tx.decide(decision)

    def thresholds(self, **values: float) -> None:
        """Override thresholds in the town's settings, keyed "unit.name" as in the settings."""
        with self.store.transaction("testkit") as tx:
            tx.update_settings(thresholds=values)

    def cell(self, quarter: Quarter | str, criterion: str, village: str = "") -> Cell:
        """One cell of the grid, as the engine computes it."""
        return self.engine.cell(_quarter(quarter), village or self.first, criterion)

    def grid(self, quarter: Quarter | str) -> Grid:
        """The quarter's whole grid."""
        return self.engine.grid(_quarter(quarter))

    def check(self, name: str, quarter: Quarter | str, village: str = "") -> CellFinding:
        """What one check found in its cell (PASS, FAIL, PENDING awaiting a return, ERROR)."""
        check = next((c for c in self.host.registry.checks if c.name == name), None)
        if check is None:
            known = ", ".join(sorted(c.name for c in self.host.registry.checks))
            raise KeyError(f"no check named {name!r}; known: {known}")
        cell = self.cell(quarter, check.criterion, village)
        return next(f for f in cell.findings if f.check == name)

    def warnings(
        self, quarter: Quarter | str, as_of: date | None = None, unit: str | None = None
    ) -> list[EarlyWarning]:
        """The early warnings of the quarter (of one unit if given); a rule that raises fails."""
        q = _quarter(quarter)
        report = town_warnings(self.store, self.host, q, as_of or q.end)
        if report.errors:
            raise AssertionError("; ".join(e.en for e in report.errors))
        return [w.warning for w in report.warnings if unit is None or w.unit == unit]

    def report_section(
        self, name: str, quarter: Quarter | str, *, finalized: bool = False
    ) -> ReportBody:
        """What one report section says for the quarter."""
        section = next((s for s in self.host.registry.report_sections if s.name == name), None)
        if section is None:
            known = ", ".join(sorted(s.name for s in self.host.registry.report_sections))
            raise KeyError(f"no report section named {name!r}; known: {known}")
        body = section.function(_SectionContext(self, _quarter(quarter), section.unit, finalized))
        if not isinstance(body, ReportBody):
            raise AssertionError(f"report section {name!r} gave {body!r}, not a ReportBody")
        return body

    def pingan(self, *args: str, lang: str = "en") -> Ran:
        """Run `pingan --db STORE --lang LANG ARGS` in this process, as a user would type it."""
        from tui.cli.main import main

        out, err = io.StringIO(), io.StringIO()
        argv = ["--db", str(self.store.path), "--lang", lang, *args]
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(argv)
        return Ran(code, out.getvalue(), err.getvalue())

    @contextlib.asynccontextmanager
    async def open_view(
        self,
        unit: str,
        key: str,
        *,
        quarter: Quarter | str | None = None,
        lang: str = "zh",
        size: tuple[int, int] = (100, 30),
    ) -> AsyncIterator[OpenView]:
        """Open a unit's data view from the TUI's Units menu in a headless app.

        Raises AssertionError with the error panel's text when the view cannot be shown.
        """
        from tui.app import PinganApp
        from tui.screens.units import UnitsScreen

        app = PinganApp(
            self.store,
            self.host,
            lang=lang,
            actor=Actor("testkit"),
            quarter=None if quarter is None else _quarter(quarter),
        )
        app.animation_level = "none"
        async with app.run_test(size=size) as pilot:
            await _settle(pilot)
            await app.push_screen(UnitsScreen(view=(unit, key)))
            await _settle(pilot)
            screen = app.screen
            if not isinstance(screen, UnitsScreen) or screen.shown_view is None:
                failure = getattr(screen, "failure", None) or f"no view {unit}/{key}"
                raise AssertionError(f"the view {unit}/{key} did not open: {failure}")
            yield OpenView(app, pilot, screen.shown_view)


def _quarter(value: Quarter | str) -> Quarter:
    return value if isinstance(value, Quarter) else Quarter.parse(value)


async def _settle(pilot: Any) -> None:
    """Wait for the app's workers and message queues, a few rounds, never on a clock."""
    from textual.worker import WorkerCancelled

    for _ in range(10):
        with contextlib.suppress(WorkerCancelled):
            await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        if not any(w.is_running for w in pilot.app.workers):
            return


def new_store(folder: Path, town: str = TOWN) -> Store:
    """An empty store for a town in folder, opened."""
    store = Store(folder / "town.json")
    store.init(town, actor="testkit")
    return store.open()


# the pytest plugin


def pytest_addoption(parser: pytest.Parser) -> None:
    """The ini option naming the plugins under test by entry point."""
    parser.addini(
        INI_PLUGINS,
        "entry-point names (group 'pingan') of the plugins the pingan_* fixtures load",
        type="linelist",
        default=[],
    )


@pytest.fixture
def pingan_plugins(request: pytest.FixtureRequest) -> list[PluginUnderTest]:
    """The plugins under test: the ini option `pingan_plugins`; override to pass objects."""
    return list(request.config.getini(INI_PLUGINS))


@pytest.fixture
def pingan_host(pingan_plugins: list[PluginUnderTest]) -> PluginHost:
    """The real plugin host: the built-ins and the plugins under test, nothing else installed."""
    return load_host(pingan_plugins)


@pytest.fixture
def pingan_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Store:
    """An empty store in a temporary folder; the data folder ($PINGAN_HOME) is temporary too."""
    monkeypatch.setenv("PINGAN_HOME", str(tmp_path / "pingan-home"))
    return new_store(tmp_path / "pingan-town")


@pytest.fixture
def pingan_town(pingan_store: Store, pingan_host: PluginHost) -> Town:
    """The store with four demo villages (SC001-SC004) and the plugins under test loaded."""
    return Town(pingan_store, pingan_host)


__all__ = [
    "OpenView",
    "PluginNotLoaded",
    "Ran",
    "Row",
    "Town",
    "demo_villages",
    "load_host",
    "message",
    "new_store",
    "row",
]
