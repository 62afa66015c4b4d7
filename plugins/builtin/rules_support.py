"""Small helpers the built-in units share: enum choices, exact ratios and bilingual wording."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from fractions import Fraction

from plugins.api import Finding
from plugins.i18n import Text
from plugins.schema import Choice, RecordType
from store import Record


def choices(*items: tuple[str, str, str]) -> tuple[Choice, ...]:
    """Enum choices from (value, Chinese label, English label) triples."""
    return tuple(Choice(value, Text(zh, en)) for value, zh, en in items)


@functools.lru_cache(maxsize=256)
def _exact(value: float) -> Fraction:
    """A threshold as the decimal it was written as, so 0.9 means exactly nine tenths."""
    return Fraction(repr(float(value)))


def ratio_below(part: int, whole: int, minimum: float) -> bool:
    """Whether part/whole is strictly below minimum, computed exactly (9/10 is not below 0.9).

    Whole-number arithmetic on the threshold's exact fraction: no Fraction per call.
    """
    exact = _exact(minimum)
    if whole < 0:
        part, whole = -part, -whole
    return part * exact.denominator < exact.numerator * whole


def percent(part: int, whole: int) -> str:
    """part/whole as a percentage rounded down to one decimal, e.g. '85%' or '89.9%'.

    Rounding down keeps a ratio just under a threshold from printing as the threshold itself.
    """
    if whole < 0:
        part, whole = -part, -whole
    tenths = (part * 1000) // whole
    whole_part, decimal = divmod(tenths, 10)
    return f"{whole_part}%" if decimal == 0 else f"{whole_part}.{decimal}%"


def threshold_percent(value: float) -> str:
    """A ratio threshold such as 0.9 as '90%'."""
    exact = _exact(value) * 100
    return f"{exact.numerator}%" if exact.denominator == 1 else f"{float(exact):g}%"


def number(value: float) -> str:
    """A count threshold such as 6.0 as '6'."""
    return f"{value:g}"


def plural(count: int, one: str, many: str) -> str:
    """An English count with its noun, e.g. '1 case' or '3 cases'."""
    return f"{count} {one if count == 1 else many}"


def share_at_least(
    part: int,
    whole: int,
    minimum: float,
    zh_rate: str,
    en_share: str,
    shortfall: Sequence[Record],
) -> Finding:
    """PASS when part/whole reaches minimum (exactly the threshold passes), else FAIL.

    `zh_rate` names the rate in Chinese (本季度纠纷化解率); `en_share` follows the figure in
    English ("of the quarter's disputes resolved..."); `shortfall` is the failure's evidence,
    so a failure says how many records fell short: those are the records it lists, not the
    whole of the ratio.
    """
    shown = threshold_percent(minimum)
    zh = f"{zh_rate} {percent(part, whole)}（{part}/{whole}）"
    en = f"{percent(part, whole)} ({part}/{whole}) {en_share}"
    if ratio_below(part, whole, minimum):
        short = len(shortfall)
        return Finding.failed(
            f"{zh}，低于 {shown}；依据记录为未达到的 {short} 条",
            f"{en}, below {shown}; evidence: the {short} that "
            + ("was not" if short == 1 else "were not"),
            evidence=shortfall,
        )
    return Finding.passed(f"{zh}，不低于 {shown}", f"{en}, at least {shown}")


def absence(found: Sequence[Record], zh: str, measure: str, en_one: str, en_many: str) -> Finding:
    """PASS when nothing was found this quarter, else FAIL with exactly the records found.

    `zh` names the thing in Chinese with `measure` its measure word (起, 件, 次).
    """
    if not found:
        return Finding.passed(f"本季度无{zh}", f"No {en_many} this quarter")
    return Finding.failed(
        f"本季度发生{zh} {len(found)} {measure}",
        f"{plural(len(found), en_one, en_many)} this quarter",
        evidence=found,
    )


def by_choice(
    record_type: RecordType,
    name: str,
    records: Sequence[Record],
    measure: Callable[[Record], int] = lambda record: 1,
) -> dict[str, tuple[Text, int]]:
    """Per choice of an enum or multi-enum field, in the field's order: its label and the sum
    of measure over the records carrying it (the count of them by default)."""
    field = next(f for f in record_type.fields if f.name == name)
    sums = {c.value: 0 for c in field.choices}
    for record in records:
        value = record.fields.get(name)
        for chosen in value if isinstance(value, list) else [value]:
            if chosen in sums:
                sums[str(chosen)] += measure(record)
    return {c.value: (c.label, sums[c.value]) for c in field.choices}
