"""The outside unit examples/organization, once installed, shows up everywhere with no core change.

CI installs it (`pip install -e examples/organization`) and sets PINGAN_REQUIRE_EXAMPLES=1,
so there these tests run or fail; elsewhere they are skipped until it is installed.
"""

from __future__ import annotations

import importlib.util
import json
import os
from pathlib import Path

import pytest
from textual.widgets import OptionList

from plugins.manager import PluginHost
from store import Quarter, Store, Village
from tests.cli_support import run_pingan
from tests.tui_support import make_app, settle
from tui.screens.units import UnitsScreen

INSTALLED = importlib.util.find_spec("pingan_organization") is not None
pytestmark = pytest.mark.skipif(
    not INSTALLED and os.environ.get("PINGAN_REQUIRE_EXAMPLES") != "1",
    reason="examples/organization is not installed (pip install -e examples/organization)",
)
Q = Quarter(2024, 2)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    store = Store(tmp_path / "town.json")
    store.init("桑村镇")
    with store.transaction() as tx:
        tx.add_village(Village("SC001", "南关", "城区办事处"))
        tx.add_village(Village("SC002", "西关", "城区办事处"))
    return store.path


def test_it_is_installed_where_ci_says_so() -> None:
    assert INSTALLED, "install it: pip install -e examples/organization"


def test_pingan_plugins_lists_it_from_its_entry_point(tmp_path: Path, db: Path) -> None:
    done = run_pingan(["plugins", "--json"], home=tmp_path / "home", db=db)
    assert done.returncode == 0, done.stderr
    [doc] = [d for d in json.loads(done.stdout) if d["name"] == "organization"]
    assert (doc["source"], doc["status"], doc["unit"], doc["api"]) == (
        "entry point",
        "loaded",
        "organization",
        1,
    )
    assert doc["commands"] == ["organization"] and doc["path"].endswith("plugin.py")


def test_its_command_and_check_reach_the_grid(tmp_path: Path, db: Path) -> None:
    home = tmp_path / "home"
    added = run_pingan(
        [
            "--lang",
            "en",
            "organization",
            "add",
            "--village",
            "SC002",
            "--date",
            "2024-05-03",
            "--kind",
            "conduct",
            "--summary",
            "公款吃喝",
        ],
        home=home,
        db=db,
    )
    assert added.returncode == 0, added.stderr
    grid = run_pingan(["grid", "--quarter", str(Q), "--format", "json"], home=home, db=db)
    rows = {v["code"]: v for v in json.loads(grid.stdout)["villages"]}
    assert (rows["SC002"]["G1"], rows["SC001"]["G1"]) == ("FAIL", "PENDING")
    off = run_pingan(["plugins", "disable", "organization"], home=home, db=db)
    assert off.returncode == 0, off.stderr
    grid = run_pingan(["grid", "--quarter", str(Q), "--format", "json"], home=home, db=db)
    assert json.loads(grid.stdout)["villages"][1]["G1"] == "PENDING"


async def test_its_view_is_in_the_tuis_units_menu(db: Path) -> None:
    store = Store(db).open()
    host = PluginHost.load()
    app = make_app(store, host, lang="en")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("u")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, UnitsScreen)
        menu = screen.query_one("#units-menu", OptionList)
        menu.highlighted = menu.get_option_index("organization/violations")
        await pilot.press("enter")
        await settle(pilot)
        assert screen.failure is None and screen.current == ("organization", "violations")
        assert type(screen.shown_view).__name__ == "ViolationLog"
        prompts = [str(menu.get_option_at_index(i).prompt) for i in range(menu.option_count)]
        assert "Organization office" in prompts
