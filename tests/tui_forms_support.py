"""Helpers of the forms, records, units and dashboard tests: a town where every village complies.

Starting from all PASS makes one added record's effect visible: the cell it touches turns FAIL.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input, Label, Select

from plugins.manager import PluginHost
from store import Decision, Quarter, Record, Store, Village
from tests.tui_support import CJK, new_record, settle
from tests.tui_support import make_app as make_any_app
from tui.app import PinganApp
from tui.screens.record_form import RecordFormScreen, error_id, field_id

QUARTER = Quarter(2022, 2)
PREVIOUS = Quarter(2022, 1)
VILLAGES = (
    Village("V001", "东庄", "东片"),
    Village("V002", "西河", "西片"),
    Village("V003", "南湾", "西片"),
)
PATROLS_PER_QUARTER = 6

__all__ = ["CJK", "new_record", "settle"]


def build_town(
    store: Store, host: PluginHost, *, filed: tuple[str, ...] | None = None
) -> list[int]:
    """Three villages with enough patrols, returns filed and G1/G2 decided pass in QUARTER.

    PREVIOUS also holds one public-security case in 东庄, so the town has two quarters of
    history. `filed` limits which units filed QUARTER's return (default: all that file).
    Returns the ids of the records stored.
    """
    units = [u.code for u in host.registry.units.values() if u.files_returns]
    records = [
        new_record(host, "police.patrol", v.code, q.start + timedelta(days=i))
        for q in (PREVIOUS, QUARTER)
        for v in VILLAGES
        for i in range(PATROLS_PER_QUARTER)
    ]
    records.append(new_record(host, "police.case", "V001", date(2022, 2, 10), kind="security"))
    with store.transaction("setup") as tx:
        for village in VILLAGES:
            tx.add_village(village)
        ids = tx.add_records(records)
        for unit in units:
            tx.file_return(unit, PREVIOUS)
            if filed is None or unit in filed:
                tx.file_return(unit, QUARTER)
        for quarter in (PREVIOUS, QUARTER):
            for village in VILLAGES:
                for criterion in ("G1", "G2"):
                    tx.decide(Decision(quarter, village.code, criterion, True, "", "setup", ""))
    return ids


def add(store: Store, host: PluginHost, type_name: str, village: str, **fields: Any) -> Record:
    """Store one record of QUARTER (dated its 10th day) outside the UI and return it."""
    day = QUARTER.start + timedelta(days=9)
    with store.transaction("someone") as tx:
        [record_id] = tx.add_records([new_record(host, type_name, village, day, **fields)])
    found = store.record(record_id)
    assert found is not None
    return found


def make_app(store: Store, host: PluginHost, *, lang: str = "zh") -> PinganApp:
    """The real app on QUARTER, working as `tester`, with the fixed theme and no animations."""
    return make_any_app(store, host, lang=lang, actor="tester", quarter=QUARTER)


def form_of(app: PinganApp) -> RecordFormScreen:
    screen = app.screen
    assert isinstance(screen, RecordFormScreen), f"expected the record form, got {screen!r}"
    return screen


def error_text(form: RecordFormScreen, name: str) -> str:
    """The inline error shown under a field ('' when none is shown)."""
    label = form.query_one(f"#{error_id(name)}", Label)
    return str(label.render()) if label.has_class("-shown") else ""


async def retype(pilot: Pilot[Any], form: RecordFormScreen, name: str, text: str) -> None:
    """Focus a text field of the form, clear it and type text key by key."""
    field = form.query_one(f"#{field_id(name)}", Input)
    field.focus()
    field.clear()
    await settle(pilot)
    await pilot.press(*text)
    await settle(pilot)


async def choose(pilot: Pilot[Any], form: RecordFormScreen, name: str, value: str) -> None:
    """Pick an enum field's choice with the keyboard: open the Select and move to it.

    The list opens on the current choice; the blank "choose" line comes first.
    """
    field = form.record_type.field(name)
    assert field is not None
    select = form.query_one(f"#{field_id(name)}", Select)
    values = field.choice_values()
    current = values.index(str(select.value)) + 1 if select.selection is not None else 0
    steps = values.index(value) + 1 - current
    select.focus()
    await pilot.press("enter")
    await pilot.press(*(["down"] * steps if steps > 0 else ["up"] * -steps), "enter")
    await settle(pilot)
