"""`pingan settings`: show and change the town's settings (targets, thresholds, language, keys)."""

from __future__ import annotations

import argparse
import re
from typing import Any

from plugins.i18n import check_lang
from tui.cli.output import table
from tui.cli.session import CliError, Session
from tui.key_specs import SPECS

NAMES_HELP = (
    "town | lang | target.YEAR | threshold.UNIT.NAME | key.BINDING_ID "
    "（如 target.2024 0.9、threshold.police.min_patrols 8、key.quarter.next ctrl+n）"
)


def run_settings_show(session: Session, args: argparse.Namespace) -> int:
    """`pingan settings show`: every setting, including each unit's thresholds and defaults."""
    store = session.store()
    settings = store.settings()
    rows: list[list[Any]] = [["town", settings.town, ""], ["lang", settings.lang, ""]]
    for year, rate in sorted(settings.targets.items()):
        rows.append([f"target.{year}", f"{rate:.0%}", ""])
    for code, unit in session.host().registry.units.items():
        for threshold in unit.thresholds:
            name = f"{code}.{threshold.name}"
            value = settings.threshold(name, threshold.default)
            note = threshold.label.get(session.lang)
            if name not in settings.thresholds:
                note += session.text("（默认）", " (default)")
            rows.append([f"threshold.{name}", f"{value:g}", note])
    for binding_id, key in sorted(settings.keymap.items()):
        rows.append([f"key.{binding_id}", key, ""])
    headers = [session.text("设置", "setting"), session.text("值", "value"), ""]
    print(table(rows, headers), file=session.out)
    return 0


def run_settings_set(session: Session, args: argparse.Namespace) -> int:
    """`pingan settings set NAME VALUE`: change one setting, checked before it is stored."""
    store = session.store()
    settings = store.settings()
    name, value = args.name.strip(), args.value.strip()
    changes: dict[str, Any]
    if name == "town":
        if not value:
            raise CliError(session.text("镇名不能为空", "the town name must not be empty"))
        changes = {"town": value}
    elif name == "lang":
        try:
            changes = {"lang": check_lang(value)}
        except ValueError as exc:
            raise CliError(f"lang: {exc}") from None
    elif name.startswith("target."):
        year = _year(name.removeprefix("target."))
        changes = {"targets": {**settings.targets, str(year): _rate(value)}}
    elif name.startswith("threshold."):
        key = name.removeprefix("threshold.")
        _check_declared(session, key)
        number = _number(value, name)
        if number < 0 or (key.endswith("_ratio") and number > 1):
            raise CliError(f"{name}: {value!r} is out of range (ratios lie between 0 and 1)")
        changes = {"thresholds": {**settings.thresholds, key: number}}
    elif name.startswith("key."):
        binding_id = name.removeprefix("key.")
        if binding_id not in SPECS or not value:
            raise CliError(
                f"{name}: expected key.AREA.ACTION with an id the TUI binds "
                f"({', '.join(sorted(SPECS))}) and a key such as n or ctrl+n"
            )
        changes = {"keymap": {**settings.keymap, binding_id: value}}
    else:
        raise CliError(
            session.text(f"未知设置 {name}；可用：", f"unknown setting {name}; use: ") + NAMES_HELP
        )
    with store.transaction() as tx:
        tx.update_settings(**changes)
    session.say(f"已设置 {name} = {value}", f"Set {name} = {value}")
    return 0


def run_settings_unset(session: Session, args: argparse.Namespace) -> int:
    """`pingan settings unset NAME`: drop a target, threshold or key override."""
    store = session.store()
    settings = store.settings()
    name = args.name.strip()
    for prefix, field in (("target.", "targets"), ("threshold.", "thresholds"), ("key.", "keymap")):
        if name.startswith(prefix):
            current: dict[str, Any] = dict(getattr(settings, field))
            if current.pop(name.removeprefix(prefix), None) is None:
                raise CliError(session.text(f"{name} 未设置", f"{name} is not set"))
            with store.transaction() as tx:
                tx.update_settings(**{field: current})
            session.say(f"已清除 {name}", f"Unset {name}")
            return 0
    raise CliError(session.text(f"不能清除 {name}", f"cannot unset {name}") + f"; {NAMES_HELP}")


def _year(text: str) -> int:
    if not re.fullmatch(r"\d{4}", text):
        raise CliError(f"target.{text}: expected a year such as target.2024")
    return int(text)


def _rate(text: str) -> float:
    """0.85, 85 % or 85% as a fraction between 0 and 1."""
    percent = text.endswith("%")
    number = _number(text.rstrip("% "), "target") / (100 if percent else 1)
    if not 0 <= number <= 1:
        raise CliError(f"target: {text!r} must lie between 0 and 1 (or 0% and 100%)")
    return number


def _number(text: str, name: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise CliError(f"{name}: {text!r} is not a number") from None


def _check_declared(session: Session, key: str) -> None:
    """Refuse a threshold that no loaded unit declares as UNIT.NAME."""
    unit_code, _, threshold_name = key.partition(".")
    unit = session.host().registry.units.get(unit_code)
    if unit is None or threshold_name not in {t.name for t in unit.thresholds}:
        known = [
            f"threshold.{code}.{t.name}"
            for code, u in session.host().registry.units.items()
            for t in u.thresholds
        ]
        raise CliError(f"threshold.{key}: no such threshold; known: {', '.join(known)}")
