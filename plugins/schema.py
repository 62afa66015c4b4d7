"""Record-type schemas: typed bilingual fields, and parsing of text input into stored values."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Any

from plugins.i18n import Text

TRUE_WORDS = frozenset({"true", "1", "是", "yes", "y", "t", "对", "有"})
FALSE_WORDS = frozenset({"false", "0", "否", "no", "n", "f", "无", "没有"})
MULTI_SEPARATOR = ";"
MULTI_SEPARATORS = re.compile(r"[;；,，、|]")
"""What may separate the values of a multi-enum cell: `;` as written, and what offices type."""
EXCEL_EPOCH = date(1899, 12, 30)
"""Day 0 of Excel's serial date numbers (1900 date system, leap-year bug included)."""
EXCEL_SERIALS = range(18264, 73051)
"""Serial numbers read as dates: 1950-01-01 to 2099-12-31, so a year or a count is not a date."""
_DATE_PARTS = re.compile(
    r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:[ T]0{1,2}:00(?::00(?:\.0+)?)?)?"
)
_COMPACT_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})")
YES_NO = (Text("否", "no"), Text("是", "yes"))


class FieldProblem(ValueError):
    """A value a field refuses, with the reason in both languages; str() gives the English."""

    def __init__(self, message: Text) -> None:
        super().__init__(message.en)
        self.message = message

    @staticmethod
    def message_of(error: ValueError) -> Text:
        """Any ValueError's reason in both languages; one without a translation reads the same."""
        if isinstance(error, FieldProblem):
            return error.message
        return Text(str(error), str(error))


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
    synonyms: tuple[str, ...] = ()
    """Other column headings that mean this field in an imported file (e.g. 村名 for village)."""

    def choice_values(self) -> tuple[str, ...]:
        """The stored values an enum field allows, in declared order."""
        return tuple(c.value for c in self.choices)

    def display(self, value: Any, lang: str, village_names: Mapping[str, str] | None = None) -> str:
        """A stored value as people read it: choice labels, 是/否, listed tags, village names."""
        if value is None or value == "" or value == []:
            return ""
        if self.kind is Kind.ENUM:
            return self.choice_label(str(value), lang)
        if self.kind is Kind.MULTI_ENUM:
            separator = ", " if lang == "en" else "、"
            return separator.join(self.choice_label(str(v), lang) for v in value)
        if self.kind is Kind.BOOL:
            return YES_NO[bool(value)].get(lang)
        if self.kind is Kind.VILLAGE and village_names is not None:
            return village_names.get(str(value), str(value))
        return str(value)

    def choice_label(self, value: str, lang: str) -> str:
        """The label of an enum value in lang; the value itself if it is not a choice."""
        for c in self.choices:
            if c.value == value:
                return c.label.get(lang)
        return value

    def parse(self, raw: Any) -> Any:
        """Turn text (or an already typed value) into the stored JSON value; FieldProblem says why.

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
                else MULTI_SEPARATORS.split(str(raw))
            )
            values = [self._parse_choice(str(item).strip()) for item in items if str(item).strip()]
            return sorted(set(values), key=self.choice_values().index)
        return str(raw).strip()

    def _parse_int(self, raw: Any) -> int:
        if isinstance(raw, bool):
            raise FieldProblem(_not_whole(raw))
        if isinstance(raw, int):
            value = raw
        elif isinstance(raw, float) and raw.is_integer():
            value = int(raw)
        else:
            text = str(raw).strip()
            try:
                value = int(text)
            except ValueError:
                raise FieldProblem(_not_whole(text)) from None
        if self.minimum is not None and value < self.minimum:
            raise FieldProblem(
                Text(
                    f"{value} 小于最小值 {self.minimum}",
                    f"{value} is below the minimum {self.minimum}",
                )
            )
        if self.maximum is not None and value > self.maximum:
            raise FieldProblem(
                Text(
                    f"{value} 大于最大值 {self.maximum}",
                    f"{value} is above the maximum {self.maximum}",
                )
            )
        return value

    def _parse_choice(self, text: str) -> str:
        wanted = unicodedata.normalize("NFKC", text).strip().casefold()
        for c in self.choices:
            if wanted in (c.value.casefold(), c.label.zh.casefold(), c.label.en.casefold()):
                return c.value
        zh = "、".join(f"{c.value}（{c.label.zh}）" for c in self.choices)
        en = ", ".join(self.choice_values())
        raise FieldProblem(Text(f"{text!r} 不是可选值之一：{zh}", f"{text!r} is not one of {en}"))


def _not_whole(raw: Any) -> Text:
    return Text(f"不是整数：{raw!r}", f"expected a whole number, got {raw!r}")


def not_a_date(raw: Any) -> Text:
    """The one reason given for every value a date field refuses, with the forms it reads."""
    shown = raw.isoformat(sep=" ") if isinstance(raw, datetime) else str(raw).strip()
    return Text(
        f"不是日期：{shown!r}（可写 2023-07-05、2023/7/5、2023.7.5、2023年7月5日 或 20230705）",
        f"not a date: {shown!r} (write 2023-07-05, 2023/7/5, 2023.7.5, 2023年7月5日 or 20230705)",
    )


def _parse_date(raw: Any) -> str:
    """A date as ISO text from a date cell, an Excel serial number or any written form."""
    if isinstance(raw, datetime):
        if raw.time() != time(0):
            raise FieldProblem(not_a_date(raw))
        return raw.date().isoformat()
    if isinstance(raw, date):
        return raw.isoformat()
    if isinstance(raw, bool):
        raise FieldProblem(not_a_date(raw))
    if isinstance(raw, int | float):
        return _serial_date(raw, raw)
    text = unicodedata.normalize("NFKC", str(raw)).strip()
    match = _DATE_PARTS.fullmatch(text) or _COMPACT_DATE.fullmatch(text)
    if match is None:
        if text.isdigit() and len(text) == 5:
            return _serial_date(int(text), raw)
        raise FieldProblem(not_a_date(raw))
    year, month, day = (int(part) for part in match.groups())
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        raise FieldProblem(not_a_date(raw)) from None


def _serial_date(number: float, raw: Any) -> str:
    """An Excel serial day number as a date, refused unless whole and between 1950 and 2099."""
    if number != int(number) or int(number) not in EXCEL_SERIALS:
        raise FieldProblem(not_a_date(raw))
    return (EXCEL_EPOCH + timedelta(days=int(number))).isoformat()


def _parse_bool(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, int | float) and raw in (0, 1):
        return bool(raw)
    text = unicodedata.normalize("NFKC", str(raw)).strip().lower()
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    shown = str(raw).strip()
    raise FieldProblem(
        Text(
            f"应为 是/否（true/false、1/0、Y/N）：{shown!r}",
            f"expected yes/no (true/false, 1/0, Y/N, 是/否), got {shown!r}",
        )
    )


DATE_SYNONYMS = ("日期", "时间", "发生日期", "发生时间", "day")
DATE_FIELD = Field("date", Kind.DATE, Text("日期", "Date"), required=True, synonyms=DATE_SYNONYMS)
VILLAGE_FIELD = Field(
    "village",
    Kind.VILLAGE,
    Text("村", "Village"),
    required=True,
    synonyms=("村名", "村庄", "行政村", "村代码", "所在村", "村居", "village code", "village name"),
)


REQUIRED = Text("必填", "required")
"""The reason given for a required field left empty."""


@dataclass(frozen=True, slots=True)
class FieldError:
    """A field that was refused, and why in both languages (`message.get(lang)`)."""

    field: str
    message: Text

    @property
    def reason(self) -> str:
        """Why, in English (for logs and tracebacks; show `message` to people)."""
        return self.message.en


@dataclass(frozen=True, slots=True)
class RecordType:
    """A kind of record a unit keeps, e.g. police.case; `date` and `village` come first."""

    name: str
    unit: str
    label: Text
    fields: tuple[Field, ...] = field(default_factory=tuple)
    natural_key: tuple[str, ...] = ()
    """Fields that, when all are given, name one real-world thing: a second record is refused."""

    def all_fields(self) -> tuple[Field, ...]:
        """date, village, then the declared fields; a declared date or village wins."""
        declared = {f.name: f for f in self.fields}
        date_field = declared.get("date", DATE_FIELD)
        if not date_field.synonyms:
            date_field = replace(date_field, synonyms=DATE_SYNONYMS)
        head = (date_field, declared.get("village", VILLAGE_FIELD))
        return head + tuple(f for f in self.fields if f.name not in ("date", "village"))

    def key_of(self, values: Mapping[str, Any]) -> tuple[str, ...] | None:
        """The natural key of clean values, None when the type has none or a part is empty."""
        if not self.natural_key:
            return None
        parts = tuple(str(values.get(name) or "").strip() for name in self.natural_key)
        return parts if all(parts) else None

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
            FieldError(
                key, Text(f"记录类型 {self.name} 没有这个字段", f"unknown field for {self.name}")
            )
            for key in raw
            if key not in names
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
            errors.append(FieldError(f.name, FieldProblem.message_of(exc)))
            continue
        if f.required and value in (None, []):
            errors.append(FieldError(f.name, REQUIRED))
            continue
        if (
            f.kind is Kind.VILLAGE
            and value is not None
            and known_villages is not None
            and value not in known_villages
        ):
            errors.append(
                FieldError(
                    f.name, Text(f"没有这个村代码：{value!r}", f"unknown village code {value!r}")
                )
            )
            continue
        clean[f.name] = value
    return clean, errors


def summarize(
    record_type: RecordType | None,
    fields: Mapping[str, Any],
    lang: str,
    *,
    skip: tuple[str, ...] = (),
    width: int | None = None,
) -> str:
    """A record's own fields as 'label: value' pairs in schema order, cut to width.

    record_type may be None when the plugin that declared it is gone; raw names then serve.
    """
    declared = record_type.all_fields() if record_type else ()
    names = [f.name for f in declared] or sorted(fields)
    parts: list[str] = []
    for name in names:
        value = fields.get(name)
        if name in ("date", "village", *skip) or value in (None, "", []):
            continue
        f = record_type.field(name) if record_type else None
        if f is None:
            shown = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
            parts.append(f"{name}: {shown}")
        else:
            parts.append(f"{f.label.get(lang)}: {f.display(value, lang)}")
    line = "; ".join(parts)
    if width is not None and len(line) > width:
        return line[: width - 3] + "..."
    return line
