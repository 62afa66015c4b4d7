"""Sub-commands about plugins: list them and why each is off, turn one off or on, scaffold one."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from wcwidth import wcswidth

from plugins import actions
from plugins.i18n import Text
from plugins.manager import OffBy, PluginHost, PluginInfo, Source, Status
from plugins.scaffold import scaffold
from tui.cli.output import table, wrap_cells
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
OFF_BY_NAMES: dict[OffBy, Text] = {
    OffBy.NONE: Text("", ""),
    OffBy.ENV: Text("环境变量", "environment"),
    OffBy.TOWN: Text("本镇设置", "town setting"),
    OffBy.API: Text("接口版本", "API version"),
    OffBy.ERROR: Text("加载出错", "load error"),
}


def _with_commands(session: Session) -> PluginHost:
    """The plugins, with the commands each adds to `pingan` collected (and any left out)."""
    from tui.cli.commands import cli
    from tui.cli.plugin_commands import collect

    host = session.host(warn_failures=False)
    collect(host, set(cli.commands))
    return host


WIDTH = 80
"""The width `pingan plugins` fits in; `--wide` prints every column on one line instead."""
NOTE_MIN = 24
NOTE_SEPARATOR = Text("；", "; ")
COMMANDS = Text("命令：{names}", "commands: {names}")
WIDE_HINT = Text(
    "文件与 sha256：pingan plugins --wide（或 --json）",
    "Files and sha256: pingan plugins --wide (or --json)",
)


def _note(info: PluginInfo, lang: str) -> str:
    """Why the plugin is off (and by whom) and the commands it adds, in one text."""
    parts = []
    off_by = OFF_BY_NAMES[info.off_by].get(lang)
    why = info.why(lang)
    if off_by and why:
        parts.append(f"{off_by}{'：' if lang == 'zh' else ': '}{why}")
    elif off_by or why:
        parts.append(off_by or why)
    if info.commands:
        parts.append(COMMANDS.format(names=", ".join(info.commands)).get(lang))
    return NOTE_SEPARATOR.get(lang).join(parts)


def run_plugins(session: Session, args: argparse.Namespace) -> int:
    """`pingan plugins [--wide | --json]`: every plugin, its unit, source, status and notes.

    The table fits WIDTH columns, its notes wrapped; --wide adds the file and its sha256,
    each plugin on one line.
    """
    host = _with_commands(session)
    if args.json:
        docs = [info.to_doc() for info in host.infos]
        print(json.dumps(docs, ensure_ascii=False, indent=2), file=session.out)
        return 0
    lang = session.lang
    if args.wide:
        print(_wide_table(host, lang), file=session.out)
        return 0
    heads = (
        ["plugin", "unit", "source", "status", "notes"]
        if lang == "en"
        else ["插件", "单位", "来源", "状态", "说明"]
    )
    rows = [
        [
            info.name,
            ",".join(info.units),
            SOURCE_NAMES[info.source].get(lang),
            STATUS_NAMES[info.status].get(lang),
        ]
        for info in host.infos
    ]
    used = sum(
        max(wcswidth(str(c)) for c in column) + 2 for column in zip(heads, *rows, strict=False)
    )
    note_width = max(NOTE_MIN, WIDTH - used)
    for row, info in zip(rows, host.infos, strict=True):
        row.append("\n".join(wrap_cells(_note(info, lang), note_width)))
    print(table(rows, heads), file=session.out)
    print("\n" + WIDE_HINT.get(lang), file=session.out)
    return 0


def _wide_table(host: PluginHost, lang: str) -> str:
    """Every column, the file and its sha256 too, each plugin on one line."""
    rows = [
        [
            info.name,
            ",".join(info.units),
            SOURCE_NAMES[info.source].get(lang),
            STATUS_NAMES[info.status].get(lang),
            OFF_BY_NAMES[info.off_by].get(lang),
            info.why(lang),
            ",".join(info.commands),
            info.path,
            info.sha256[:12],
        ]
        for info in host.infos
    ]
    headers = (
        ["plugin", "unit", "source", "status", "off by", "reason", "commands", "file", "sha256"]
        if lang == "en"
        else ["插件", "单位", "来源", "状态", "停用原因", "说明", "命令", "文件", "sha256"]
    )
    return table(rows, headers)


def run_plugins_switch(session: Session, args: argparse.Namespace) -> int:
    """`pingan plugins disable|enable NAME`: keep a plugin out of the town, or let it back in."""
    ctx = session.context()
    if args.disable:
        done = actions.disable_plugin(ctx, args.name)
        session.say(
            f"已在本镇停用插件 {done.name}；下次启动 pingan 时生效，它的记录都还在。",
            f"Turned plugin {done.name} off for this town from the next start of pingan; "
            "its records stay in the store.",
        )
    else:
        done = actions.enable_plugin(ctx, args.name)
        session.say(
            f"已在本镇重新启用插件 {done.name}；下次启动 pingan 时生效。",
            f"Turned plugin {done.name} on again for this town from the next start of pingan.",
        )
    return 0


def run_plugin_new(session: Session, args: argparse.Namespace) -> int:
    """`pingan plugin new NAME [--dir DIR]`: write a unit plugin package that passes its tests."""
    from tui.cli.commands import cli

    target = Path(args.dir) if args.dir else Path.cwd() / f"pingan-{args.name}"
    written = scaffold(
        args.name, target, session.host(), criterion=args.criterion, reserved=set(cli.commands)
    )
    session.say(
        f"已在 {written.root} 新建插件包 {written.distribution}（{len(written.files)} 个文件）。"
        f"\n下一步：pip install -e {written.root} && pytest {written.root}",
        f"Created the plugin package {written.distribution} in {written.root} "
        f"({len(written.files)} files).\nNext: pip install -e {written.root} && "
        f"pytest {written.root}",
    )
    return 0
