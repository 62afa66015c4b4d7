"""What every sub-command shares: the chosen store, the plugins, the language and the output."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

import click

from plugins.actions import ActionContext, Actor, login
from plugins.i18n import Text
from plugins.manager import PluginHost
from plugins.preferences import user_lang
from store import Store, StoreError, location


class CliError(Exception):
    """Input the command line refuses; the message goes to stderr and the exit code is 1."""


@dataclass(slots=True)
class Session:
    """The global options of one `pingan` run, with the store and plugins opened on first use."""

    db: Path
    plugin_dirs: list[Path]
    lang_option: str | None = None
    user_option: str | None = None
    out: TextIO = field(default_factory=lambda: sys.stdout)
    err: TextIO = field(default_factory=lambda: sys.stderr)
    _store: Store | None = None
    _opened: bool = False
    _host: PluginHost | None = None
    _lang: str | None = None
    _actor: Actor | None = None

    @classmethod
    def from_options(
        cls, db: str | None, plugin_dirs: list[str], lang: str | None, user: str | None = None
    ) -> Session:
        """The store from --db, else $PINGAN_DB, else the default; the data folder's plugins too."""
        dirs: list[Path] = []
        for folder in [*(Path(d) for d in plugin_dirs), location.plugins_dir()]:
            if folder.resolve() not in {d.resolve() for d in dirs}:
                dirs.append(folder)
        return cls(location.default_db(db), dirs, lang, user)

    @property
    def lang(self) -> str:
        """--lang, else this user's own choice, else the town's default language, else Chinese."""
        if self._lang is None:
            self._lang = self.lang_option or user_lang() or self._stored_lang()
        return self._lang

    def _stored_lang(self) -> str:
        candidate = self.store_file()
        if not candidate.exists():
            return "zh"
        try:
            return candidate.settings().lang
        except StoreError:
            return "zh"

    def text(self, zh: str, en: str) -> str:
        """The message in the session's language."""
        return Text(zh, en).get(self.lang)

    def say(self, zh: str, en: str) -> None:
        """Print a message for people on stdout."""
        print(self.text(zh, en), file=self.out)

    def warn(self, zh: str, en: str) -> None:
        """Print a message on stderr."""
        print(self.text(zh, en), file=self.err)

    def store_file(self) -> Store:
        """The store at db, not yet opened; one object per run, so its files are read once."""
        if self._store is None:
            self._store = Store(self.db)
        return self._store

    def store(self, *, log_in: bool = True) -> Store:
        """The store, opened (and migrated) once; refuses with a hint when there is none.

        When the store has accounts, the operator logs in first (log_in=False leaves that
        to the TUI's login screen).
        """
        candidate = self.store_file()
        if not self._opened:
            if not candidate.exists():
                raise CliError(
                    self.text(
                        f"{self.db}：这里还没有数据库；用 `pingan init --town 镇名` 新建，"
                        "或用 `pingan demo` 建一个示范镇",
                        f"{self.db}: no store here; create one with `pingan init --town NAME`, "
                        "or `pingan demo` for a demo town",
                    )
                )
            candidate.open()
            self._opened = True
        if log_in:
            self.actor()
        return candidate

    def login_name(self) -> str:
        """Who this run says it is: --user, else $PINGAN_USER (empty when neither)."""
        return self.user_option or os.environ.get("PINGAN_USER", "")

    def actor(self) -> Actor:
        """The operator of this run: the logged-in account when the store has accounts.

        The password comes from $PINGAN_PASSWORD, else a hidden prompt; with no accounts
        (single-user mode) the operator is `--user` or `Actor.current()`, acting as the office.
        """
        if self._actor is None:
            store = self.store(log_in=False)
            if not store.accounts_on():
                name = self.user_option
                self._actor = Actor(name) if name else Actor.current()
            else:
                name = self.login_name()
                if not name:
                    raise CliError(
                        self.text(
                            "这个数据库需要登录：用 --user 用户名（或环境变量 PINGAN_USER）",
                            "this store needs a login: give --user NAME (or set PINGAN_USER)",
                        )
                    )
                password = os.environ.get("PINGAN_PASSWORD")
                if password is None:
                    password = str(
                        click.prompt(
                            self.text(f"{name} 的密码", f"password for {name}"),
                            hide_input=True,
                            err=True,
                        )
                    )
                self._actor = login(store, name, password)
        return self._actor

    def context(self) -> ActionContext:
        """The store, plugins and operator an action of this run works with."""
        return ActionContext(self.store(), self.host(), self.actor())

    def town_off(self) -> tuple[str, ...]:
        """The plugins the store's town turned off; none when there is no readable store yet."""
        candidate = self.store_file()
        if not candidate.exists():
            return ()
        try:
            return candidate.settings().disabled_plugins
        except (StoreError, OSError, ValueError):
            return ()

    def host(self, *, warn_failures: bool = True) -> PluginHost:
        """The plugins, loaded once; plugins that failed are named on stderr."""
        if self._host is None:
            self._host = PluginHost.load(plugin_dirs=self.plugin_dirs, town_off=self.town_off())
            if warn_failures:
                for info in self._host.failed():
                    self.warn(
                        f"警告：插件 {info.name} 未能加载（{info.reason_zh or info.reason}）",
                        f"warning: plugin {info.name} did not load ({info.reason})",
                    )
        return self._host
