"""Commands plugins add to `pingan`: collected on demand, run after parsing like the built-ins.

The root group asks for them only when a name is not one of its own or when help lists
every command, so a plain `pingan grid` never calls a plugin's `register_commands`.
"""

from __future__ import annotations

import argparse
import functools
from typing import Any

import click

from plugins.commands import SESSION_KEY
from plugins.manager import PLUGIN_ERRORS, PluginHost, describe
from plugins.refusal import Refusal
from store import StoreError
from tui.cli.help import PinganGroup, state_of
from tui.cli.session import CliError, Session

DEFERRED = "_pingan_deferred"
"""Marks a plugin command whose callback already returns an Invocation."""


def collect(host: PluginHost, reserved: set[str]) -> dict[str, click.Command]:
    """The plugins' top-level commands by name, each ready to run after parsing."""
    found = host.add_commands(click.Group, reserved)
    commands: dict[str, click.Command] = {}
    for name, (plugin, command) in found.items():
        if isinstance(command, click.Command):
            _defer(command, plugin)
            commands[name] = command
    return commands


def problems(host: PluginHost, lang: str) -> list[str]:
    """A warning line for each plugin whose commands were left out."""
    lines = []
    for info in host.infos:
        if info.commands_problem is not None:
            prefix = "警告：插件 " if lang == "zh" else "warning: plugin "
            lines.append(f"{prefix}{info.name}: {info.commands_problem.get(lang)}")
    return lines


def _defer(command: click.Command, plugin: str) -> None:
    """Make each leaf command below command return an Invocation instead of running at once."""
    if getattr(command, DEFERRED, False):
        return
    setattr(command, DEFERRED, True)
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            _defer(sub, plugin)
        return
    original = command.callback
    if original is None:
        return

    @functools.wraps(original)
    def later(**params: Any) -> Any:
        from tui.cli.commands import invocation

        ctx = click.get_current_context()
        return invocation(ctx, functools.partial(_run, ctx, original, params, plugin))

    command.callback = later


def _run(
    ctx: click.Context,
    original: Any,
    params: dict[str, Any],
    plugin: str,
    session: Session,
    args: argparse.Namespace,
) -> int:
    """Run a plugin's command body with the session at hand; its errors name the plugin."""
    ctx.meta[SESSION_KEY] = session
    try:
        with ctx.scope(cleanup=False):
            result = original(**params)
    except (Refusal, StoreError, CliError, KeyboardInterrupt, BrokenPipeError):
        raise
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.ClickException as exc:
        print(exc.format_message(), file=session.err)
        return exc.exit_code
    except click.Abort:
        return 130
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else 1
    except PLUGIN_ERRORS as exc:
        session.warn(
            f"插件 {plugin} 的命令出错：{describe(exc)}",
            f"the command of plugin {plugin} failed: {describe(exc)}",
        )
        return 1
    return result if isinstance(result, int) and not isinstance(result, bool) else 0


class PinganRoot(PinganGroup):
    """The `pingan` group: its own commands first, then those the plugins add."""

    def _plugin_commands(self, ctx: click.Context) -> dict[str, click.Command]:
        state = state_of(ctx)
        host = state.host()
        first = host.commands_collected is False
        commands = collect(host, set(self.commands))
        if first:
            for line in problems(host, state.lang):
                click.echo(line, err=True)
        return commands

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [*self.commands, *sorted(self._plugin_commands(ctx))]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        own = self.commands.get(cmd_name)
        if own is not None:
            return own
        return self._plugin_commands(ctx).get(cmd_name)
