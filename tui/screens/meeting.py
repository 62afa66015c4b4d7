"""Meeting mode: the quarterly meeting village by village, from attendance to the minutes.

The agenda puts villages with FAIL, PENDING or ERROR cells first, office by office, then
the rest for G1 and G2. Every decision goes through the actions layer; undo takes back
the last one; Esc ends the meeting and writes the minutes (store and a Markdown file).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.coordinate import Coordinate
from textual.markup import escape
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Static

from plugins import actions
from plugins import keymap as key_specs
from plugins.actions import Refusal
from plugins.api import STATE_NAMES, State
from plugins.criteria import CRITERION_CODES
from plugins.engine import Cell, Engine
from plugins.i18n import Text
from plugins.meeting import MEETING_CRITERIA, agenda, settled
from store import Decision, Quarter, Village
from tui import keys
from tui.app_access import PinganAccess
from tui.screens.confirm import ConfirmScreen
from tui.screens.reason import ReasonScreen
from tui.state_styles import STATE_STYLES
from tui.symbols import STATE_SYMBOLS
from tui.text import tr

TITLE = Text("{quarter} 季度会议", "{quarter} quarterly meeting")
ATTENDEES = Text(
    "出席人员（用逗号或顿号分隔），回车开始会议", "Who attends (comma-separated); Enter starts"
)
PROGRESS = Text(
    "已决定 {done}/{total} 个村，第 {index} 个：{code} {name}（{office}）",
    "decided {done}/{total} villages, #{index}: {code} {name} ({office})",
)
PRESENT = Text("出席：{names}", "Present: {names}")
NO_ATTENDEES = Text("请先登记出席人员", "Record who attends first")
WHY_FAIL = Text("{code} {criterion} 不达标的理由", "Why {criterion} fails in {code}")
WHY_OVERRIDE = Text(
    "{code} {criterion} 改判为{verdict}的理由（与数据相反时必填）",
    "Why {criterion} in {code} becomes {verdict} (needed against the data)",
)
ALL_PASS = Text(
    "其余 {count} 个尚未决定的村，G1、G2 全部达标？",
    "G1 and G2 pass for the {count} villages not yet decided?",
)
NOTHING_TO_UNDO = Text("没有可撤销的决定", "Nothing to undo")
UNDONE = Text("已撤销 {code} {criterion} 的决定", "Took back the decision on {criterion} in {code}")
MINUTES_WRITTEN = Text("会议纪要已保存：{path}", "Minutes written: {path}")
LAST = Text("上一个决定：{what}", "Last decision: {what}")


@dataclass(frozen=True, slots=True)
class Step:
    """One decision made in this meeting, and the decision it replaced (None: there was none)."""

    village: str
    criterion: str
    before: Decision | None


MORE_KEYS = (
    "meeting.undo",
    "meeting.previous",
    "meeting.evidence",
    "meeting.all_pass",
    "app.palette",
)
"""Keys listed under the village's row rather than in the footer, which 80 columns cannot hold."""


