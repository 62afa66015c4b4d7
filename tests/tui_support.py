"""Fixtures and helpers for the TUI tests: a small deterministic town, an app factory, settle()."""

from __future__ import annotations

import contextlib
import html
import importlib
import pkgutil
import re
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from types import ModuleType
from typing import Any

from rich.cells import cell_len
from textual.app import App
from textual.dom import DOMNode
from textual.message import Message
from textual.notifications import Notify
from textual.pilot import Pilot
from textual.widgets import Footer
from textual.worker import WorkerCancelled, WorkerState

from plugins.engine import Engine
from plugins.i18n import Text
from plugins.manager import PluginHost
from store import Decision, NewRecord, Quarter, Store, Village
from tui.app import PinganApp

CJK = re.compile(r"[\u3400-\u9fff\uff01-\uff5e]")
"""A Chinese character or full-width punctuation mark."""

Q3 = Quarter(2022, 3)
Q2 = Quarter(2022, 2)
UNITS_FILING = ("police", "judicial", "emergency", "civil")

VILLAGES: tuple[Village, ...] = (
    Village("SC001", "东庄", "东片办事处"),
    Village("SC002", "西王庄", "西片办事处"),
    Village("SC003", "南河村", "东片办事处"),
    Village("SC004", "北岗村", "西片办事处"),
    Village("SC005", "大寨", "东片办事处"),
)
PATROLS_Q3 = {"SC001": 6, "SC002": 6, "SC003": 6, "SC004": 2, "SC005": 6}
PATROLS_Q2 = {"SC001": 6}


def new_record(
    host: PluginHost, type_name: str, village: str, day: date, **fields: Any
) -> NewRecord:
    """A record validated against its type's schema, as a form or import would store it."""
    record_type = host.registry.record_types[type_name]
    clean, errors = record_type.validate({"date": day, "village": village, **fields})
    assert not errors, errors
    extra = {k: v for k, v in clean.items() if k not in ("date", "village")}
    return NewRecord(type_name, village, day, extra, record_type.unit)


def build_town(path: Path, host: PluginHost) -> Store:
    """桑村镇 with five villages, data in 2022Q2 and 2022Q3, returns filed and G1/G2 decided in Q3.

    2022Q3: 东庄 has a public-security case (N8 fails), 西王庄 a criminal gang case (N1, N9
    fail) and a G1 decided against it, 南河村 a lawsuit (N4 fails), 北岗村 two patrols (G4
    fails), 大寨 complies. 2022Q2: only 东庄 patrolled, nothing else happened.
    """
    store = Store(path)
    store.init("桑村镇", actor="tester")
    store.open()
    records: list[NewRecord] = []
    for quarter, patrols in ((Q3, PATROLS_Q3), (Q2, PATROLS_Q2)):
        for code, count in patrols.items():
            records += [
                new_record(host, "police.patrol", code, quarter.start.replace(day=day + 1))
                for day in range(count)
            ]
    records += [
        new_record(
            host, "police.case", "SC001", date(2022, 8, 3), kind="security", summary="打架斗殴"
        ),
        new_record(
            host,
            "police.case",
            "SC002",
            date(2022, 8, 9),
            kind="criminal",
            tags="gang",
            case_no="X-12",
        ),
        new_record(host, "judicial.lawsuit", "SC003", date(2022, 9, 1), case_no="M-7"),
    ]
    with store.transaction("tester") as tx:
        for village in VILLAGES:
            tx.add_village(village)
        tx.add_records(records)
        for quarter in (Q2, Q3):
            for unit in UNITS_FILING:
                tx.file_return(unit, quarter)
        for village in VILLAGES:
            for criterion in ("G1", "G2"):
                against = village.code == "SC002" and criterion == "G1"
                reason = "村两委班子不团结" if against else ""
                tx.decide(
                    Decision(
                        Q3, village.code, criterion, not against, reason, "tester", "2022-10-02"
                    )
                )
    return store


THEME = "textual-dark"
"""The theme every TUI test runs in, so screenshots do not follow the app's default."""


class CountingEngine(Engine):
    """An engine that counts the live grids it computes, by quarter, in order."""

    def __init__(self, store: Store, host: PluginHost) -> None:
        super().__init__(store, host)
        self.computed: list[Quarter] = []

    def grid(self, quarter: Quarter) -> Any:
        self.computed.append(quarter)
        return super().grid(quarter)


def make_app(store: Store, host: PluginHost, **options: Any) -> PinganApp:
    """The app on the store, with a fixed theme and no animations.

    The app's own animation_level, because Textual reads TEXTUAL_ANIMATIONS once at import,
    before any fixture could set it.
    """
    app = PinganApp(store, host, **options)
    app.theme = THEME
    app.animation_level = "none"
    return app


async def settle(pilot: Pilot[Any]) -> None:
    """Wait until no worker is pending or running, every message queue has drained and the
    footer shows the keys of the screen on top.

    A worker replaced by a newer one (an exclusive group) ends cancelled, which is no error.
    Textual redraws the footer only after the next refresh once bindings change, which a
    single pause can miss on a loaded machine.
    """
    for _ in range(SETTLE_ROUNDS):
        with contextlib.suppress(WorkerCancelled):
            await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        busy = [
            w for w in pilot.app.workers if w.state in (WorkerState.PENDING, WorkerState.RUNNING)
        ]
        if not busy and footer_caught_up(pilot.app):
            return
    raise AssertionError(
        f"workers still busy: {busy}, footer caught up: {footer_caught_up(pilot.app)}"
    )


