"""Sub-commands that show the quarter to others: `board` (printable boards), `serve` (browser)."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from plugins.actions.boards import write_boards
from plugins.reports.boards import ALL_FILE, INDEX_FILE
from store import Quarter
from tui.cli.session import Session

DEFAULT_PORT = 8000


def run_board(session: Session, args: argparse.Namespace) -> int:
    """`pingan board --quarter Q [--village CODE] -o DIR`: write the display boards."""
    ctx = session.context()
    quarter: Quarter = args.quarter
    out = Path(args.output)
    files = write_boards(ctx, quarter, out, args.village, args.board_lang)
    boards = [f for f in files if f.name not in (INDEX_FILE, ALL_FILE)]
    if not ctx.store.is_locked(quarter):
        session.warn(
            f"注意：{quarter} 尚未定稿，展板都标为“草稿”，不作正式公示",
            f"note: {quarter} is not finalized; every board is marked DRAFT, not for posting",
        )
    session.say(
        f"已写 {len(boards)} 块展板到 {out}",
        f"Wrote {len(boards)} board(s) into {out}",
    )
    if args.village is None:
        index, every = out / INDEX_FILE, out / ALL_FILE
        session.say(
            f"索引：{index}；全部展板一次打印：{every}",
            f"Index: {index}; all boards to print at once: {every}",
        )
    else:
        session.say(f"展板：{boards[0]}", f"Board: {boards[0]}")
    session.say(
        "打印：用浏览器打开，Ctrl+P，纸张 A4、横向；选“另存为 PDF”可得 PDF",
        "To print: open it in a browser, Ctrl+P, paper A4, landscape; “Save as PDF” gives a PDF",
    )
    return 0


def run_serve(session: Session, args: argparse.Namespace) -> int:
    """`pingan serve [--host H] [--port P]`: the TUI in a browser, this computer only by default."""
    from tui.serve import is_local, serve, served_command, served_environment, url_host

    store = session.store(log_in=False)
    host: str = args.host
    port: int = args.port
    accounts = store.accounts_on()
    dirs = [Path(d) for d in args.plugins_dir]
    command = served_command(session.db, lang=session.lang_option, plugin_dirs=dirs)
    url = f"http://{url_host(host)}:{port}"
    session.say(f"在浏览器中打开：{url}", f"Open in a browser: {url}")
    if is_local(host):
        session.say(
            f"只在本机监听（{host}）：其他电脑打不开；按 Ctrl+C 停止",
            f"Listening on this computer only ({host}): other computers cannot open it; "
            "Ctrl+C stops it",
        )
    else:
        guard = (
            ("打开后须用操作员账号登录", "a visitor must log in with an operator account")
            if accounts
            else (
                "此数据库没有操作员账号，打开的人都能修改数据；请先用 `pingan users add` 建账号",
                "this store has no operator accounts, so anyone who opens it can change data; "
                "add accounts first with `pingan users add`",
            )
        )
        session.warn(
            f"警告：正在监听 {host}，网络上能连到本机的人都能打开此页面（textual-serve 没有"
            f"自己的认证）；{guard[0]}",
            f"warning: listening on {host}: anyone on the network who can reach this computer "
            f"can open the page (textual-serve has no authentication of its own); {guard[1]}",
        )
    session.out.flush()
    session.err.flush()
    environ = served_environment(dict(os.environ), accounts_on=accounts)
    serve(command, host, port, title=store.settings().town, environ=environ)
    return 0
