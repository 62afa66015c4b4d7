"""Sub-commands that report: the quarter's grid and the plugins."""

from __future__ import annotations

import argparse
import json

from plugins.engine import Engine
from plugins.i18n import Text
from plugins.manager import Source, Status
from store import Quarter
from tui.cli.output import grid_errors, render_grid, symbols_for, table
from tui.cli.session import Session

SOURCE_NAMES: dict[Source, Text] = {
    Source.BUILTIN: Text("内置", "built-in"),
    Source.ENTRY_POINT: Text("入口点", "entry point"),
    Source.FOLDER: Text("文件夹", "folder"),
}
STATUS_NAMES: dict[Status, Text] = {
    Status.LOADED: Text("已加载", "loaded"),
    Status.FAILED: Text("失败", "failed"),
    Status.DISABLED: Text("已停用", "disabled"),
}


def run_grid(session: Session, args: argparse.Namespace) -> int:
    """`pingan grid`: the quarter's grid, one row per active village; plugin errors on stderr."""
    store = session.store()
    quarter: Quarter = args.quarter or store.latest_quarter()
    grid = Engine(store, session.host()).grid(quarter)
    text = render_grid(
        grid,
        args.format,
        lang=session.lang,
        town=store.settings().town,
        symbols=symbols_for(session.out),
    )
    session.out.write(text)
    for line in grid_errors(grid, session.lang):
        print(line, file=session.err)
    return 0


def run_plugins(session: Session, args: argparse.Namespace) -> int:
    """`pingan plugins [--json]`: every plugin with its unit, source and status."""
    host = session.host(warn_failures=False)
    if args.json:
        docs = [info.to_doc() for info in host.infos]
        print(json.dumps(docs, ensure_ascii=False, indent=2), file=session.out)
        return 0
    lang = session.lang
    rows = [
        [
            info.name,
            ",".join(info.units),
            SOURCE_NAMES[info.source].get(lang),
            STATUS_NAMES[info.status].get(lang),
            info.reason,
            info.path,
            info.sha256[:12],
        ]
        for info in host.infos
    ]
    headers = (
        ["plugin", "unit", "source", "status", "reason", "file", "sha256"]
        if lang == "en"
        else ["插件", "单位", "来源", "状态", "原因", "文件", "sha256"]
    )
    print(table(rows, headers), file=session.out)
    return 0
