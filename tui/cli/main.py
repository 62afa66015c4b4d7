"""The `pingan` command: global options, sub-commands and exit codes (0 done, 1 refused, 2 usage).

The sub-command names, options and output formats are a contract other tools rely on.
Refused input is reported on stderr without a traceback; Textual is imported only when
the TUI opens.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Callable
from importlib import metadata

from plugins.criteria import CRITERION_CODES
from plugins.i18n import LANGS
from plugins.refusal import Refusal
from store import Quarter, StoreError
from tui.cli import commands_data, commands_report, commands_settings, commands_setup
from tui.cli.session import CliError, Session

Command = Callable[[Session, argparse.Namespace], int]
GRID_FORMATS = ("plain", "md", "csv", "json")


def quarter_arg(text: str) -> Quarter:
    """An argparse type for quarters such as 2022Q3."""
    try:
        return Quarter.parse(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def criterion_arg(text: str) -> str:
    """An argparse type for criterion codes, case-insensitive."""
    code = text.strip().upper()
    if code not in CRITERION_CODES:
        raise argparse.ArgumentTypeError(
            f"unknown criterion {text!r}; valid: {', '.join(CRITERION_CODES)}"
        )
    return code


def _version() -> str:
    try:
        return metadata.version("pingan")
    except metadata.PackageNotFoundError:
        return "unknown"


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of `pingan`; global options come before the sub-command."""
    parser = argparse.ArgumentParser(
        prog="pingan",
        description="平安村创建（六好九无）工作台。不带子命令时打开界面。"
        " / Safe-village campaign workbench; with no sub-command it opens the TUI.",
    )
    parser.add_argument("--db", metavar="PATH", help="数据库文件 / store file (else $PINGAN_DB)")
    parser.add_argument(
        "--plugins-dir",
        metavar="DIR",
        action="append",
        default=[],
        help="再加载此文件夹里的 .py 插件（可重复） / also load .py plugins from DIR (repeatable)",
    )
    parser.add_argument("--lang", choices=LANGS, help="界面语言 / language (default: setting, zh)")
    parser.add_argument("--version", action="version", version=f"pingan {_version()}")
    parser.set_defaults(run=commands_setup.run_tui)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    init = sub.add_parser("init", help="新建一个镇的数据库 / create a store for a town")
    init.add_argument("--town", required=True, help="镇名 / town name")
    init.set_defaults(run=commands_setup.run_init)

    demo = sub.add_parser("demo", help="建一个示范镇 / fill a new store with the demo town")
    demo.add_argument("--no-tui", action="store_true", help="不打开界面 / do not open the TUI")
    demo.set_defaults(run=commands_setup.run_demo)

    _add_villages(sub)
    _add_records(sub)
    _add_returns(sub)
    commands_settings.add_parser(sub)

    decide = sub.add_parser("decide", help="登记会议决定 / record the meeting's decision on a cell")
    decide.add_argument("--quarter", required=True, type=quarter_arg, metavar="Q", help="如 2022Q3")
    decide.add_argument("--village", required=True, metavar="CODE", help="村代码 / village code")
    decide.add_argument(
        "--criterion", required=True, type=criterion_arg, metavar="CODE", help="G1..G6, N1..N9"
    )
    verdict = decide.add_mutually_exclusive_group(required=True)
    verdict.add_argument("--pass", dest="passed", action="store_true", help="达标 / pass")
    verdict.add_argument("--fail", dest="passed", action="store_false", help="未达标 / fail")
    verdict.add_argument("--withdraw", action="store_true", help="撤回决定 / withdraw")
    decide.add_argument("--reason", metavar="TEXT", help="理由（与数据相反时必填） / reason")
    decide.add_argument("--replace", action="store_true", help="替换已有决定 / replace")
    decide.set_defaults(run=commands_data.run_decide)

    grid = sub.add_parser("grid", help="季度达标表 / the quarter's compliance grid")
    grid.add_argument(
        "--quarter", type=quarter_arg, metavar="Q", help="默认最近有数据的季度 / default: latest"
    )
    grid.add_argument(
        "--format", choices=GRID_FORMATS, default="plain", help="plain、md 给人看，csv、json 给程序"
    )
    grid.set_defaults(run=commands_report.run_grid)

    plugins = sub.add_parser("plugins", help="插件及其状态 / plugins and their status")
    plugins.add_argument("--json", action="store_true", help="JSON 输出 / JSON output")
    plugins.set_defaults(run=commands_report.run_plugins)
    return parser


def _add_villages(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    villages = sub.add_parser("villages", help="村 / villages")
    actions = villages.add_subparsers(dest="action", metavar="ACTION", required=True)
    imp = actions.add_parser("import", help="从 CSV/XLSX 导入 / import from CSV or XLSX")
    imp.add_argument("file", metavar="FILE")
    imp.set_defaults(run=commands_data.run_villages_import)
    listing = actions.add_parser("list", help="列出村 / list villages")
    listing.add_argument("--all", action="store_true", help="含停用的村 / include inactive")
    listing.set_defaults(run=commands_data.run_villages_list)


def _add_records(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    records = sub.add_parser("records", help="记录 / records")
    actions = records.add_subparsers(dest="action", metavar="ACTION", required=True)
    imp = actions.add_parser("import", help="从 CSV/XLSX 导入 / import from CSV or XLSX")
    imp.add_argument("file", metavar="FILE")
    imp.add_argument("--type", required=True, metavar="TYPE", help="如 police.case")
    imp.set_defaults(run=commands_data.run_records_import)
    types = actions.add_parser("types", help="记录类型及其列 / record types and their columns")
    types.set_defaults(run=commands_data.run_records_types)


def _add_returns(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    returns = sub.add_parser("returns", help="季度报表 / quarterly returns")
    actions = returns.add_subparsers(dest="action", metavar="ACTION", required=True)
    filing = actions.add_parser("file", help="登记报表 / file a unit's return")
    filing.add_argument("--unit", required=True, metavar="UNIT")
    filing.add_argument("--quarter", required=True, type=quarter_arg, metavar="Q")
    filing.set_defaults(run=commands_data.run_returns_file)
    withdraw = actions.add_parser("withdraw", help="撤回报表 / withdraw a return")
    withdraw.add_argument("--unit", required=True, metavar="UNIT")
    withdraw.add_argument("--quarter", required=True, type=quarter_arg, metavar="Q")
    withdraw.set_defaults(run=commands_data.run_returns_withdraw)
    listing = actions.add_parser("list", help="报送情况 / who has filed")
    listing.add_argument("--quarter", type=quarter_arg, metavar="Q")
    listing.set_defaults(run=commands_data.run_returns_list)


def _prefer_utf8(stream: object) -> None:
    """Write UTF-8 when output goes to a file or pipe (Chinese Windows would pick GBK)."""
    reconfigure = getattr(stream, "reconfigure", None)
    isatty = getattr(stream, "isatty", None)
    if reconfigure is None or isatty is None or isatty():
        return
    with contextlib.suppress(ValueError, OSError):
        reconfigure(encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    """Run `pingan` with argv (default: the process's arguments); returns the exit code."""
    _prefer_utf8(sys.stdout)
    _prefer_utf8(sys.stderr)
    args = build_parser().parse_args(argv)
    session = Session.from_options(args.db, args.plugins_dir, args.lang)
    run: Command = args.run
    try:
        return run(session, args)
    except Refusal as exc:
        for line in exc.render(session.lang):
            print(line, file=session.err)
        return 1
    except (CliError, StoreError) as exc:
        print(str(exc), file=session.err)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    except OSError as exc:
        print(exc, file=session.err)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
