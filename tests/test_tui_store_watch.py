"""The app notices what other processes did: changes to the store, and plugins that failed."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from plugins import hookimpl
from plugins.api import State
from plugins.manager import PluginHost
from store import Quarter, Store
from tests.tui_support import Notifications, build_town, make_app, new_record, settle

Q3 = Quarter(2022, 3)


async def test_a_change_made_by_another_process_reaches_the_grid(
    tmp_path: Path, host: PluginHost
) -> None:
    town = build_town(tmp_path / "town.json", host)
    app = make_app(town, host, quarter=Q3)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.grid is not None and app.grid.cell("SC005", "N7").state is State.PASS
        revision = app.store.revision()
        app.check_store()
        await settle(pilot)
        assert app.store.revision() == revision

        other_desk = Store(town.path)
        accident = new_record(
            host, "emergency.accident", "SC005", date(2022, 8, 1), category="fire"
        )
        with other_desk.transaction("另一台电脑") as tx:
            tx.add_records([accident])
        assert app.grid.cell("SC005", "N7").state is State.PASS
        app.check_store()
        await settle(pilot)
        assert app.grid.cell("SC005", "N7").state is State.FAIL


class BrokenAtRegistration:
    """A plugin whose registration raises, so the host reports it as failed."""

    @hookimpl
    def register_units(self, register: object) -> None:
        raise RuntimeError("单位声明出错")


async def test_plugins_that_failed_to_load_are_reported_on_start(
    tmp_path: Path, host: PluginHost
) -> None:
    town = build_town(tmp_path / "town.json", host)
    broken = PluginHost.load(entry_points=False, extra=[("brokenunit", BrokenAtRegistration())])
    app = make_app(town, broken, quarter=Q3)
    notes = Notifications()
    async with app.run_test(size=(120, 40), message_hook=notes.hook) as pilot:
        await settle(pilot)
        assert any("brokenunit" in m and "单位声明出错" in m for m in notes.messages)
        assert app.grid is not None and app.grid.cell("SC001", "N8").state is State.FAIL