class MeetingScreen(PinganAccess, Screen[None]):
    """The meeting: attendance, then each village's row and its decisions in a few keys."""

    CSS_PATH = "meeting.tcss"
    BINDINGS = keys.owned("meeting")

    def __init__(self, quarter: Quarter) -> None:
        super().__init__()
        self.quarter = quarter
        self.attendees: list[str] = []
        self.villages: list[Village] = []
        self.index = 0
        self.steps: list[Step] = []
        self.last = ""

    def compose(self) -> ComposeResult:
        yield Static(id="meeting-title")
        yield Input(id="meeting-attendees")
        yield Static(id="meeting-present")
        yield Static(id="meeting-progress")
        yield DataTable(id="meeting-row", cursor_type="cell")
        yield Static(id="meeting-last")
        yield Static(id="meeting-keys")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        keys.follow_language(self)
        self.watch(self.app, "lang", self._show_more_keys, init=False)
        lang = self.pingan.lang
        self.query_one("#meeting-title", Static).update(
            escape(tr(TITLE, lang, quarter=self.quarter))
        )
        field = self.query_one("#meeting-attendees", Input)
        field.placeholder = tr(ATTENDEES, lang)
        self.set_focus(field)
        self.villages = agenda(Engine(self.pingan.store, self.pingan.host).grid(self.quarter))
        table = self.query_one("#meeting-row", DataTable)
        table.add_columns(*CRITERION_CODES)
        table.display = False

    def _show_more_keys(self, lang: str) -> None:
        """The meeting keys the footer leaves out, so that it fits 80 columns, with Ctrl+P.

        A key as the town's keymap binds it, else (Enter, which the row's table shadows in
        the active bindings) as the registry does.
        """
        bound = {a.binding.id: a.binding for a in self.active_bindings.values() if a.binding.id}
        parts = []
        for binding_id in MORE_KEYS:
            spec = key_specs.SPECS[binding_id]
            binding = bound.get(binding_id) or spec.binding(lang)
            parts.append(f"{self.app.get_key_display(binding)} {tr(spec.description, lang)}")
        self.query_one("#meeting-keys", Static).update(escape("   ".join(parts)))

    @on(Input.Submitted, "#meeting-attendees")
    def _attendees(self, event: Input.Submitted) -> None:
        names = [n.strip() for n in event.value.replace("、", ",").split(",") if n.strip()]
        if not names:
            self.notify(tr(NO_ATTENDEES, self.pingan.lang), severity="warning")
            return
        self.attendees = names
        event.input.display = False
        self.query_one("#meeting-present", Static).update(
            escape(tr(PRESENT, self.pingan.lang, names="、".join(names)))
        )
        table = self.query_one("#meeting-row", DataTable)
        table.display = True
        table.focus()
        self.show()

    @property
    def started(self) -> bool:
        return bool(self.attendees)

    @property
    def village(self) -> Village | None:
        return self.villages[self.index] if self.villages else None

    def cells(self, village: Village) -> dict[str, Cell]:
        engine = Engine(self.pingan.store, self.pingan.host)
        return {c: engine.cell(self.quarter, village.code, c) for c in CRITERION_CODES}

    def show(self) -> None:
        """The current village's row and the meeting's progress."""
        village = self.village
        if village is None or not self.started:
            return
        lang = self.pingan.lang
        done = settled(self.pingan.store, self.quarter)
        self.query_one("#meeting-progress", Static).update(
            escape(
                tr(
                    PROGRESS,
                    lang,
                    done=len(done & {v.code for v in self.villages}),
                    total=len(self.villages),
                    index=self.index + 1,
                    code=village.code,
                    name=village.name,
                    office=village.office,
                )
            )
        )
        table = self.query_one("#meeting-row", DataTable)
        column = table.cursor_coordinate.column
        table.clear()
        cells = self.cells(village)
        table.add_row(
            *(
                f"[{STATE_STYLES[cells[c].state].text}]{STATE_SYMBOLS[cells[c].state]}[/]"
                for c in CRITERION_CODES
            ),
            key=village.code,
        )
        table.cursor_coordinate = Coordinate(0, column)
        self.query_one("#meeting-last", Static).update(
            escape(tr(LAST, lang, what=self.last)) if self.last else ""
        )
        self.call_after_refresh(self._show_more_keys, lang)

    # deciding

    def _decide(self, criterion: str, passed: bool, reason: str = "") -> bool:
        """Decide through the action; a refusal is shown as a notice and False returned."""
        app = self.pingan
        try:
            return self._apply(criterion, passed, reason)
        except Refusal as exc:
            app.notify(" ".join(exc.render(app.lang)), severity="error", timeout=10)
            return False

    def _apply(self, criterion: str, passed: bool, reason: str = "") -> bool:
        """Decide through the action and remember the step; a Refusal propagates."""
        village = self.village
        if village is None:
            return False
        app = self.pingan
        before = next(
            (
                d
                for d in app.store.decisions(self.quarter)
                if d.village == village.code and d.criterion == criterion
            ),
            None,
        )
        actions.decide(
            app.action_context(),
            self.quarter,
            village.code,
            criterion,
            passed,
            reason,
            replace=True,
        )
        self.steps.append(Step(village.code, criterion, before))
        verdict = STATE_NAMES[State.PASS if passed else State.FAIL]
        self.last = f"{village.code} {criterion} {tr(verdict, app.lang)} {reason}".strip()
        app.notify_data_changed(self.quarter)
        return True

    def action_pass_village(self) -> None:
        if not self.started:
            return
        village = self.village
        if village is None:
            return
        if all(self._decide(c, True) for c in MEETING_CRITERIA):
            verdict = tr(STATE_NAMES[State.PASS], self.pingan.lang)
            decided = ", ".join(f"{c} {verdict}" for c in MEETING_CRITERIA)
            self.last = f"{village.code} {decided}"
            self.action_move(1)

    def action_fail(self, criterion: str) -> None:
        village = self.village
        if not self.started or village is None:
            return
        question = Text(
            WHY_FAIL.zh.format(code=village.code, criterion=criterion),
            WHY_FAIL.en.format(code=village.code, criterion=criterion),
        )

        def answered(reason: str | None) -> None:
            if reason is not None:
                self.show()

        def attempt(reason: str) -> None:
            self._apply(criterion, False, reason)

        self.app.push_screen(ReasonScreen(question, attempt=attempt), callback=answered)

    def _cursor_criterion(self) -> str:
        return CRITERION_CODES[self.query_one("#meeting-row", DataTable).cursor_coordinate.column]

    def action_override(self) -> None:
        village = self.village
        if not self.started or village is None:
            return
        criterion = self._cursor_criterion()
        passed = self.cells(village)[criterion].state is not State.PASS
        verdict = STATE_NAMES[State.PASS if passed else State.FAIL]
        question = Text(
            WHY_OVERRIDE.zh.format(code=village.code, criterion=criterion, verdict=verdict.zh),
            WHY_OVERRIDE.en.format(code=village.code, criterion=criterion, verdict=verdict.en),
        )

        def answered(reason: str | None) -> None:
            if reason is not None:
                self.show()

        def attempt(reason: str) -> None:
            self._apply(criterion, passed, reason)

        self.app.push_screen(ReasonScreen(question, attempt=attempt), callback=answered)

    def action_undo(self) -> None:
        app = self.pingan
        if not self.steps:
            app.notify(tr(NOTHING_TO_UNDO, app.lang), severity="warning")
            return
        step = self.steps.pop()
        ctx = app.action_context()
        try:
            if step.before is None:
                actions.withdraw_decision(ctx, self.quarter, step.village, step.criterion)
            else:
                actions.decide(
                    ctx,
                    self.quarter,
                    step.village,
                    step.criterion,
                    step.before.passed,
                    step.before.reason,
                    replace=True,
                )
        except Refusal as exc:
            app.notify(" ".join(exc.render(app.lang)), severity="error", timeout=10)
            return
        app.notify(tr(UNDONE, app.lang, code=step.village, criterion=step.criterion))
        self.index = next(
            (i for i, v in enumerate(self.villages) if v.code == step.village), self.index
        )
        self.last = ""
        app.notify_data_changed(self.quarter)
        self.show()

    def action_move(self, step: int) -> None:
        if not self.started or not self.villages:
            return
        self.index = max(0, min(len(self.villages) - 1, self.index + step))
        self.show()

    def action_all_pass(self) -> None:
        if not self.started:
            return
        app = self.pingan
        done = settled(app.store, self.quarter)
        rest = [v.code for v in self.villages if v.code not in done]
        if not rest:
            return

        def confirmed(yes: bool | None) -> None:
            if not yes:
                return
            ctx = app.action_context()
            decided = {(d.village, d.criterion) for d in app.store.decisions(self.quarter)}
            for criterion in MEETING_CRITERIA:
                codes = [c for c in rest if (c, criterion) not in decided]
                try:
                    made = actions.decide_many(ctx, self.quarter, codes, criterion, True)
                except Refusal as exc:
                    app.notify(" ".join(exc.render(app.lang)), severity="error", timeout=10)
                    return
                self.steps.extend(Step(m.village.code, criterion, None) for m in made)
            app.notify_data_changed(self.quarter)
            self.show()

        self.app.push_screen(
            ConfirmScreen(
                Text(ALL_PASS.zh.format(count=len(rest)), ALL_PASS.en.format(count=len(rest)))
            ),
            callback=confirmed,
        )

    def action_evidence(self) -> None:
        from tui.screens.evidence import EvidenceScreen

        village = self.village
        if not self.started or village is None:
            return
        criterion = self._cursor_criterion()
        self.app.push_screen(EvidenceScreen(self.quarter, village, self.cells(village)[criterion]))

    def action_end(self) -> None:
        """Write the minutes when anyone attended, then leave meeting mode."""
        app = self.pingan
        if self.started:
            try:
                done = actions.record_meeting(
                    app.action_context(), self.quarter, self.attendees, lang=app.lang
                )
            except Refusal as exc:
                app.notify(" ".join(exc.render(app.lang)), severity="error", timeout=10)
                return
            path = minutes_path(app.store.layout.folder, self.quarter, done.id)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(done.minutes, encoding="utf-8")
            app.notify(tr(MINUTES_WRITTEN, app.lang, path=path), timeout=10)
        self.dismiss()


def minutes_path(folder: Path, quarter: Quarter, meeting_id: int) -> Path:
    """Where a meeting's minutes are written as Markdown: minutes/Q-meeting-ID.md.

    One file per meeting, so a second meeting of the quarter never overwrites the first's.
    """
    return folder / "minutes" / f"{quarter}-meeting-{meeting_id}.md"
