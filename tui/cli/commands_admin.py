"""Operators and the store's safety tools: `users`, `verify`, `audit`, `backup`, `restore`."""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
from pathlib import Path

import click

from plugins import actions
from plugins.i18n import local_time
from plugins.spreadsheet import safe_row
from store import StoreError, restore, verify
from tui.cli.output import table
from tui.cli.session import CliError, Session

ROLE_NAMES = {
    "office": ("办公室", "office"),
    "unit": ("单位", "unit"),
    "viewer": ("只读", "viewer"),
}


def new_password(session: Session, name: str) -> str:
    """The new password of name: $PINGAN_NEW_PASSWORD, else $PINGAN_PASSWORD, else asked twice.

    $PINGAN_PASSWORD is the login's own password once the store has accounts, so scripts that
    add a second account give the new one in $PINGAN_NEW_PASSWORD.
    """
    given = os.environ.get("PINGAN_NEW_PASSWORD")
    if given is None and not session.store().accounts_on():
        given = os.environ.get("PINGAN_PASSWORD")
    if given is not None:
        return given
    return str(
        click.prompt(
            session.text(f"{name} 的新密码", f"new password for {name}"),
            hide_input=True,
            confirmation_prompt=session.text("再输一遍", "repeat it"),
            err=True,
        )
    )


def run_users_add(session: Session, args: argparse.Namespace) -> int:
    """`pingan users add NAME --role ROLE [--unit UNIT]`: create an operator account."""
    ctx = session.context()
    first = not ctx.store.accounts_on()
    password = new_password(session, args.name)
    added = actions.add_user(ctx, args.name, password, role=args.role, unit=args.unit).user
    session.say(
        f"已新增操作员 {added.name}（{added.unit}，{ROLE_NAMES[added.role][0]}）",
        f"Added operator {added.name} ({added.unit}, {added.role})",
    )
    if first:
        session.say(
            "这是第一个账号：从现在起，这个数据库需要登录（--user 或 PINGAN_USER/PINGAN_PASSWORD）",
            "This is the first account: from now on this store needs a login "
            "(--user, or PINGAN_USER/PINGAN_PASSWORD)",
        )
    return 0


def run_users_list(session: Session, args: argparse.Namespace) -> int:
    """`pingan users list`: every account, its unit, role and whether it is active."""
    session.context()
    rows = [
        [
            user.name,
            user.unit,
            session.text(*ROLE_NAMES[user.role]),
            session.text("启用", "active") if user.active else session.text("停用", "disabled"),
            local_time(user.created),
        ]
        for user in actions.list_users(session.store())
    ]
    headers = [
        session.text("操作员", "operator"),
        session.text("单位", "unit"),
        session.text("角色", "role"),
        session.text("状态", "status"),
        session.text("创建", "created"),
    ]
    print(table(rows, headers), file=session.out)
    return 0


def run_users_disable(session: Session, args: argparse.Namespace) -> int:
    """`pingan users disable NAME`: the account can no longer log in (it stays for the audit)."""
    actions.disable_user(session.context(), args.name)
    session.say(f"已停用操作员 {args.name}", f"Disabled operator {args.name}")
    return 0


def run_users_passwd(session: Session, args: argparse.Namespace) -> int:
    """`pingan users passwd NAME`: set a new password (the office, or the operator themself)."""
    ctx = session.context()
    password = new_password(session, args.name)
    actions.change_password(ctx, args.name, password)
    session.say(f"已修改 {args.name} 的密码", f"Changed the password of {args.name}")
    return 0


def run_verify(session: Session, args: argparse.Namespace) -> int:
    """`pingan verify`: check the audit chain and every store file; 1 names the first problem."""
    store = session.store_file()
    if not store.exists():
        session.store()
    report = verify(store)
    if report.ok:
        session.say(report.message.zh, report.message.en)
        return 0
    session.warn(report.message.zh, report.message.en)
    for problem in report.problems[1:]:
        session.warn(problem.message.zh, problem.message.en)
    return 1


def run_audit(session: Session, args: argparse.Namespace) -> int:
    """`pingan audit [--village CODE] [--since DATE] [--user NAME] [--format F]`: the log."""
    session.context()
    since = args.since.date() if args.since is not None else None
    entries = session.store().audit_entries(village=args.village, since=since, user=args.by_user)
    if args.format == "json":
        docs = [entry.to_doc() for entry in entries]
        print(json.dumps(docs, ensure_ascii=False, indent=2), file=session.out)
        return 0
    if args.format == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(["seq", "at", "actor", "action", "target", "before", "after"])
        for entry in entries:
            writer.writerow(
                safe_row(
                    [
                        entry.seq,
                        entry.at,
                        entry.actor,
                        entry.action,
                        entry.target,
                        json.dumps(entry.before, ensure_ascii=False),
                        json.dumps(entry.after, ensure_ascii=False),
                    ]
                )
            )
        session.out.write(buffer.getvalue())
        return 0
    rows = [
        [entry.seq, local_time(entry.at), entry.actor, entry.action, entry.target]
        for entry in entries
    ]
    headers = [
        "#",
        session.text("时间", "time"),
        session.text("操作员", "operator"),
        session.text("操作", "action"),
        session.text("对象", "target"),
    ]
    print(table(rows, headers), file=session.out)
    return 0


def run_backup(session: Session, args: argparse.Namespace) -> int:
    """`pingan backup [-o FILE]`: one zip file of the store and its folder."""
    target = Path(args.output) if args.output else None
    made = actions.backup_store(session.context(), target)
    session.say(f"已备份到 {made}", f"Backed up to {made}")
    return 0


def run_restore(session: Session, args: argparse.Namespace) -> int:
    """`pingan restore FILE`: verify the backup, set the current store aside, bring it back.

    A store too damaged to open cannot say who may restore it, so then anyone at the desk may.
    """
    backup = Path(args.file)
    if not backup.is_file():
        raise CliError(session.text(f"{backup}：没有这个文件", f"{backup}: no such file"))
    try:
        ctx = session.context()
    except StoreError:
        result = restore(session.store_file(), backup)
    except CliError:
        if session.store_file().exists():
            raise
        result = restore(session.store_file(), backup)
    else:
        result = actions.restore_store(ctx, backup)
    session.say(result.message.zh, result.message.en)
    return 0
