"""Bilingual help and usage errors for the click command line, in a language chosen before parsing.

Click writes its own help and errors in English; these classes render them in Chinese or
English instead, and list the values a user has to type, loading the plugins only when a
help page or an error needs their unit codes or record types.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

import click
from wcwidth import wcswidth

from plugins.i18n import LANGS, Text
from plugins.manager import PluginHost
from store import StoreError
from tui.cli.session import Session

F = TypeVar("F", bound=Callable[..., Any])
Values = Callable[["HelpState"], Sequence[str]]
"""The accepted values of an option, computed when help or an error shows them."""

HELP_TEXT = Text("显示此帮助并退出", "show this message and exit")


@dataclass
class HelpState:
    """The raw arguments of one run, read before parsing for the help language and the plugins."""

    argv: list[str]
    _lang: str | None = None
    _host: PluginHost | None = field(default=None, repr=False)

    @property
    def lang(self) -> str:
        """--lang from argv, else the user's preference, else the store's setting, else zh."""
        if self._lang is None:
            self._lang = self._choose_lang()
        return self._lang

    def _choose_lang(self) -> str:
        for chosen in reversed(option_values(self.argv, "--lang")):
            if chosen in LANGS:
                return chosen
        preferred = preferred_lang()
        if preferred in LANGS:
            return preferred
        try:
            return self._session().lang
        except (StoreError, OSError, ValueError):
            return "zh"

    def _session(self) -> Session:
        db = option_values(self.argv, "--db")
        return Session.from_options(
            db[-1] if db else None, option_values(self.argv, "--plugins-dir"), None
        )

    def host(self) -> PluginHost:
        """The plugins of this run, loaded once and silently (the command itself warns)."""
        if self._host is None:
            self._host = self._session().host(warn_failures=False)
        return self._host

    def text(self, message: Text) -> str:
        """The message in the help language."""
        return message.get(self.lang)


def option_values(argv: Sequence[str], name: str) -> list[str]:
    """Every value given to option name in argv, as `--name VALUE` or `--name=VALUE`."""
    found: list[str] = []
    for index, token in enumerate(argv):
        if token == "--":
            break
        if token == name and index + 1 < len(argv):
            found.append(argv[index + 1])
        elif token.startswith(name + "="):
            found.append(token.removeprefix(name + "="))
    return found


def preferred_lang() -> str | None:
    """The user's own language preference, when the preferences module is installed."""
    try:
        module = importlib.import_module("plugins.preferences")
    except ImportError:
        return None
    user_lang: Callable[[], str | None] | None = getattr(module, "user_lang", None)
    try:
        return user_lang() if user_lang is not None else None
    except (OSError, ValueError):
        return None


def state_of(ctx: click.Context) -> HelpState:
    """The HelpState main() handed to click, or one without arguments."""
    state = ctx.find_object(HelpState)
    return state if state is not None else HelpState([])


def listing(items: Sequence[str], lang: str) -> str:
    """Items joined the way each language lists them."""
    return (", " if lang == "en" else "、").join(items)


class TextBadParameter(click.BadParameter):
    """A value a parameter refuses, with the reason in both languages."""

    def __init__(
        self, reason: Text, ctx: click.Context | None = None, param: click.Parameter | None = None
    ) -> None:
        super().__init__(reason.en, ctx=ctx, param=param)
        self.reason = reason


class TextUsageError(click.UsageError):
    """A usage error whose whole message is given in both languages."""

    def __init__(self, message: Text, ctx: click.Context | None = None) -> None:
        super().__init__(message.en, ctx=ctx)
        self.text = message


class Choices(click.ParamType[str]):
    """One of a fixed set of words, refused in the help language with the choices named."""

    name = "choice"

    def __init__(self, choices: Sequence[str]) -> None:
        self.choices = tuple(choices)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        if value in self.choices:
            return str(value)
        raise TextBadParameter(
            Text(
                f"{value!r} 不是可选值之一：{listing(self.choices, 'zh')}",
                f"{value!r} is not one of {listing(self.choices, 'en')}",
            ),
            ctx,
            param,
        )


