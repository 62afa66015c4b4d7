"""`pingan settings`: show and change the town's settings (targets, thresholds, language, keys)."""

from __future__ import annotations

import argparse
from typing import Any

from plugins import actions
from plugins.actions.settings import NAMES
from tui.cli.output import table
from tui.cli.session import Session

NAMES_HELP = f"{NAMES.zh} / {NAMES.en}"


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
    changed = actions.set_setting(session.context(), args.name, args.value)
    session.say(
        f"已设置 {changed.name} = {args.value.strip()}",
        f"Set {changed.name} = {args.value.strip()}",
    )
    return 0


def run_settings_unset(session: Session, args: argparse.Namespace) -> int:
    """`pingan settings unset NAME`: drop a target, threshold or key override."""
    changed = actions.unset_setting(session.context(), args.name)
    session.say(f"已清除 {changed.name}", f"Unset {changed.name}")
    return 0
