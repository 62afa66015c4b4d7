"""Every state reads without colour: ticks by their mark, the cursor and focus by shape."""

from __future__ import annotations

from pathlib import Path

import pytest

from plugins.manager import PluginHost
from store import Store
from tests.tui_forms_support import QUARTER, build_town, form_of, make_app
from tests.tui_support import screen_lines, settle
from tui.screens.record_actions import open_form
from tui.screens.record_form import field_id
from tui.widgets.tick_list import TICKED, UNTICKED, TickList


@pytest.fixture
def town(tmp_path: Path, host: PluginHost) -> Store:
    store = Store(tmp_path / "town.json")
    store.init("桑村镇", actor="tester")
    store.open()
    build_town(store, host)
    return store


def tag_lines(lines: list[str], labels: list[str]) -> dict[str, str]:
    """The screen line of each tag label, keyed by the label."""
    return {label: next(line for line in lines if label in line) for label in labels}


async def test_a_ticked_tag_differs_from_an_unticked_one_by_its_mark(
    town: Store, host: PluginHost
) -> None:
    app = make_app(town, host, lang="en")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        open_form(app, "police.case", village="V001", quarter=QUARTER)
        await settle(pilot)
        form = form_of(app)
        tags = form.query_one(f"#{field_id('tags')}", TickList)
        tags.focus()
        tags.highlighted = 0
        await pilot.press("space")
        await settle(pilot)
        assert len(tags.selected) == 1
        labels = [str(tags.get_option_at_index(i).prompt) for i in range(2)]
        lines = tag_lines(screen_lines(app), labels)
    assert f"{TICKED} {labels[0]}" in lines[labels[0]]
    assert f"{UNTICKED} {labels[1]}" in lines[labels[1]]