SETTLE_ROUNDS = 20
"""How many rounds of waiting settle tries before it gives up."""


def footer_caught_up(app: App[Any]) -> bool:
    """Whether the footer of the screen on top, if it has one, has laid out every key it shows.

    A key mounted but not yet laid out has an empty region and is not drawn in a screenshot.
    """
    footers = app.screen.query(Footer)
    if not footers:
        return True
    shown = {
        getattr(key, "description", None)
        for key in footers.first().query("FooterKey")
        if key.region.width > 0
    }
    wanted = {
        binding.description
        for _node, binding, _enabled, _tooltip in app.screen.active_bindings.values()
        if binding.show
    }
    return wanted <= shown


SVG_TEXT = re.compile(
    r'<text [^>]*?x="(?P<x>[\d.]+)"[^>]*?textLength="(?P<width>[\d.]+)"'
    r'[^>]*?clip-path="url\(#[^)]*-line-(?P<line>\d+)\)"[^>]*>(?P<text>.*?)</text>',
    flags=re.S,
)
"""One run of text in Rich's SVG export: its x, its width in pixels, its line, its content."""


def screen_lines(app: PinganApp) -> list[str]:
    """What the terminal shows right now, one string per line, spaces kept.

    Rebuilt from the public `App.export_screenshot()`: Rich's SVG places each run of text
    at x = column × cell width and leaves blank runs out, so columns give the spaces back.
    """
    cells: dict[int, list[tuple[int, str]]] = {}
    for match in SVG_TEXT.finditer(app.export_screenshot()):
        text = html.unescape(match["text"]).replace("\xa0", " ")
        cell_width = float(match["width"]) / len(text)
        column = round(float(match["x"]) / cell_width)
        cells.setdefault(int(match["line"]), []).append((column, text))
    lines: list[str] = []
    for row in range(app.size.height):
        line, at = "", 0
        for column, text in sorted(cells.get(row, [])):
            line += " " * max(0, column - at) + text
            at = max(at, column) + cell_len(text)
        lines.append(line.rstrip())
    return lines


def screen_text(app: PinganApp) -> str:
    """What the screen on top shows right now, line by line, spaces kept (dialogs: the dialog)."""
    return "\n".join(screen_lines(app))


def footer_text(app: PinganApp) -> str:
    """The keys and descriptions the footer of the screen on top shows."""
    region = app.screen.query_one(Footer).region
    return "  ".join(screen_lines(app)[region.y : region.bottom])


class Notifications:
    """The messages of every notification the app showed, collected by run_test's message_hook.

    Use as `app.run_test(message_hook=notes.hook)`: Textual posts a public `Notify` message
    for each `notify` call, so the test needs none of the app's private toast state.
    """

    def __init__(self) -> None:
        self.messages: list[str] = []

    def hook(self, message: Message) -> None:
        if isinstance(message, Notify):
            self.messages.append(message.notification.message)


WAIT_ROUNDS = 20
"""How many settle rounds wait_until tries before it gives up."""


async def wait_until(pilot: Pilot[Any], predicate: Callable[[], bool], what: str) -> None:
    """Settle until predicate holds; fail naming what was awaited once settling changes nothing.

    Bounded by rounds of work (workers finished, queues drained), never by a clock, so a
    loaded machine makes it slower, not flaky.
    """
    for _ in range(WAIT_ROUNDS):
        if predicate():
            return
        await settle(pilot)
    if not predicate():
        raise AssertionError(f"still waiting for {what} after {WAIT_ROUNDS} settled rounds")


def tui_modules(*packages: str) -> Iterator[ModuleType]:
    """Every module of the packages named, imported (the command line's excepted)."""
    for package_name in packages:
        package = importlib.import_module(package_name)
        yield package
        for info in pkgutil.walk_packages(package.__path__, f"{package_name}."):
            if not info.name.startswith("tui.cli"):
                yield importlib.import_module(info.name)


def binding_owners() -> list[type[DOMNode]]:
    """Every class of the TUI that declares BINDINGS of its own."""
    return [
        value
        for module in tui_modules("tui")
        for value in vars(module).values()
        if isinstance(value, type)
        and issubclass(value, DOMNode)
        and value.__module__ == module.__name__
        and "BINDINGS" in value.__dict__
    ]


def module_texts() -> list[Text]:
    """The bilingual strings the TUI and the built-in views keep at module level."""
    found: list[Text] = []

    def collect(value: object) -> None:
        if isinstance(value, Text):
            found.append(value)
        elif isinstance(value, tuple | list):
            for item in value:
                collect(item)
        elif isinstance(value, dict):
            for item in value.values():
                collect(item)

    for module in tui_modules("tui", "plugins.builtin.views"):
        for value in vars(module).values():
            collect(value)
    return found
