"""Changing the town's settings key by key, and a user's own language."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from plugins.actions.context import ActionContext, audited, writing
from plugins.api import Threshold
from plugins.i18n import LANGS, Text
from plugins.keymap import SPECS, key_clash, key_problem
from plugins.preferences import write_preferences
from plugins.refusal import Refusal

NAMES = Text(
    "town | lang | target.年份 | threshold.单位.名称 | key.按键编号"
    "（如 target.2024 0.9、threshold.police.min_patrols 8、key.quarter.next ctrl+n）",
    "town | lang | target.YEAR | threshold.UNIT.NAME | key.BINDING_ID "
    "(e.g. target.2024 0.9, threshold.police.min_patrols 8, key.quarter.next ctrl+n)",
)
CHANGE = Text("修改镇的设置", "change the town's settings")


@dataclass(frozen=True, slots=True)
class SettingChanged:
    """One setting's name, and its value before and after (None: not set)."""

    name: str
    before: Any
    after: Any


def _refuse(name: str, zh: str, en: str) -> Refusal:
    return Refusal(Text(zh, en), field=name)


def _lang(name: str, value: str) -> str:
    if value not in LANGS:
        raise _refuse(
            name,
            f"未知语言 {value!r}；可选：{'、'.join(LANGS)}",
            f"unknown language {value!r}; choose one of {', '.join(LANGS)}",
        )
    return value


def _number(name: str, text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise _refuse(name, f"{text!r} 不是数字", f"{text!r} is not a number") from None


def _rate(name: str, text: str) -> float:
    """0.85, 85 % or 85% as a fraction between 0 and 1."""
    percent = text.endswith("%")
    number = _number(name, text.rstrip("% ")) / (100 if percent else 1)
    if not 0 <= number <= 1:
        raise _refuse(
            name,
            f"{text!r} 须在 0 到 1 之间（或 0% 到 100%）",
            f"{text!r} must lie between 0 and 1 (or 0% and 100%)",
        )
    return number


def _year(name: str) -> str:
    year = name.removeprefix("target.")
    if not re.fullmatch(r"\d{4}", year):
        raise _refuse(name, "应为年份，如 target.2024", "expected a year, such as target.2024")
    return year


def _threshold(ctx: ActionContext, name: str) -> tuple[str, Threshold]:
    """The declared threshold that name (threshold.UNIT.NAME) refers to."""
    key = name.removeprefix("threshold.")
    unit_code, _, threshold_name = key.partition(".")
    unit = ctx.host.registry.units.get(unit_code)
    found = (
        None
        if unit is None
        else next((t for t in unit.thresholds if t.name == threshold_name), None)
    )
    if found is None:
        known = ", ".join(
            f"threshold.{code}.{t.name}"
            for code, u in ctx.host.registry.units.items()
            for t in u.thresholds
        )
        raise _refuse(name, f"没有这个阈值；可用：{known}", f"no such threshold; known: {known}")
    return key, found


def _binding(name: str) -> str:
    binding_id = name.removeprefix("key.")
    if binding_id not in SPECS:
        known = ", ".join(sorted(SPECS))
        raise _refuse(
            name,
            f"界面没有按键编号 {binding_id!r}；可用：{known}",
            f"the TUI binds no id {binding_id!r}; known: {known}",
        )
    return binding_id


@audited
def set_setting(ctx: ActionContext, name: str, value: str) -> SettingChanged:
    """Change one setting, checked before it is stored; only that key is written."""
    ctx.require(None, CHANGE)
    name, value = name.strip(), value.strip()
    with writing():
        if name == "town":
            if not value:
                raise _refuse(name, "镇名不能为空", "the town name must not be empty")
            return _store(ctx, name, ("town",), value)
        if name == "lang":
            return _store(ctx, name, ("lang",), _lang(name, value))
        if name.startswith("target."):
            return _store(ctx, name, ("targets", _year(name)), _rate(name, value))
        if name.startswith("threshold."):
            key, threshold = _threshold(ctx, name)
            number = _number(name, value)
            problem = threshold.problem(number)
            if problem is not None:
                raise Refusal(problem, field=name)
            stored: float | int = int(number) if threshold.kind == "count" else number
            return _store(ctx, name, ("thresholds", key), stored)
        if name.startswith("key."):
            return _set_key(ctx, name, _binding(name), value)
    raise Refusal(
        Text(f"未知设置 {name}；可用：{NAMES.zh}", f"unknown setting {name}; use: {NAMES.en}")
    )


def _store(ctx: ActionContext, name: str, path: tuple[str, ...], value: Any) -> SettingChanged:
    with ctx.store.transaction(ctx.actor.name) as tx:
        before = tx.set_setting(path, value)
    return SettingChanged(name, before, value)


def _set_key(ctx: ActionContext, name: str, binding_id: str, keys: str) -> SettingChanged:
    """Bind keys to binding_id unless no such key exists or a neighbour binding already uses it."""
    problem = key_problem(keys)
    if problem is not None:
        raise Refusal(problem, field=name)
    with ctx.store.transaction(ctx.actor.name) as tx:
        keymap = tx.settings().keymap
        clash = key_clash(binding_id, keys, keymap)
        if clash is not None:
            spec = SPECS[clash]
            raise _refuse(
                name,
                f"按键 {keys} 已被同一屏幕的 {clash}（{spec.description.zh}）使用；"
                f"请先给 {clash} 换一个键",
                f"{keys} is already bound to {clash} ({spec.description.en}) on the same "
                f"screen; move {clash} first",
            )
        before = tx.set_setting(("keymap", binding_id), keys)
    return SettingChanged(name, before, keys)


@audited
def unset_setting(ctx: ActionContext, name: str) -> SettingChanged:
    """Drop a target, threshold or key override, so the default applies again."""
    ctx.require(None, CHANGE)
    name = name.strip()
    for prefix, table in (("target.", "targets"), ("threshold.", "thresholds"), ("key.", "keymap")):
        if name.startswith(prefix):
            with writing(), ctx.store.transaction(ctx.actor.name) as tx:
                before = tx.unset_setting((table, name.removeprefix(prefix)))
                if before is None:
                    raise _refuse(name, f"{name} 未设置", f"{name} is not set")
            return SettingChanged(name, before, None)
    raise Refusal(
        Text(f"不能清除 {name}；可用：{NAMES.zh}", f"cannot unset {name}; use: {NAMES.en}")
    )


def set_user_language(lang: str) -> str:
    """Save this user's interface language in their own config; other desks keep theirs."""
    write_preferences({"lang": _lang("lang", lang)})
    return lang
