"""Sub-commands that create a store or open the TUI: `pingan`, `init`, `demo`, `meeting`."""

from __future__ import annotations

import argparse
import os

from plugins import actions
from plugins.actions import Actor
from plugins.manager import PluginHost
from store import Quarter, Store
from tui.cli.session import Session

DEMO_TOWN = "桑村镇"


def open_tui(
    session: Session,
    store: Store,
    host: PluginHost,
    *,
    quarter: Quarter | None = None,
    meeting: bool = False,
) -> int:
    """Run the Textual app until the user quits; Textual is imported only here."""
    from tui.app import PinganApp

    PinganApp(
        store,
        host,
        lang=session.lang,
        actor=tui_actor(session, store),
        quarter=quarter,
        meeting=meeting,
    ).run()
    return 0


def run_meeting(session: Session, args: argparse.Namespace) -> int:
    """`pingan meeting --quarter Q`: open the TUI in meeting mode on the quarter."""
    store = session.store(log_in=False)
    quarter: Quarter = args.quarter
    actions.ensure_open(store, quarter)
    return open_tui(session, store, session.host(), quarter=quarter, meeting=True)


def tui_actor(session: Session, store: Store) -> Actor | str:
    """The operator the TUI starts as, or the name its login screen suggests.

    With accounts, --user (or PINGAN_USER with PINGAN_PASSWORD) logs in on the command line;
    otherwise the TUI's login screen asks.
    """
    name = session.login_name()
    if not store.accounts_on() or session.user_option or (name and "PINGAN_PASSWORD" in os.environ):
        return session.actor()
    return name


def run_tui(session: Session, args: argparse.Namespace) -> int:
    """`pingan` alone: open the TUI on the chosen store (its login screen, if it has accounts)."""
    return open_tui(session, session.store(log_in=False), session.host())


def run_init(session: Session, args: argparse.Namespace) -> int:
    """`pingan init --town NAME`: create an empty store; refused if one exists."""
    town = args.town.strip()
    actions.create_store(session.store_file(), town)
    session.say(f"已为{town}新建数据库：{session.db}", f"Created the store of {town}: {session.db}")
    return 0


def run_demo(session: Session, args: argparse.Namespace) -> int:
    """`pingan demo`: fill a new or empty store with the demo town, then open the TUI."""
    if session.store_file().exists():
        store = session.store(log_in=False)
        if "demo_seed" in store.main().meta:
            session.say(
                f"{session.db} 已是示范镇，直接打开", f"{session.db} is the demo town already"
            )
            return 0 if args.no_tui else open_tui(session, store, session.host())
    else:
        actions.create_store(session.store_file(), DEMO_TOWN)
        store = session.store()
    host = session.host()
    actions.fill_demo(store, host)
    villages = len(store.villages())
    quarters = store.record_quarters()
    first, last = (quarters[0], quarters[-1]) if quarters else ("-", "-")
    town = store.settings().town
    session.say(
        f"示范镇{town}已建好：{villages} 个村，{first} 至 {last} 的数据，保存在 {session.db}",
        f"Demo town {town} ready: {villages} villages, data from {first} to {last}, "
        f"stored in {session.db}",
    )
    if args.no_tui:
        return 0
    return open_tui(session, store, host)
