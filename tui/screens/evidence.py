"""The evidence of one grid cell: its state, the meeting decision, each finding and its records."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text as RichText
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Static

from plugins.api import State
from plugins.criteria import BY_CODE
from plugins.engine import Cell, CellFinding, verdict_state
from plugins.i18n import local_time
from store import Quarter, Record, StoreError, Village
from tui import keys
from tui.app_access import PinganAccess
from tui.screens.history import HistoryScreen
from tui.state_styles import STATE_STYLES
from tui.symbols import STATE_SYMBOLS, state_name
from tui.text import tr


def state_text(state: State, lang: str) -> RichText:
    """A state as its symbol and word, in its colour."""
    return RichText(f"{STATE_SYMBOLS[state]} {state_name(state, lang)}", STATE_STYLES[state].text)


class EvidenceLoaded(Message):
    """The records behind a cell, read in a worker; an int stands for a record no longer stored."""

    def __init__(self, records: list[Record | int], village_names: dict[str, str]) -> None:
        super().__init__()
        self.records = records
        self.village_names = village_names


class EvidenceScreen(PinganAccess, ModalScreen[None]):
    """Why a cell has its state: the decision and its reason, the findings, every record."""

    CSS_PATH = "evidence.tcss"
    BINDINGS = keys.owned("evidence")

    def __init__(self, quarter: Quarter, village: Village, cell: Cell) -> None:
        super().__init__()
        self.quarter = quarter
        self.village = village
        self.cell = cell
        self.village_names: dict[str, str] = {village.code: village.name}
        self.records: list[Record | int] | None = None
        """The records behind the cell once loaded, in evidence order."""

    def compose(self) -> ComposeResult:
        with Vertical(id="evidence"):
            with VerticalScroll(id="evidence-body"):
                yield Static(id="evidence-title")
                yield Static(id="evidence-state")
                yield Static(id="evidence-decision")
                yield Static(id="evidence-findings-title", classes="heading")
                yield VerticalScroll(id="evidence-findings")
                yield Static(id="evidence-records-title", classes="heading")
                yield VerticalScroll(id="evidence-records")
            yield Static(id="evidence-hint")

    def on_mount(self) -> None:
        keys.follow_language(self)
        self.watch(self.app, "lang", self._relabel, init=False)
        self._render_all()
        self._load_records(self.cell.evidence)

    def _relabel(self, lang: str) -> None:
        self._render_all()

    async def action_edit_record(self) -> None:
        """Edit the record behind the cell; with several, list the village's records instead."""
        from tui.screens.record_actions import edit_record
        from tui.screens.records import RecordsScreen

        stored = [r for r in self.records or [] if isinstance(r, Record)]
        if not stored:
            self.notify(tr("evidence.no_records", self.pingan.lang), severity="warning")
        elif len(stored) == 1:
            edit_record(self.pingan, stored[0])
        else:
            await self.app.push_screen(
                RecordsScreen(village=self.village.code, focus_record=stored[0].id)
            )

    async def action_history(self) -> None:
        """Show every audit entry behind this cell."""
        await self.app.push_screen(HistoryScreen(self.quarter, self.village, self.cell.criterion))

    @work(thread=True, exit_on_error=False, group="evidence")
    def _load_records(self, ids: Sequence[int]) -> None:
        store = self.pingan.store
        found: list[Record | int] = []
        names: dict[str, str] = {}
        try:
            for record_id in ids:
                record = store.record(record_id)
                found.append(record if record is not None else record_id)
            names = {v.code: v.name for v in store.villages(active_only=False)}
        except StoreError as exc:
            self.app.call_from_thread(
                self.notify,
                tr("notice.read_failed", self.pingan.lang, reason=exc),
                severity="error",
            )
        self.post_message(EvidenceLoaded(found, names))

    @on(EvidenceLoaded)
    def _records_loaded(self, message: EvidenceLoaded) -> None:
        self.records = message.records
        self.village_names.update(message.village_names)
        self._render_records()

    # rendering

    def _render_all(self) -> None:
        lang = self.pingan.lang
        cell = self.cell
        self.query_one("#evidence-title", Static).update(
            RichText(
                tr(
                    "evidence.title",
                    lang,
                    village=self.village.name,
                    quarter=self.quarter,
                    code=cell.criterion,
                    criterion=tr(BY_CODE[cell.criterion].name, lang),
                ),
                style="bold",
            )
        )
        state = RichText(tr("evidence.state", lang, state=""))
        state.append_text(state_text(cell.state, lang))
        if cell.decision is not None and cell.data_state is not cell.state:
            state.append("   " + tr("evidence.data_state", lang, state=""))
            state.append_text(state_text(cell.data_state, lang))
        self.query_one("#evidence-state", Static).update(state)
        self._render_decision()
        self._render_findings()
        self._render_records()
        self.query_one("#evidence-hint", Static).update(RichText(tr("help.close", lang)))

    def _render_decision(self) -> None:
        lang = self.pingan.lang
        widget = self.query_one("#evidence-decision", Static)
        decision = self.cell.decision
        widget.display = decision is not None
        if decision is None:
            return
        verdict = state_name(verdict_state(decision.passed), lang)
        text = RichText(tr("evidence.decision_head", lang), style="bold")
        text.append(
            tr(
                "evidence.decision_line",
                lang,
                verdict=verdict,
                actor=decision.actor,
                at=local_time(decision.at),
            )
        )
        if self.cell.against_data(decision.passed):
            text.append(tr("evidence.against_data", lang), style="bold yellow")
        reason = decision.reason.strip()
        text.append("\n")
        text.append(
            tr("evidence.reason", lang, reason=reason) if reason else tr("evidence.no_reason", lang)
        )
        widget.update(text)

    def _unit_name(self, unit: str) -> str:
        spec = self.pingan.host.registry.units.get(unit)
        return tr(spec.name, self.pingan.lang) if spec is not None else unit

    def _render_findings(self) -> None:
        lang = self.pingan.lang
        self.query_one("#evidence-findings-title", Static).update(
            RichText(tr("evidence.findings", lang), style="bold")
        )
        box = self.query_one("#evidence-findings", VerticalScroll)
        box.remove_children()
        widgets: list[Static] = [self._finding_widget(f) for f in self.cell.findings]
        if not self.cell.findings:
            widgets.append(Static(RichText(tr("evidence.no_findings", lang))))
        if self.cell.waiting_for:
            units = ", ".join(self._unit_name(u) for u in self.cell.waiting_for)
            widgets.append(
                Static(RichText(tr("evidence.waiting", lang, units=units), style="yellow"))
            )
        box.mount_all(widgets)

    def _finding_widget(self, finding: CellFinding) -> Static:
        lang = self.pingan.lang
        text = state_text(finding.state, lang)
        text.append(
            "  "
            + tr(
                "evidence.finding", lang, unit=self._unit_name(finding.unit), plugin=finding.plugin
            )
        )
        text.append("\n" + tr(finding.message, lang))
        if finding.evidence:
            text.append("\n" + " ".join(f"#{i}" for i in finding.evidence), style="dim")
        classes = "finding error-panel" if finding.state is State.ERROR else "finding"
        return Static(text, classes=classes)

    def _render_records(self) -> None:
        lang = self.pingan.lang
        title = self.query_one("#evidence-records-title", Static)
        box = self.query_one("#evidence-records", VerticalScroll)
        box.remove_children()
        if self.records is None:
            title.update(RichText(tr("evidence.loading", lang), style="bold"))
            return
        if not self.records:
            title.update(RichText(tr("evidence.no_records", lang), style="bold"))
            return
        title.update(RichText(tr("evidence.records", lang, count=len(self.records)), style="bold"))
        box.mount_all([self._record_widget(r) for r in self.records])

    def _record_widget(self, record: Record | int) -> Static:
        lang = self.pingan.lang
        if isinstance(record, int):
            return Static(RichText(tr("evidence.record_missing", lang, id=record), style="dim"))
        registry = self.pingan.host.registry
        record_type = registry.record_types.get(record.type)
        type_label = tr(record_type.label, lang) if record_type is not None else record.type
        text = RichText(
            tr(
                "evidence.record_head",
                lang,
                id=record.id,
                type=type_label,
                date=record.date.isoformat(),
                unit=self._unit_name(record.unit),
            ),
            style="bold",
        )
        village_names = self.village_names
        if record_type is None:
            rows = [(name, str(value)) for name, value in sorted(record.fields.items())]
        else:
            rows = [
                (tr(f.label, lang), f.display(record.fields.get(f.name), lang, village_names))
                for f in record_type.all_fields()
                if f.name not in ("date", "village")
            ]
        rows.append(
            (tr("evidence.village", lang), village_names.get(record.village, record.village))
        )
        if record.author:
            rows.append((tr("evidence.author", lang), record.author))
        for label, value in rows:
            if value:
                text.append("\n  " + tr("evidence.field", lang, label=label), style="dim")
                text.append(value)
        return Static(text, classes="record")
