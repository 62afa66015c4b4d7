"""What a plugin's own `pingan` commands use: the session of the run, handed in by `pass_session`.

A plugin adds commands in `register_commands(cli)` with plain click. pingan runs them after
parsing, like its own, so a `Refusal` from the actions layer ends the run with exit code 1
and its message in the user's language, and an error names the plugin.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Concatenate, ParamSpec, Protocol, TypeVar

import click

if TYPE_CHECKING:
    from plugins.actions import ActionContext
    from plugins.manager import PluginHost
    from store import Store

SESSION_KEY = "pingan.session"
"""Where the run's session waits in the click context's `meta` while a plugin command runs."""

P = ParamSpec("P")
R = TypeVar("R")


class CommandSession(Protocol):
    """The run a plugin command is part of: the language, the store, the plugins, the operator."""

    @property
    def lang(self) -> str:
        """The language of this run: "zh" or "en"."""
        ...

    def store(self, *, log_in: bool = True) -> Store:
        """The town's store (--db, else $PINGAN_DB), opened; with accounts, after a login."""
        ...

    def host(self, *, warn_failures: bool = True) -> PluginHost:
        """The loaded plugins."""
        ...

    def context(self) -> ActionContext:
        """The store, plugins and logged-in operator, ready for an action of `plugins.actions`."""
        ...

    def say(self, zh: str, en: str) -> None:
        """Print a message on stdout in the run's language."""
        ...

    def warn(self, zh: str, en: str) -> None:
        """Print a message on stderr in the run's language."""
        ...


def pass_session(
    function: Callable[Concatenate[CommandSession, P], R],
) -> Callable[P, R]:
    """Decorate a plugin command so it receives the run's `CommandSession` as first argument."""

    @functools.wraps(function)
    def with_session(*args: P.args, **kwargs: P.kwargs) -> R:
        session: Any = click.get_current_context().meta.get(SESSION_KEY)
        if session is None:
            raise RuntimeError("pass_session: this command runs only inside `pingan`")
        return function(session, *args, **kwargs)

    return with_session
