"""Entry points other screens use to add or edit records: picker, then form."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

from plugins.i18n import Text
from store import Quarter, Record
from tui.screens.record_form import RecordFormScreen
from tui.screens.record_type_picker import RecordTypePicker
from tui.text import tr

if TYPE_CHECKING:
    from tui.app import PinganApp

SavedCallback = Callable[[int | None], None]
UNKNOWN_TYPE = Text("未知记录类型 {name}", "Unknown record type {name}")
NOT_LOADED = Text(
    "记录类型 {name} 的插件未加载，无法编辑",
    "The plugin of record type {name} is not loaded; cannot edit",
)


def default_day(quarter: Quarter, today: date | None = None) -> date:
    """The date a new record starts with: today when it falls in the quarter, else its first day."""
    today = today or date.today()
    return today if quarter.contains(today) else quarter.start


def open_form(
    app: PinganApp,
    record_type_name: str,
    *,
    village: str | None = None,
    quarter: Quarter | None = None,
    on_saved: SavedCallback | None = None,
) -> None:
    """Push the form of a new record of a type; nothing happens for an unknown type."""
    record_type = app.host.registry.record_types.get(record_type_name)
    if record_type is None:
        app.notify(tr(UNKNOWN_TYPE, app.lang, name=record_type_name), severity="error")
        return
    day = default_day(quarter or app.quarter)
    app.push_screen(RecordFormScreen(record_type, village=village, day=day), callback=on_saved)


def edit_record(app: PinganApp, record: Record, on_saved: SavedCallback | None = None) -> None:
    """Push the form of an existing record; refused with a message when its type is not loaded."""
    record_type = app.host.registry.record_types.get(record.type)
    if record_type is None:
        app.notify(tr(NOT_LOADED, app.lang, name=record.type), severity="error")
        return
    app.push_screen(RecordFormScreen(record_type, record=record), callback=on_saved)


async def choose_and_create(
    app: PinganApp,
    village: str | None,
    quarter: Quarter,
    on_saved: SavedCallback | None = None,
) -> None:
    """Ask for a record type, then open its form for the village and quarter given."""

    def chosen(name: str | None) -> None:
        if name is not None:
            open_form(app, name, village=village, quarter=quarter, on_saved=on_saved)

    await app.push_screen(RecordTypePicker(), callback=chosen)
