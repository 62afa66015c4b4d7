"""The test kit for plugin authors: its fixtures, helpers and the way it says what went wrong."""

from __future__ import annotations

import importlib.metadata
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

import pytest

from plugins import (
    Check,
    EarlyWarning,
    Finding,
    Plugin,
    ReportSection,
    State,
    Text,
    UnitSpec,
    WarningRule,
    hookimpl,
)
from plugins.testkit import PluginNotLoaded, Town, load_host


class Bridges:
    """A small unit given as an object: a check on N7 and a rule and section that raise."""

    @hookimpl
    def register_units(self, register: Callable[[UnitSpec], None]) -> None:
        register(UnitSpec("bridges", Text("桥梁所", "Bridges"), criteria=("N7",)))

    @hookimpl
    def register_checks(self, register: Callable[[Check], None]) -> None:
        register(Check("N7", "bridges", "bridges.sound", lambda ctx: Finding.passed("好", "ok")))

    @hookimpl
    def register_warnings(self, register: Callable[[WarningRule], None]) -> None:
        register(WarningRule("bridges", "bridges.broken", self.broken_rule))

    @hookimpl
    def register_report_sections(self, register: Callable[[ReportSection], None]) -> None:
        register(ReportSection("bridges", "bridges.none", Text("桥", "Bridges"), self.not_a_body))

    def broken_rule(self, ctx: object) -> list[EarlyWarning]:
        raise LookupError("no bridge register")

    def not_a_body(self, ctx: object) -> object:
        return "a string"


BRIDGES = Bridges()
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def pingan_plugins() -> list[object]:
    return [("bridges", BRIDGES)]


def test_the_town_has_demo_villages_and_the_plugin_under_test(pingan_town: Town) -> None:
    assert pingan_town.villages == ["SC001", "SC002", "SC003", "SC004"]
    assert [v.name for v in pingan_town.store.villages()] == ["南关", "西关", "前楼", "后楼"]
    assert "bridges" in pingan_town.host.registry.units
    assert pingan_town.host.info("bridges") is not None


def test_check_finds_one_checks_finding_and_names_the_known_ones(pingan_town: Town) -> None:
    assert pingan_town.check("bridges.sound", "2024Q1").state is State.PASS
    assert "bridges" in pingan_town.cell("2024Q1", "N7").waiting_for
    pingan_town.file("2024Q1", "bridges")
    assert "bridges" not in pingan_town.cell("2024Q1", "N7").waiting_for
    with pytest.raises(KeyError, match="no check named 'bridges.nope'; known: .*bridges.sound"):
        pingan_town.check("bridges.nope", "2024Q1")


def test_a_rule_or_section_that_breaks_fails_the_test_saying_why(pingan_town: Town) -> None:
    with pytest.raises(AssertionError, match="LookupError: no bridge register"):
        pingan_town.warnings("2024Q1")
    with pytest.raises(AssertionError, match="gave 'a string', not a ReportBody"):
        pingan_town.report_section("bridges.none", "2024Q1")
    with pytest.raises(KeyError, match="no report section named 'x'"):
        pingan_town.report_section("x", "2024Q1")


def test_a_plugin_that_is_not_installed_or_fails_is_named() -> None:
    with pytest.raises(PluginNotLoaded, match="no entry point 'not_installed_unit'.*pip install"):
        load_host(["not_installed_unit"])
    broken = SimpleNamespace(register_units=hookimpl(lambda register: 1 / 0))
    with pytest.raises(PluginNotLoaded, match="plugin 'broken' did not load: ZeroDivisionError"):
        load_host([("broken", broken)])


def test_a_plugin_object_not_installed_loads_as_a_plugin_under_test() -> None:
    declared = Plugin(
        units=(UnitSpec("ferries", Text("渡口所", "Ferries"), criteria=("N7",)),),
        checks=(Check("N7", "ferries", "ferries.safe", lambda ctx: Finding.passed("好", "ok")),),
    )
    host = load_host([("ferries", declared)])
    info = host.info("ferries")
    assert info is not None and (info.units, info.path) == (["ferries"], "")
    assert host.registry.plugin_of_check["ferries.safe"] == "ferries"


def test_records_are_checked_against_their_schema(pingan_town: Town) -> None:
    with pytest.raises(AssertionError, match="kind"):
        pingan_town.record("police.case", "2024-01-05", kind="parking")
    with pytest.raises(AssertionError, match="village"):
        pingan_town.record("police.patrol", "2024-01-05", "SC999")
    assert pingan_town.store.records(pingan_town.grid("2024Q1").quarter) == []


async def test_a_view_that_does_not_open_fails_with_the_reason(pingan_town: Town) -> None:
    with pytest.raises(AssertionError, match="the view police/nope did not open"):
        async with pingan_town.open_view("police", "nope"):
            pass
    case = pingan_town.record("police.case", "2024-02-03", kind="security")
    async with pingan_town.open_view("police", "cases", quarter="2024Q1", size=(80, 24)) as view:
        assert [r.id for r in view.widget.shown] == [case]
        await view.pilot.press("escape")
        await view.settle()


def test_the_kit_loads_without_textual() -> None:
    code = (
        "import sys, plugins.testkit, plugins.scaffold, plugins.commands; "
        "assert 'textual' not in sys.modules, sorted(m for m in sys.modules if 'textual' in m)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=ROOT
    )
    assert done.returncode == 0, done.stderr


def test_pytest_finds_the_kit_through_its_entry_point() -> None:
    [entry] = [
        e for e in importlib.metadata.entry_points(group="pytest11") if e.value == "plugins.testkit"
    ]
    assert entry.name == "pingan"
