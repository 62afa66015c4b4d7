"""A village chooser: type a name, a code or pinyin initials (`dz` finds 东庄) and pick a match."""

from __future__ import annotations

from collections.abc import Sequence

from textual import on
from textual.app import ComposeResult
from textual.markup import escape
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Input, OptionList
from textual.widgets.option_list import Option

from plugins.i18n import Text
from store import Village
from tui import keys
from tui.app_access import pingan_app
from tui.pinyin import match_villages
from tui.text import tr

MAX_MATCHES = 8
PLACEHOLDER = Text("村名 / 编号 / 拼音首字母", "name / code / pinyin initials")


def village_label(village: Village) -> str:
    """How a chosen village reads in the search box: name and code."""
    return f"{village.name} ({village.code})"


class VillageQuery(Input):
    """The picker's search box, where `down` moves into the list of matching villages.

    Input scrolls on `down` itself, so the binding lives here rather than on the picker.
    """

    BINDINGS = keys.owned("village_picker")

    def action_focus_matches(self) -> None:
        picker = self.parent
        if isinstance(picker, VillagePicker):
            picker.focus_matches()


class VillagePicker(Widget):
    """A search box over the villages with a short list of matches; `value` is the chosen code."""

    DEFAULT_CSS = """
    VillagePicker {
        height: auto;
    }
    VillagePicker > OptionList {
        height: auto;
        max-height: 8;
        display: none;
    }
    VillagePicker.-open > OptionList {
        display: block;
    }
    """

    value: reactive[str | None] = reactive(None, init=False)
    """The code of the chosen village, None while nothing is chosen."""

    class Changed(Message):
        """The chosen village changed (None when the search box no longer names one)."""

        def __init__(self, picker: VillagePicker, value: str | None) -> None:
            super().__init__()
            self.picker = picker
            self.value = value

        @property
        def control(self) -> VillagePicker:
            return self.picker

    def __init__(
        self,
        villages: Sequence[Village],
        *,
        value: str | None = None,
        placeholder: Text = PLACEHOLDER,
        id: str | None = None,  # noqa: A002 - Textual's widget argument name
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.villages = list(villages)
        self._by_code = {v.code: v for v in self.villages}
        self._placeholder = placeholder
        self.set_reactive(VillagePicker.value, value if value in self._by_code else None)

    @property
    def lang(self) -> str:
        return pingan_app(self).lang

    def compose(self) -> ComposeResult:
        chosen = self._by_code.get(self.value or "")
        yield VillageQuery(
            value=village_label(chosen) if chosen else "",
            placeholder=tr(self._placeholder, self.lang),
            id="village-query",
        )
        yield OptionList(id="village-matches")

    def on_mount(self) -> None:
        keys.follow_language(self.query_one(VillageQuery))
        self.watch(self.app, "lang", self._relabel, init=False)

    def _relabel(self, lang: str) -> None:
        self.query_one("#village-query", Input).placeholder = tr(self._placeholder, lang)

    @property
    def query_text(self) -> str:
        """What is typed in the search box."""
        return self.query_one("#village-query", Input).value

    def choose(self, code: str | None) -> None:
        """Choose a village by code (None clears the choice and the search box)."""
        chosen = self._by_code.get(code or "")
        self.value = chosen.code if chosen else None
        self.query_one("#village-query", Input).value = village_label(chosen) if chosen else ""
        self.remove_class("-open")

    def matches(self) -> list[Village]:
        """The villages the search box currently finds, best first."""
        return match_villages(self.villages, self.query_text, limit=MAX_MATCHES)

    def watch_value(self, value: str | None) -> None:
        self.post_message(self.Changed(self, value))

    @on(Input.Changed, "#village-query")
    def _search(self, event: Input.Changed) -> None:
        event.stop()
        chosen = self._by_code.get(self.value or "")
        if chosen is not None and event.value == village_label(chosen):
            return
        self.value = None
        options = self.query_one("#village-matches", OptionList)
        options.clear_options()
        if not event.value.strip():
            self.remove_class("-open")
            return
        found = self.matches()
        options.add_options(
            [Option(escape(f"{v.name}  {v.code}  {v.office}"), id=v.code) for v in found]
        )
        if found:
            options.highlighted = 0
        self.set_class(bool(found), "-open")

    @on(Input.Submitted, "#village-query")
    def _take_first(self, event: Input.Submitted) -> None:
        event.stop()
        if self.value is not None:
            return
        options = self.query_one("#village-matches", OptionList)
        index = options.highlighted
        if options.option_count and index is not None:
            self.choose(options.get_option_at_index(index).id)

    @on(OptionList.OptionSelected, "#village-matches")
    def _take_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.choose(event.option.id)
        self.query_one("#village-query", Input).focus()

    def focus_matches(self) -> None:
        """Move the focus into the list of matches, when it is open."""
        options = self.query_one("#village-matches", OptionList)
        if self.has_class("-open") and options.option_count:
            options.focus()
