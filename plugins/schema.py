"""Record-type schemas: typed bilingual fields, and parsing of text input into stored values."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from enum import StrEnum
from typing import Any

from plugins.i18n import Text

TRUE_WORDS = frozenset({"true", "1", "是", "yes", "y"})
FALSE_WORDS = frozenset({"false", "0", "否", "no", "n"})
MULTI_SEPARATOR = ";"


class Kind(StrEnum):
    """The kinds of field a record type may declare."""

    DATE = "date"
    INT = "int"
    BOOL = "bool"
    ENUM = "enum"
    MULTI_ENUM = "multi-enum"
    TEXT = "text"
    VILLAGE = "village"


@dataclass(frozen=True, slots=True)
class Choice:
    """One allowed value of an enum field, with its labels."""

    value: str
    label: Text


@dataclass(frozen=True, slots=True)
class Field:
    """One field of a record type."""

    name: str
    kind: Kind
    label: Text
    required: bool = False
    choices: tuple[Choice, ...] = ()
    minimum: int | None = None
    maximum: int | None = None

    def choice_values(self) -> tuple[str, ...]:
        """The stored values an enum field allows, in declared order."""
        return tuple(c.value for c in self.choices)

    def choice_label(self, value: str, lang: str) -> str:
        """The label of an enum value in lang; the value itself if it is not a choice."""
        for c in self.choices:
            if c.value == value:
                return c.label.get(lang)
        return value

    def parse(self, raw: Any) -> Any:
        """Turn text (or an already typed value) into the stored JSON value; ValueError says why.

        Empty input gives None; required-ness is checked by RecordType.validate.
        """
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            return [] if self.kind is Kind.MULTI_ENUM else None
        if self.kind is Kind.DATE:
            return _parse_date(raw)
        if self.kind is Kind.INT:
            return self._parse_int(raw)
        if self.kind is Kind.BOOL:
            return _parse_bool(raw)
        if self.kind is Kind.ENUM:
            return self._parse_choice(str(raw).strip())
        if self.kind is Kind.MULTI_ENUM:
            items = (
                raw
                if isinstance(raw, list | tuple | set | frozenset)
                else str(raw).split(MULTI_SEPARATOR)
            )
            values = [self._parse_choice(str(item).strip()) for item in items if str(item).strip()]
            return sorted(set(values), key=self.choice_values().index)
        return str(raw).strip()

    def _parse_int(self, raw: Any) -> int:
        if isinstance(raw, bool):
            raise ValueError(f"expected a whole number, got {raw!r}")
        if isinstance(raw, int):
            value = raw
        elif isinstance(raw, float) and raw.is_integer():
            value = int(raw)
        else:
            text = str(raw).strip()
            try:
                value = int(text)
            except ValueError:
                raise ValueError(f"expected a whole number, got {text!r}") from None
        if self.minimum is not None and value < self.minimum:
            raise ValueError(f"{value} is below the minimum {self.minimum}")
        if self.maximum is not None and value > self.maximum:
            raise ValueError(f"{value} is above the maximum {self.maximum}")
        return value

    def _parse_choice(self, text: str) -> str:
        for c in self.choices:
            if text in (c.value, c.label.zh, c.label.en):
                return c.value
        raise ValueError(f"{text!r} is not one of {', '.join(self.choice_values())}")


def _parse_date(raw: Any) -> str:
    if isinstance(raw, datetime):
        if raw.time() != time(0):
            raise ValueError(f"expected a date without a time, got {raw.isoformat(sep=' ')}")
        return raw.date().isoformat()
    if isinstance(raw, date):
        return raw.isoformat()
    text = str(raw).strip()
    if len(text) != 10:
        raise ValueError(f"expected a date YYYY-MM-DD, got {text!r}")
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise ValueError(f"not a real date (YYYY-MM-DD): {text!r}") from None


def _parse_bool(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise ValueError(f"expected true/false/1/0/是/否, got {str(raw).strip()!r}")


DATE_FIELD = Field("date", Kind.DATE, Text("日期", "Date"), required=True)
VILLAGE_FIELD = Field("village", Kind.VILLAGE, Text("村", "Village"), required=True)


@dataclass(frozen=True, slots=True)
class FieldError:
    """A field that was refused, and why."""

    field: str
    reason: str


@dataclass(frozen=True, slots=True)
class RecordType:
    """A kind of record a unit keeps, e.g. police.case; `date` and `village` come first."""

    name: str
    unit: str
    label: Text
    fields: tuple[Field, ...] = field(default_factory=tuple)

    def all_fields(self) -> tuple[Field, ...]:
        """date, village, then the declared fields; a declared date or village wins."""
        declared = {f.name: f for f in self.fields}
        head = (declared.get("date", DATE_FIELD), declared.get("village", VILLAGE_FIELD))
        return head + tuple(f for f in self.fields if f.name not in ("date", "village"))

    def field(self, name: str) -> Field | None:
        """The field of that name, date and village included."""
        return next((f for f in self.all_fields() if f.name == name), None)

    def validate(
        self, raw: Mapping[str, Any], known_villages: set[str] | None = None
    ) -> tuple[dict[str, Any], list[FieldError]]:
        """Parse every field of raw; returns the clean values and every error found.

        Unknown keys are refused too, so a misspelt column is never dropped silently.
        """
        fields = self.all_fields()
        names = {f.name for f in fields}
        unknown = [
            FieldError(key, f"unknown field for {self.name}") for key in raw if key not in names
        ]
        clean, errors = parse_fields(fields, raw, known_villages)
        return clean, unknown + errors


def parse_fields(
    fields: Sequence[Field], raw: Mapping[str, Any], known_villages: set[str] | None = None
) -> tuple[dict[str, Any], list[FieldError]]:
    """Parse each field's value in raw; returns the clean values and every error found.

    A required field left empty is an error, and so is a village code not in known_villages.
    """
    clean: dict[str, Any] = {}
    errors: list[FieldError] = []
    for f in fields:
        try:
            value = f.parse(raw.get(f.name))
        except ValueError as exc:
            errors.append(FieldError(f.name, str(exc)))
            continue
        if f.required and value in (None, []):
            errors.append(FieldError(f.name, "required"))
            continue
        if (
            f.kind is Kind.VILLAGE
            and value is not None
            and known_villages is not None
            and value not in known_villages
        ):
            errors.append(FieldError(f.name, f"unknown village code {value!r}"))
            continue
        clean[f.name] = value
    return clean, errors