class PinganOption(click.Option):
    """An option whose help is bilingual and may list the values it accepts."""

    def __init__(self, *args: Any, text: Text, values: Values | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.text = text
        self.values = values

    def accepted(self, ctx: click.Context) -> str:
        """The accepted values as a phrase in the help language, or ''."""
        if self.values is None:
            return ""
        state = state_of(ctx)
        shown = ", ".join(self.values(state))
        return state.text(Text(f"可选：{shown}", f"one of: {shown}"))

    def get_help_record(self, ctx: click.Context) -> tuple[str, str] | None:
        if self.hidden:
            return None
        state = state_of(ctx)
        parts = [self.text.get(state.lang)]
        if accepted := self.accepted(ctx):
            parts.append(accepted)
        if self.show_default and self.default is not None:
            parts.append(state.text(Text(f"默认 {self.default}", f"default: {self.default}")))
        separator = "; " if state.lang == "en" else "；"
        required = state.text(Text("［必填］", " [required]")) if self.required else ""
        return self.get_help_spec(ctx), separator.join(parts) + required


class PinganArgument(click.Argument):
    """A positional argument with bilingual help."""

    def __init__(self, *args: Any, text: Text, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.text = text

    def help_row(self, ctx: click.Context) -> tuple[str, str]:
        """The argument's name and help for the help page."""
        return self.make_metavar(ctx), self.text.get(state_of(ctx).lang)


def option(*decls: str, text: Text, values: Values | None = None, **attrs: Any) -> Callable[[F], F]:
    """click.option with bilingual help and, optionally, the values to list in it."""
    return click.option(*decls, cls=PinganOption, text=text, values=values, **attrs)


def argument(*decls: str, text: Text, **attrs: Any) -> Callable[[F], F]:
    """click.argument with bilingual help."""
    return click.argument(*decls, cls=PinganArgument, text=text, **attrs)


def wrap_cells(text: str, width: int) -> list[str]:
    """text in lines of at most width display cells, broken at spaces or between CJK characters."""
    lines: list[str] = []
    current = ""
    for token in re.findall(r"\s+|[!-~]+|.", text):
        if current.strip() and wcswidth(current + token.rstrip()) > width:
            lines.append(current.rstrip())
            current = token.lstrip()
        else:
            current += token
    lines.append(current.rstrip())
    return lines


class CellFormatter(click.HelpFormatter):
    """click's help formatter, measuring text in display cells so Chinese wraps and aligns."""

    def write_text(self, text: str) -> None:
        indent = " " * self.current_indent
        for line in wrap_cells(text, max(self.width - self.current_indent, 11)):
            self.write(f"{indent}{line}\n")

    def write_dl(
        self, rows: Iterable[tuple[str, str]], col_max: int = 30, col_spacing: int = 2
    ) -> None:
        rows = list(rows)
        first = min(max((wcswidth(term) for term, _ in rows), default=0), col_max)
        margin = " " * (self.current_indent + first + col_spacing)
        for term, text in rows:
            self.write(" " * self.current_indent + term)
            if not text:
                self.write("\n")
                continue
            if wcswidth(term) <= first:
                self.write(" " * (first - wcswidth(term) + col_spacing))
            else:
                self.write("\n" + margin)
            lines = wrap_cells(text, max(self.width - len(margin), 10))
            self.write(lines[0] + "\n")
            for line in lines[1:]:
                self.write(f"{margin}{line}\n")


class PinganContext(click.Context):
    """A click context whose help is measured in display cells."""

    formatter_class = CellFormatter


def _show_help(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        click.echo(ctx.get_help(), color=ctx.color)
        ctx.exit()


def usage_line(ctx: click.Context, lang: str) -> str:
    """`用法：pingan grid [选项]` or `Usage: pingan grid [OPTIONS]`."""
    command = ctx.command
    pieces = [Text("[选项]", "[OPTIONS]").get(lang)]
    pieces += [
        p.make_metavar(ctx) for p in command.get_params(ctx) if isinstance(p, click.Argument)
    ]
    if isinstance(command, click.Group):
        sub = Text("命令 [参数]...", "COMMAND [ARGS]...").get(lang)
        pieces.append(f"[{sub}]" if command.invoke_without_command else sub)
    prefix = Text("用法：", "Usage: ").get(lang)
    return f"{prefix}{ctx.command_path} {' '.join(pieces)}"


class PinganCommand(click.Command):
    """A command whose help page is written in the help language."""

    context_class = PinganContext

    def __init__(self, *args: Any, text: Text, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.text = text

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        names = self.get_help_option_names(ctx)
        if not names or not self.add_help_option:
            return None
        if self._help_option is None:
            self._help_option = PinganOption(
                names,
                text=HELP_TEXT,
                is_flag=True,
                is_eager=True,
                expose_value=False,
                callback=_show_help,
            )
        return self._help_option

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        write_help(self, ctx, formatter, [])


class PinganGroup(click.Group):
    """A group of sub-commands whose help page is written in the help language."""

    command_class = PinganCommand
    context_class = PinganContext

    def __init__(self, *args: Any, text: Text, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.text = text

    get_help_option = PinganCommand.get_help_option

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = []
        for name in self.list_commands(ctx):
            sub = self.get_command(ctx, name)
            if sub is not None and not sub.hidden:
                rows.append((name, _summary(sub, state_of(ctx).lang)))
        write_help(self, ctx, formatter, rows)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(self.commands)


def _summary(command: click.Command, lang: str) -> str:
    text: Text | None = getattr(command, "text", None)
    return text.get(lang) if text is not None else command.get_short_help_str()


def write_help(
    command: click.Command,
    ctx: click.Context,
    formatter: click.HelpFormatter,
    commands: list[tuple[str, str]],
) -> None:
    """Usage, description, arguments, options and sub-commands, all in the help language."""
    lang = state_of(ctx).lang
    formatter.write(usage_line(ctx, lang) + "\n")
    formatter.write_paragraph()
    with formatter.indentation():
        formatter.write_text(_summary(command, lang))
    params = command.get_params(ctx)
    arguments = [p.help_row(ctx) for p in params if isinstance(p, PinganArgument)]
    options = [
        record
        for p in params
        if isinstance(p, click.Option) and (record := p.get_help_record(ctx)) is not None
    ]
    for title, rows in (
        (Text("参数", "Arguments"), arguments),
        (Text("选项", "Options"), options),
        (Text("命令", "Commands"), commands),
    ):
        if rows:
            formatter.write_paragraph()
            formatter.write(title.get(lang) + ("：" if lang == "zh" else ":") + "\n")
            with formatter.indentation():
                formatter.write_dl(rows)


def _param_name(param: click.Parameter | None, ctx: click.Context | None) -> str:
    if param is None:
        return ""
    if isinstance(param, click.Option):
        return " / ".join(param.opts)
    return param.make_metavar(ctx) if ctx is not None else param.human_readable_name


def _command_names(ctx: click.Context | None) -> list[str]:
    if ctx is None or not isinstance(ctx.command, click.Group):
        return []
    return ctx.command.list_commands(ctx)


def _option_names(ctx: click.Context) -> list[str]:
    return [
        opt
        for param in ctx.command.get_params(ctx)
        if isinstance(param, click.Option)
        for opt in param.opts
    ]


def usage_message(error: click.UsageError, lang: str) -> str:
    """What was wrong with the command line, in lang, naming the option or parameter."""
    ctx = error.ctx
    if isinstance(error, TextUsageError):
        return error.text.get(lang)
    if isinstance(error, click.NoSuchOption):
        known = listing(_option_names(ctx), lang) if ctx is not None else ""
        message = Text(f"没有选项 {error.option_name}", f"no such option {error.option_name}")
        if error.possibilities:
            guess = listing(sorted(error.possibilities), lang)
            message = Text(
                f"{message.zh}；是不是 {guess}？", f"{message.en}; did you mean {guess}?"
            )
        if known:
            message = Text(f"{message.zh}（可用：{known}）", f"{message.en} (known: {known})")
        return message.get(lang)
    if isinstance(error, click.NoSuchCommand):
        known = listing(_command_names(ctx), lang)
        return Text(
            f"没有命令 {error.command_name!r}；可用：{known}",
            f"no such command {error.command_name!r}; available: {known}",
        ).get(lang)
    if isinstance(error, click.MissingParameter):
        name = _param_name(error.param, ctx)
        if isinstance(error.param, click.Option):
            message = Text(f"缺少选项 {name}", f"missing option {name}")
        else:
            message = Text(f"缺少参数 {name}", f"missing argument {name}")
        accepted = ""
        if isinstance(error.param, PinganOption) and ctx is not None:
            accepted = error.param.accepted(ctx)
        if accepted:
            message = Text(f"{message.zh}（{accepted}）", f"{message.en} ({accepted})")
        return message.get(lang)
    if isinstance(error, click.BadParameter):
        hint = error.param_hint or ""
        name = _param_name(error.param, ctx) or (
            hint if isinstance(hint, str) else " / ".join(hint)
        )
        reason = error.reason.get(lang) if isinstance(error, TextBadParameter) else error.message
        return Text(f"{name} 的值无效：{reason}", f"invalid value for {name}: {reason}").get(lang)
    if isinstance(error, click.BadOptionUsage):
        name = error.option_name
        if "does not take a value" in error.message:
            return Text(f"选项 {name} 不带值", f"option {name} does not take a value").get(lang)
        if "requires" in error.message:
            return Text(f"选项 {name} 需要一个值", f"option {name} requires a value").get(lang)
        return Text(f"选项 {name} 用法不对：{error.message}", error.message).get(lang)
    return _generic_message(error, lang)


def _generic_message(error: click.UsageError, lang: str) -> str:
    ctx = error.ctx
    if error.message.startswith("Missing command"):
        known = listing(_command_names(ctx), lang)
        return Text(f"缺少子命令；可用：{known}", f"missing command; available: {known}").get(lang)
    extra = re.match(r"Got unexpected extra arguments? \((?P<args>.*)\)", error.message)
    if extra:
        return Text(
            f"多余的参数：{extra['args']}", f"unexpected extra arguments: {extra['args']}"
        ).get(lang)
    return error.message


def render_usage_error(error: click.UsageError, lang: str) -> str:
    """The usage line, a hint to ask for help, and the error, as click shows them, in lang."""
    lines = []
    ctx = error.ctx
    if ctx is not None:
        lines.append(usage_line(ctx, lang))
        hint = f"{ctx.command_path} --help"
        lines.append(Text(f"用 `{hint}` 查看帮助。", f"Try '{hint}' for help.").get(lang))
        lines.append("")
    lines.append(Text("错误：", "Error: ").get(lang) + usage_message(error, lang))
    return "\n".join(lines)
