"""The record form: generated from a record type's schema, for a new record or an edit of one.

Every field is checked by the schema itself (`Field.parse`, `RecordType.validate`), so the
form refuses exactly what an import would refuse; the write runs in a thread worker.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.markup import escape
from textual.message import Message
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Button, Input, Label, Select, SelectionList, Switch

from plugins import actions
from plugins.actions import ActionContext, Refusal
from plugins.api import State
from plugins.i18n import LANGS, Text
from plugins.schema import REQUIRED, Field, FieldError, FieldProblem, Kind, RecordType
from store import Quarter, Record, StoreError, Village
from tui import keys
from tui.app_access import PinganAccess
from tui.screens.confirm import ConfirmScreen
from tui.symbols import STATE_SYMBOLS
from tui.text import tr
from tui.widgets.tick_list import TickList
from tui.widgets.village_picker import VillagePicker

DATE_LENGTH = len("2022-01-01")
DATE_FORMS_LENGTH = len("2022年12月31日 00:00:00")
NO_VILLAGE_CHOSEN = Text("请从列表中选择一个村", "choose a village from the list")
SAVED_TO = Text("已保存到 {quarter}（记录 {id}）", "saved to {quarter} (record {id})")
GO_THERE = Text(
    "记录 {id} 已保存到 {quarter}，而屏幕显示的是 {shown}。转到 {quarter}？",
    "Record {id} was saved to {quarter}, but the screen shows {shown}. Go to {quarter}?",
)
DISCARD = Text(
    "放弃已填写的内容？记录不会保存。", "Discard what you entered? The record is not saved."
)
DISCARD_YES = Text("放弃 (y)", "Discard (y)")
KEEP_EDITING = Text("继续填写 (n)", "Keep editing (n)")
GO_YES = Text("转到 {quarter} (y)", "Go to {quarter} (y)")
STAY = Text("留在 {shown} (n)", "Stay on {shown} (n)")
FIX_ERRORS = Text(
    "有 {count} 处需要更正，未保存：{fields}",
    "{count} field(s) to correct; nothing saved: {fields}",
)
NEW = Text("新建：{type}", "New: {type}")
EDIT = Text("修改：{type}", "Edit: {type}")
SAVE = Text("保存 (ctrl+s)", "Save (ctrl+s)")
CANCEL = Text("取消 (esc)", "Cancel (esc)")
CHOOSE = Text("请选择", "Choose")


def field_id(name: str) -> str:
    return f"field-{name}"


def error_id(name: str) -> str:
    return f"error-{name}"


class RecordFormScreen(PinganAccess, ModalScreen[int | None]):
    """A modal form for one record type; dismisses with the saved record's id, or None."""

    CSS_PATH = "record_form.tcss"

    BINDINGS = keys.owned("record_form")

    class Saved(Message):
        """The worker stored the record; quarters are those whose data changed."""

        def __init__(
            self,
            record_id: int,
            quarter: Quarter,
            quarters: tuple[Quarter, ...],
            villages: tuple[str, ...] = (),
        ) -> None:
            super().__init__()
            self.record_id = record_id
            self.quarter = quarter
            """The quarter the record is dated in, where it counts."""
            self.quarters = quarters
            self.villages = villages
            """The villages whose data changed: the record's, and its former one on an edit."""

    class SaveFailed(Message):
        """The worker could not store the record; reason is for the user."""

        def __init__(self, reason: Text) -> None:
            super().__init__()
            self.reason = reason

    def __init__(
        self,
        record_type: RecordType,
        *,
        record: Record | None = None,
        village: str | None = None,
        day: date | None = None,
    ) -> None:
        super().__init__()
        self.record_type = record_type
        self.record = record
        self._village = record.village if record else village
        self._day = record.date if record else day
        self._villages: list[Village] = []
        self._errors: dict[str, Text] = {}
        self._form_error: Text | None = None
        self._tried_save = False
        self._saving = False
        self._started_with: dict[str, Any] = {}

    @property
    def lang(self) -> str:
        return self.pingan.lang

    # building

    def compose(self) -> ComposeResult:
        lang = self.lang
        self._villages = [  # active villages, plus an inactive one an old record names
            v
            for v in self.pingan.store.villages(active_only=False)
            if v.active or v.code == self._village
        ]
        with Vertical(id="record-form"):
            yield Label(escape(self._title(lang)), id="form-title")
            with VerticalScroll(id="form-fields"):
                for f in self.record_type.all_fields():
                    with Vertical(classes="field-row", id=f"row-{f.name}"):
                        yield Label(escape(self._label_text(f, lang)), classes="field-label")
                        yield self._widget_for(f, lang)
                        yield Label("", id=error_id(f.name), classes="field-error")
            yield Label("", id="form-error")
            with Horizontal(id="form-buttons"):
                yield Button(tr(SAVE, lang), id="save", variant="primary")
                yield Button(tr(CANCEL, lang), id="cancel")

    def _title(self, lang: str) -> str:
        action = EDIT if self.record else NEW
        return tr(action, lang, type=tr(self.record_type.label, lang))

    def _label_text(self, f: Field, lang: str) -> str:
        text = tr(f.label, lang)
        return f"{text} *" if f.required else text

    def _initial(self, f: Field) -> Any:
        if f.name == "date":
            return self._day.isoformat() if self._day else None
        if f.name == "village":
            return self._village
        return self.record.fields.get(f.name) if self.record else None

    def _widget_for(self, f: Field, lang: str) -> Widget:
        value = self._initial(f)
        wid = field_id(f.name)
        tip = tr(f.label, lang)
        if f.kind is Kind.ENUM:
            chosen = value if value in f.choice_values() else Select.NULL
            return Select(
                _choice_options(f, lang),
                value=chosen,
                allow_blank=True,
                prompt=tr(CHOOSE, lang),
                id=wid,
                tooltip=tip,
            )
        if f.kind is Kind.MULTI_ENUM:
            selected = set(value or ())
            choices = TickList[str](
                *[(tr(c.label, lang), c.value, c.value in selected) for c in f.choices],
                id=wid,
            )
            choices.tooltip = tip
            return choices
        if f.kind is Kind.BOOL:
            return Switch(value=bool(value), id=wid, tooltip=tip)
        if f.kind is Kind.VILLAGE:
            return VillagePicker(self._villages, value=value, id=wid)
        text = "" if value is None else str(value)
        if f.kind is Kind.INT:
            # no type="integer": that drops a letter without a word, the schema says why
            return Input(value=text, placeholder=_int_hint(f), id=wid, tooltip=tip)
        if f.kind is Kind.DATE:
            return Input(
                value=text,
                placeholder="YYYY-MM-DD",
                max_length=DATE_FORMS_LENGTH,
                id=wid,
                tooltip=tip,
            )
        return Input(value=text, id=wid, tooltip=tip)

    def on_mount(self) -> None:
        keys.follow_language(self)
        self.watch(self.app, "lang", self._relabel, init=False)
        first = next(iter(self.record_type.all_fields()))
        # unscrolled, so the first field's label stays above its box
        self.set_focus(self.query_one(f"#{field_id(first.name)}"), scroll_visible=False)
        self._started_with = self.raw_values()

    def _relabel(self, lang: str) -> None:
        """Relabel the form in lang in place: what is typed, chosen and shown as wrong stays."""
        self.query_one("#form-title", Label).update(escape(self._title(lang)))
        for f in self.record_type.all_fields():
            row = self.query_one(f"#row-{f.name}")
            row.query_one(".field-label", Label).update(escape(self._label_text(f, lang)))
            widget = self.query_one(f"#{field_id(f.name)}")
            widget.tooltip = tr(f.label, lang)
            if isinstance(widget, Select):
                chosen = widget.selection
                with widget.prevent(Select.Changed):
                    widget.set_options(_choice_options(f, lang))
                    widget.prompt = tr(CHOOSE, lang)
                    if chosen is not None:
                        widget.value = chosen
            elif isinstance(widget, SelectionList):
                for index, choice in enumerate(f.choices):
                    widget.replace_option_prompt_at_index(index, tr(choice.label, lang))
            if f.name in self._errors:
                self._show_error(f.name, self._errors[f.name])
        self.query_one("#save", Button).label = tr(SAVE, lang)
        self.query_one("#cancel", Button).label = tr(CANCEL, lang)
        self._show_form_error(self._form_error)

    # reading and checking

    def raw_values(self) -> dict[str, Any]:
        """What the form holds, field by field, before the schema parses it."""
        raw: dict[str, Any] = {}
        for f in self.record_type.all_fields():
            widget = self.query_one(f"#{field_id(f.name)}")
            if isinstance(widget, Select):
                raw[f.name] = widget.selection
            elif isinstance(widget, SelectionList):
                raw[f.name] = list(widget.selected)
            elif isinstance(widget, Switch | VillagePicker | Input):
                raw[f.name] = widget.value
        return raw

    @property
    def errors(self) -> dict[str, Text]:
        """The errors shown now, by field name, in both languages."""
        return dict(self._errors)

    def show_errors(self, errors: list[FieldError]) -> None:
        """Show each error under its field and clear the others."""
        by_field: dict[str, Text] = {}
        for error in errors:
            by_field.setdefault(error.field, error.message)
        for f in self.record_type.all_fields():
            self._show_error(f.name, by_field.get(f.name))

    def _show_error(self, name: str, reason: Text | None) -> None:
        """Show reason under the field in the interface language (None clears it)."""
        label = self.query_one(f"#{error_id(name)}", Label)
        if reason is not None:
            self._errors[name] = reason
            label.update(f"{STATE_SYMBOLS[State.FAIL]} {escape(tr(reason, self.lang))}")
        else:
            self._errors.pop(name, None)
            label.update("")
        label.set_class(reason is not None, "-shown")
        self.query_one(f"#row-{name}").set_class(reason is not None, "-invalid")

    def _check_one(self, f: Field, raw: Any) -> None:
        """Parse one field as the user edits it; a half-typed date is not an error yet."""
        half_typed = isinstance(raw, str) and 0 < len(raw) < DATE_LENGTH
        if f.kind is Kind.DATE and half_typed and not self._tried_save:
            self._show_error(f.name, None)
            return
        try:
            value = f.parse(raw)
        except ValueError as exc:
            self._show_error(f.name, FieldProblem.message_of(exc))
            return
        if self._tried_save and f.required and value in (None, []):
            self._show_error(f.name, REQUIRED)
            return
        self._show_error(f.name, None)

    def _field_of(self, widget: Widget | None) -> Field | None:
        if widget is None or not widget.id or not widget.id.startswith("field-"):
            return None
        return self.record_type.field(widget.id.removeprefix("field-"))

    @on(Input.Changed)
    def _input_changed(self, event: Input.Changed) -> None:
        f = self._field_of(event.input)
        if f is not None:
            self._check_one(f, event.value)

    @on(Select.Changed)
    def _select_changed(self, event: Select.Changed) -> None:
        f = self._field_of(event.select)
        if f is not None:
            self._check_one(f, event.select.selection)

    @on(SelectionList.SelectedChanged)
    def _selection_changed(self, event: SelectionList.SelectedChanged[Any]) -> None:
        f = self._field_of(event.selection_list)
        if f is not None:
            self._check_one(f, list(event.selection_list.selected))

    @on(VillagePicker.Changed)
    def _village_changed(self, event: VillagePicker.Changed) -> None:
        f = self._field_of(event.picker)
        if f is not None and (event.value is not None or self._tried_save):
            self._check_one(f, event.value)

    # saving

    @on(Button.Pressed, "#save")
    def _save_pressed(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()

    def action_cancel(self) -> None:
        """Close without saving; ask first when something was typed or chosen."""
        if self._saving:
            return
        if self.raw_values() == self._started_with:
            self.dismiss(None)
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        self.app.push_screen(
            ConfirmScreen(DISCARD, yes=DISCARD_YES, no=KEEP_EDITING), callback=answered
        )

    def validate(self) -> tuple[dict[str, Any], list[FieldError]]:
        """Parse the whole form with the record type's schema, plus the village search box."""
        known = {v.code for v in self._villages}
        clean, errors = self.record_type.validate(self.raw_values(), known)
        for picker in self.query(VillagePicker):
            f = self._field_of(picker)
            if f is not None and picker.value is None and picker.query_text.strip():
                errors = [e for e in errors if e.field != f.name]
                errors.append(FieldError(f.name, NO_VILLAGE_CHOSEN))
        return clean, errors

    def action_save(self) -> None:
        """Validate every field; write in a worker only when nothing is wrong."""
        if self._saving:
            return
        self._tried_save = True
        clean, errors = self.validate()
        self.show_errors(errors)
        if errors:
            wrong = [f for f in self.record_type.all_fields() if f.name in self._errors]
            self._show_form_error(fix_errors(wrong))
            first = wrong[0]
            self.query_one(f"#{field_id(first.name)}").focus()
            self.query_one(f"#row-{first.name}").scroll_visible(top=True, animate=False)
            return
        self._show_form_error(None)
        self._saving = True
        self.query_one("#save", Button).disabled = True
        self._write(self.pingan.action_context(), clean, self.record)

    def _show_form_error(self, error: Text | None) -> None:
        """Show a message about the whole form under the fields (None clears it)."""
        self._form_error = error
        text = tr(error, self.lang) if error is not None else ""
        self.query_one("#form-error", Label).update(escape(text))

    @work(thread=True, exclusive=True, group="record-form", exit_on_error=False)
    def _write(self, ctx: ActionContext, values: dict[str, Any], old: Record | None) -> None:
        """Store the record (add or edit) through the actions layer; post Saved or SaveFailed."""
        try:
            if old is None:
                saved = actions.add_record(ctx, self.record_type.name, values)
            else:
                saved = actions.edit_record(ctx, old.id, values, expected_rev=old.rev)
        except Refusal as exc:
            self.post_message(
                self.SaveFailed(Text(*(" ".join(exc.render(lang)) for lang in LANGS)))
            )
        except StoreError as exc:
            self.post_message(self.SaveFailed(not_saved(exc)))
        else:
            record = saved.record
            villages = (record.village, *((old.village,) if old is not None else ()))
            self.post_message(
                self.Saved(record.id, Quarter.of(record.date), saved.quarters, villages)
            )

    @on(Saved)
    def _saved(self, message: Saved) -> None:
        for quarter in message.quarters:
            self.pingan.notify_data_changed(quarter, villages=message.villages)
        app = self.pingan
        where, shown = message.quarter, app.quarter
        app.notify(tr(SAVED_TO, self.lang, id=message.record_id, quarter=where))
        self.dismiss(message.record_id)
        if where != shown:

            def go(yes: bool | None) -> None:
                if yes:
                    app.quarter = where

            values = {"id": message.record_id, "quarter": where, "shown": shown}
            question = ConfirmScreen(
                GO_THERE.format(**values), yes=GO_YES.format(**values), no=STAY.format(**values)
            )
            # pushed once the form is gone, so the answer goes to the screen beneath it
            app.call_later(app.push_screen, question, go)

    @on(SaveFailed)
    def _save_failed(self, message: SaveFailed) -> None:
        self._saving = False
        self.query_one("#save", Button).disabled = False
        self._show_form_error(message.reason)
        self.notify(tr(message.reason, self.lang), severity="error")


def fix_errors(wrong: Sequence[Field]) -> Text:
    """The form's message naming each field to correct by its label, in both languages."""
    return Text(
        FIX_ERRORS.zh.format(count=len(wrong), fields="、".join(f.label.zh for f in wrong)),
        FIX_ERRORS.en.format(count=len(wrong), fields=", ".join(f.label.en for f in wrong)),
    )


def not_saved(error: StoreError) -> Text:
    """Why the store did not save, in both languages."""
    return Text(f"未保存：{error.message.zh}", f"Not saved: {error.message.en}")


def _choice_options(f: Field, lang: str) -> list[tuple[str, str]]:
    return [(tr(c.label, lang), c.value) for c in f.choices]


def _int_hint(f: Field) -> str:
    if f.minimum is not None and f.maximum is not None:
        return f"{f.minimum}..{f.maximum}"
    if f.minimum is not None:
        return f">= {f.minimum}"
    if f.maximum is not None:
        return f"<= {f.maximum}"
    return ""
