"""Turning a plugin off or on again for the town, kept in the town's settings."""

from __future__ import annotations

from dataclasses import dataclass

from plugins.actions.context import ActionContext, audited, writing
from plugins.i18n import Text
from plugins.manager import CORE_PLUGINS
from plugins.refusal import Refusal

SWITCH = Text("停用或启用插件", "turn plugins off or on")
SETTING = ("disabled_plugins",)


@dataclass(frozen=True, slots=True)
class PluginSwitched:
    """The plugin turned off or on, and every plugin the town keeps off afterwards."""

    name: str
    disabled: bool
    town_off: tuple[str, ...]


def _known(ctx: ActionContext, name: str) -> None:
    """Refuse a name no plugin of this installation has, naming the ones it has."""
    names = sorted({info.name for info in ctx.host.infos})
    if name not in names:
        raise Refusal(
            Text(
                f"没有名为 {name!r} 的插件；已安装：{'、'.join(names)}",
                f"no plugin named {name!r}; installed: {', '.join(names)}",
            ),
            field="name",
        )


@audited
def disable_plugin(ctx: ActionContext, name: str) -> PluginSwitched:
    """Keep a plugin out of this town from the next start; its records stay in the store.

    The core plugins (the leadership office and the file formats) cannot be turned off here:
    without them there are no villages, meetings or imports.
    """
    ctx.require(None, SWITCH)
    name = name.strip()
    if name in CORE_PLUGINS:
        raise Refusal(
            Text(
                f"{name} 是核心插件（村、会议决定、文件导入），不能停用",
                f"{name} is a core plugin (villages, meeting decisions, file import); "
                "it cannot be turned off",
            ),
            field="name",
        )
    _known(ctx, name)
    with writing(), ctx.store.transaction(ctx.actor.name) as tx:
        off = set(tx.settings().disabled_plugins)
        if name in off:
            raise Refusal(
                Text(f"{name} 在本镇已停用", f"{name} is already turned off for this town"),
                field="name",
            )
        after = tuple(sorted(off | {name}))
        tx.set_setting(SETTING, list(after))
    return PluginSwitched(name, True, after)


@audited
def enable_plugin(ctx: ActionContext, name: str) -> PluginSwitched:
    """Let a plugin the town turned off load again from the next start."""
    ctx.require(None, SWITCH)
    name = name.strip()
    with writing(), ctx.store.transaction(ctx.actor.name) as tx:
        off = set(tx.settings().disabled_plugins)
        if name not in off:
            shown = "、".join(sorted(off)) or "无"
            shown_en = ", ".join(sorted(off)) or "none"
            raise Refusal(
                Text(
                    f"{name} 在本镇没有停用（本镇停用的：{shown}）",
                    f"{name} is not turned off for this town (turned off: {shown_en})",
                ),
                field="name",
            )
        after = tuple(sorted(off - {name}))
        tx.set_setting(SETTING, list(after))
    return PluginSwitched(name, False, after)
