"""The `pingan` command tree in click: each command parses into the arguments of a run_* function.

Parsing ends with an Invocation (the run_* function and its arguments); main() opens the
session and runs it, so the exit codes and error messages stay in one place.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from importlib import metadata
from typing import Any

import click

from plugins.actions.settings import NAMES
from plugins.criteria import CRITERION_CODES
from plugins.i18n import LANGS, Text
from store import Quarter
from tui.cli import (
    commands_admin,
    commands_boards,
    commands_data,
    commands_imports,
    commands_plugins,
    commands_quarter,
    commands_report,
    commands_reports,
    commands_settings,
    commands_setup,
)
from tui.cli.help import (
    Choices,
    HelpState,
    PinganCommand,
    PinganGroup,
    TextBadParameter,
    TextUsageError,
    argument,
    option,
)
from tui.cli.plugin_commands import PinganRoot
from tui.cli.session import Session

Run = Callable[[Session, argparse.Namespace], int]
GRID_FORMATS = ("plain", "md", "csv", "json")
REPORT_FORMATS = ("md", "csv", "xlsx", "docx", "html")
GLOBALS = "pingan.globals"
CONTEXT_SETTINGS: dict[str, Any] = {"help_option_names": ["-h", "--help"]}


@dataclass(frozen=True, slots=True)
class Invocation:
    """A parsed command line: the run_* function to call and its argparse-style arguments."""

    run: Run
    args: argparse.Namespace


class QuarterType(click.ParamType[Quarter]):
    """A quarter such as 2022Q3, given to the command as a store.Quarter."""

    name = "quarter"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> Quarter:
        if isinstance(value, Quarter):
            return value
        try:
            return Quarter.parse(str(value))
        except ValueError as exc:
            raise TextBadParameter(
                Text(f"不是季度（应如 2022Q3）：{value!r}", str(exc)), ctx, param
            ) from None


class CriterionType(click.ParamType[str]):
    """A criterion code such as G1 or n9, given to the command upper-cased."""

    name = "criterion"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        code = str(value).strip().upper()
        if code in CRITERION_CODES:
            return code
        raise TextBadParameter(
            Text(
                f"没有准则 {value!r}；可选：{'、'.join(CRITERION_CODES)}",
                f"unknown criterion {value!r}; valid: {', '.join(CRITERION_CODES)}",
            ),
            ctx,
            param,
        )


def filing_units(state: HelpState) -> list[str]:
    """The units that file quarterly returns, as `code（name）`."""
    units = state.host().registry.units.values()
    shown = Text("{code}（{name}）", "{code} ({name})").get(state.lang)
    return [
        shown.format(code=u.code, name=u.name.get(state.lang))
        for u in sorted(units, key=lambda u: u.code)
        if u.files_returns
    ]


def record_types(state: HelpState) -> list[str]:
    """The record types the loaded plugins declare."""
    return sorted(state.host().registry.record_types)


def fixed(values: Sequence[str]) -> Callable[[HelpState], Sequence[str]]:
    """Values that do not depend on the plugins."""
    return lambda state: values


def invocation(ctx: click.Context, run: Run, **values: Any) -> Invocation:
    """The run_* call for this context, with the global options and the command's own values."""
    names: list[str] = []
    current: click.Context | None = ctx
    while current is not None and current.parent is not None:
        names.insert(0, current.info_name or "")
        current = current.parent
    globals_: dict[str, Any] = ctx.meta.get(GLOBALS, {})
    args = argparse.Namespace(
        **globals_,
        command=names[0] if names else None,
        action=names[1] if len(names) > 1 else None,
        run=run,
        **values,
    )
    return Invocation(run, args)


def _print_version(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if not value or ctx.resilient_parsing:
        return
    try:
        version = metadata.version("pingan")
    except metadata.PackageNotFoundError:
        version = "unknown"
    click.echo(f"pingan {version}")
    ctx.exit()


QUARTER_HELP = Text("季度，如 2022Q3", "quarter, such as 2022Q3")


def latest_quarter_option() -> Callable[[Any], Any]:
    """--quarter Q, optional: the latest quarter holding data when left out."""
    return option(
        "--quarter",
        type=QuarterType(),
        metavar="Q",
        text=Text(
            "季度，如 2022Q3；默认最近有数据的季度", "quarter such as 2022Q3; default: latest"
        ),
    )


@click.group(
    "pingan",
    cls=PinganRoot,
    text=Text(
        "平安村创建（六好九无）工作台。不带子命令时打开界面。",
        "Safe-village campaign workbench; with no sub-command it opens the TUI.",
    ),
    invoke_without_command=True,
    context_settings=CONTEXT_SETTINGS,
)
@option(
    "--db",
    metavar="PATH",
    text=Text("数据库文件（默认 $PINGAN_DB）", "store file (else $PINGAN_DB)"),
)
@option(
    "--plugins-dir",
    "plugins_dir",
    metavar="DIR",
    multiple=True,
    text=Text(
        "再加载此文件夹里的 .py 插件（可重复）", "also load .py plugins from DIR (repeatable)"
    ),
)
@option(
    "--lang",
    type=Choices(LANGS),
    metavar="LANG",
    values=fixed(LANGS),
    text=Text(
        "界面语言（默认：设置里的语言，否则 zh）", "language (default: the setting, else zh)"
    ),
)
@option(
    "--user",
    metavar="NAME",
    text=Text(
        "以此操作员登录（默认 $PINGAN_USER；密码取 $PINGAN_PASSWORD，否则提示输入）",
        "log in as this operator (else $PINGAN_USER; password from $PINGAN_PASSWORD, else asked)",
    ),
)
@option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_print_version,
    text=Text("显示版本并退出", "show the version and exit"),
)
@click.pass_context
def cli(
    ctx: click.Context,
    db: str | None,
    plugins_dir: tuple[str, ...],
    lang: str | None,
    user: str | None,
) -> Invocation | None:
    """`pingan [global options] [COMMAND]`."""
    ctx.meta[GLOBALS] = {"db": db, "plugins_dir": list(plugins_dir), "lang": lang, "user": user}
    if ctx.invoked_subcommand is None:
        return invocation(ctx, commands_setup.run_tui)
    return None


@cli.command(
    "init", cls=PinganCommand, text=Text("新建一个镇的数据库", "create a store for a town")
)
@option("--town", required=True, metavar="NAME", text=Text("镇名", "town name"))
@click.pass_context
def init(ctx: click.Context, town: str) -> Invocation:
    """`pingan init --town NAME`."""
    return invocation(ctx, commands_setup.run_init, town=town)


@cli.command(
    "demo", cls=PinganCommand, text=Text("建一个示范镇", "fill a new store with the demo town")
)
@option("--no-tui", "no_tui", is_flag=True, text=Text("不打开界面", "do not open the TUI"))
@click.pass_context
def demo(ctx: click.Context, no_tui: bool) -> Invocation:
    """`pingan demo [--no-tui]`."""
    return invocation(ctx, commands_setup.run_demo, no_tui=no_tui)


@cli.group("villages", cls=PinganGroup, text=Text("村", "villages"), no_args_is_help=False)
def villages() -> None:
    """`pingan villages ACTION`."""


@villages.command(
    "import", cls=PinganCommand, text=Text("从 CSV/XLSX 导入", "import from CSV or XLSX")
)
@argument("file", metavar="FILE", text=Text("CSV 或 XLSX 文件", "a CSV or XLSX file"))
@click.pass_context
def villages_import(ctx: click.Context, file: str) -> Invocation:
    """`pingan villages import FILE`."""
    return invocation(ctx, commands_data.run_villages_import, file=file)


@villages.command("list", cls=PinganCommand, text=Text("列出村", "list villages"))
@option("--all", "all_", is_flag=True, text=Text("含停用的村", "include inactive villages"))
@click.pass_context
def villages_list(ctx: click.Context, all_: bool) -> Invocation:
    """`pingan villages list [--all]`."""
    return invocation(ctx, commands_data.run_villages_list, all=all_)


@cli.group("records", cls=PinganGroup, text=Text("记录", "records"), no_args_is_help=False)
def records() -> None:
    """`pingan records ACTION`."""


@records.command(
    "import", cls=PinganCommand, text=Text("从 CSV/XLSX 导入", "import from CSV or XLSX")
)
@argument("file", metavar="FILE", text=Text("CSV 或 XLSX 文件", "a CSV or XLSX file"))
@option(
    "--type",
    "type_",
    required=True,
    metavar="TYPE",
    values=record_types,
    text=Text("记录类型", "record type"),
)
@option(
    "--encoding",
    metavar="ENC",
    text=Text(
        "CSV 的编码（默认自动识别 UTF-8 或 GBK）",
        "the CSV's encoding (default: UTF-8 or GBK, found)",
    ),
)
@option(
    "--sheet",
    metavar="NAME",
    text=Text("要读的工作表（默认当前工作表）", "the sheet to read (default: the active one)"),
)
@option(
    "--again",
    is_flag=True,
    text=Text("同样内容已导入过也再导入一次", "import content that was imported before again"),
)
@option(
    "--update",
    is_flag=True,
    text=Text(
        "编号已有的记录用文件里的行替换",
        "replace stored records whose key (case_no) the file repeats",
    ),
)
@click.pass_context
def records_import(
    ctx: click.Context,
    file: str,
    type_: str,
    encoding: str | None,
    sheet: str | None,
    again: bool,
    update: bool,
) -> Invocation:
    """`pingan records import FILE --type TYPE [--encoding ENC] [--sheet NAME] [--again]`."""
    return invocation(
        ctx,
        commands_imports.run_records_import,
        file=file,
        type=type_,
        encoding=encoding,
        sheet=sheet,
        again=again,
        update=update,
    )


@records.command("list", cls=PinganCommand, text=Text("列出一个季度的记录", "a quarter's records"))
@option("--quarter", required=True, type=QuarterType(), metavar="Q", text=QUARTER_HELP)
@option("--village", metavar="CODE", text=Text("只列这个村", "only this village"))
@option(
    "--type",
    "type_",
    metavar="TYPE",
    values=record_types,
    text=Text("只列这种记录", "only this type"),
)
@option(
    "--format",
    "format_",
    type=Choices(commands_imports.RECORD_FORMATS),
    default="plain",
    show_default=True,
    metavar="FORMAT",
    values=fixed(commands_imports.RECORD_FORMATS),
    text=Text("plain 给人看，csv、json 给程序", "plain for people, csv and json for programs"),
)
@click.pass_context
def records_list(
    ctx: click.Context, quarter: Quarter, village: str | None, type_: str | None, format_: str
) -> Invocation:
    """`pingan records list --quarter Q [--village CODE] [--type TYPE] [--format FORMAT]`."""
    return invocation(
        ctx,
        commands_imports.run_records_list,
        quarter=quarter,
        village=village,
        type=type_,
        format=format_,
    )


@records.command(
    "types",
    cls=PinganCommand,
    text=Text("记录类型、它们的列和可填的值", "record types, their columns and allowed values"),
)
@click.pass_context
def records_types(ctx: click.Context) -> Invocation:
    """`pingan records types`."""
    return invocation(ctx, commands_data.run_records_types)


@records.command(
    "delete",
    cls=PinganCommand,
    text=Text(
        "删除一条记录（内容留在审计日志里）", "delete a record (its content stays in the audit log)"
    ),
)
@argument("record_id", metavar="ID", type=int, text=Text("记录编号", "the record's id"))
@option("--reason", required=True, metavar="TEXT", text=Text("删除的理由", "why it is deleted"))
@click.pass_context
def records_delete(ctx: click.Context, record_id: int, reason: str) -> Invocation:
    """`pingan records delete ID --reason TEXT`."""
    return invocation(ctx, commands_data.run_records_delete, id=record_id, reason=reason)


@cli.group(
    "imports", cls=PinganGroup, text=Text("导入批次", "import batches"), no_args_is_help=False
)
def imports() -> None:
    """`pingan imports ACTION`."""


@imports.command("list", cls=PinganCommand, text=Text("列出导入批次", "list import batches"))
@click.pass_context
def imports_list(ctx: click.Context) -> Invocation:
    """`pingan imports list`."""
    return invocation(ctx, commands_imports.run_imports_list)


@imports.command(
    "undo",
    cls=PinganCommand,
    text=Text("撤销一个导入批次（留审计记录）", "take back an import batch (audited)"),
)
@argument("batch", metavar="BATCH", type=int, text=Text("批次编号", "the batch's number"))
@option("--reason", required=True, metavar="TEXT", text=Text("撤销的理由", "why it is undone"))
@click.pass_context
def imports_undo(ctx: click.Context, batch: int, reason: str) -> Invocation:
    """`pingan imports undo BATCH --reason TEXT`."""
    return invocation(ctx, commands_imports.run_imports_undo, batch=batch, reason=reason)


UNIT_HELP = Text("报送季度报表的单位", "a unit that files quarterly returns")


@cli.group(
    "returns", cls=PinganGroup, text=Text("季度报表", "quarterly returns"), no_args_is_help=False
)
def returns() -> None:
    """`pingan returns ACTION`."""


@returns.command("file", cls=PinganCommand, text=Text("登记报表", "file a unit's return"))
@option("--unit", required=True, metavar="UNIT", values=filing_units, text=UNIT_HELP)
@option("--quarter", required=True, type=QuarterType(), metavar="Q", text=QUARTER_HELP)
@click.pass_context
def returns_file(ctx: click.Context, unit: str, quarter: Quarter) -> Invocation:
    """`pingan returns file --unit UNIT --quarter Q`."""
    return invocation(ctx, commands_data.run_returns_file, unit=unit, quarter=quarter)


@returns.command("list", cls=PinganCommand, text=Text("报送情况", "who has filed"))
@latest_quarter_option()
@click.pass_context
def returns_list(ctx: click.Context, quarter: Quarter | None) -> Invocation:
    """`pingan returns list [--quarter Q]`."""
    return invocation(ctx, commands_data.run_returns_list, quarter=quarter)


@returns.command(
    "withdraw", cls=PinganCommand, text=Text("撤回已登记的报表", "withdraw a filed return")
)
@option("--unit", required=True, metavar="UNIT", values=filing_units, text=UNIT_HELP)
@option("--quarter", required=True, type=QuarterType(), metavar="Q", text=QUARTER_HELP)
@click.pass_context
def returns_withdraw(ctx: click.Context, unit: str, quarter: Quarter) -> Invocation:
    """`pingan returns withdraw --unit UNIT --quarter Q`."""
    return invocation(ctx, commands_data.run_returns_withdraw, unit=unit, quarter=quarter)


@cli.group(
    "settings", cls=PinganGroup, text=Text("镇的设置", "the town's settings"), no_args_is_help=False
)
def settings() -> None:
    """`pingan settings ACTION`."""


@settings.command("show", cls=PinganCommand, text=Text("列出设置", "list settings"))
@click.pass_context
def settings_show(ctx: click.Context) -> Invocation:
    """`pingan settings show`."""
    return invocation(ctx, commands_settings.run_settings_show)


SETTING_NAMES = Text("设置名：" + NAMES.zh, "setting name: " + NAMES.en)


@settings.command("set", cls=PinganCommand, text=Text("修改一项设置", "change a setting"))
@argument("name", metavar="NAME", text=SETTING_NAMES)
@argument("value", metavar="VALUE", text=Text("新的值", "the new value"))
@click.pass_context
def settings_set(ctx: click.Context, name: str, value: str) -> Invocation:
    """`pingan settings set NAME VALUE`."""
    return invocation(ctx, commands_settings.run_settings_set, name=name, value=value)


@settings.command("unset", cls=PinganCommand, text=Text("清除一项设置", "drop an override"))
@argument(
    "name",
    metavar="NAME",
    text=Text(
        "target.YEAR | threshold.UNIT.NAME | key.BINDING_ID",
        "target.YEAR | threshold.UNIT.NAME | key.BINDING_ID",
    ),
)
@click.pass_context
def settings_unset(ctx: click.Context, name: str) -> Invocation:
    """`pingan settings unset NAME`."""
    return invocation(ctx, commands_settings.run_settings_unset, name=name)


@cli.command(
    "decide",
    cls=PinganCommand,
    text=Text("登记会议决定", "record the meeting's decision on a cell"),
)
@option("--quarter", required=True, type=QuarterType(), metavar="Q", text=QUARTER_HELP)
@option(
    "--village",
    "villages",
    multiple=True,
    metavar="CODE",
    text=Text("村代码（可重复）", "village code (repeatable)"),
)
@option(
    "--all",
    "all_",
    is_flag=True,
    text=Text(
        "此准则尚无决定的所有在册村", "every active village without a decision on the criterion"
    ),
)
@option(
    "--criterion",
    required=True,
    type=CriterionType(),
    metavar="CODE",
    values=fixed(CRITERION_CODES),
    text=Text("准则代码（不分大小写）", "criterion code (any case)"),
)
@option("--pass", "pass_", is_flag=True, text=Text("达标", "pass"))
@option("--fail", "fail", is_flag=True, text=Text("未达标", "fail"))
@option(
    "--reason",
    metavar="TEXT",
    text=Text("理由（与数据相反时必填）", "reason (needed against the data)"),
)
@option(
    "--replace",
    is_flag=True,
    text=Text("替换此格已有的决定", "replace the cell's existing decision"),
)
@option(
    "--withdraw",
    is_flag=True,
    text=Text(
        "撤回此格的决定（不用 --pass/--fail）", "withdraw the cell's decision (no --pass/--fail)"
    ),
)
@click.pass_context
def decide(
    ctx: click.Context,
    quarter: Quarter,
    villages: tuple[str, ...],
    all_: bool,
    criterion: str,
    pass_: bool,
    fail: bool,
    reason: str | None,
    replace: bool,
    withdraw: bool,
) -> Invocation:
    """`pingan decide --quarter Q (--village V... | --all) --criterion C (--pass|--fail|...)`."""
    if bool(villages) == all_:
        raise TextUsageError(
            Text(
                "需要 --village（可多个）或 --all，二者只用一个",
                "give --village (one or more) or --all, not both",
            ),
            ctx,
        )
    if withdraw and (all_ or len(villages) > 1):
        raise TextUsageError(
            Text(
                "--withdraw 一次只撤回一个村的决定", "--withdraw takes back one village at a time"
            ),
            ctx,
        )
    if sum((pass_, fail, withdraw)) > 1:
        raise TextUsageError(
            Text(
                "--pass、--fail、--withdraw 只能用一个",
                "use only one of --pass, --fail, --withdraw",
            ),
            ctx,
        )
    if not (pass_ or fail or withdraw):
        raise TextUsageError(
            Text(
                "需要 --pass 或 --fail（或 --withdraw）",
                "one of --pass, --fail (or --withdraw) is required",
            ),
            ctx,
        )
    return invocation(
        ctx,
        commands_data.run_decide,
        quarter=quarter,
        villages=list(villages),
        village=villages[0] if villages else None,
        all=all_,
        criterion=criterion,
        passed=None if withdraw else pass_,
        reason=reason,
        replace=replace,
        withdraw=withdraw,
    )


@cli.command("grid", cls=PinganCommand, text=Text("季度达标表", "the quarter's compliance grid"))
@latest_quarter_option()
@option(
    "--format",
    "format_",
    type=Choices(GRID_FORMATS),
    default="plain",
    show_default=True,
    metavar="FORMAT",
    values=fixed(GRID_FORMATS),
    text=Text(
        "plain、md 给人看，csv、json 给程序", "plain and md for people, csv and json for programs"
    ),
)
@click.pass_context
def grid(ctx: click.Context, quarter: Quarter | None, format_: str) -> Invocation:
    """`pingan grid [--quarter Q] [--format FORMAT]`."""
    return invocation(ctx, commands_report.run_grid, quarter=quarter, format=format_)


@cli.group(
    "plugins",
    cls=PinganGroup,
    text=Text("插件及其状态；停用、启用插件", "plugins and their status; turn plugins off or on"),
    invoke_without_command=True,
)
@option("--json", "json_", is_flag=True, text=Text("JSON 输出", "JSON output"))
@option(
    "--wide",
    is_flag=True,
    text=Text(
        "每个插件一行，含文件和 sha256（宽于 80 列）",
        "one line per plugin, with its file and sha256 (wider than 80 columns)",
    ),
)
@click.pass_context
def plugins(ctx: click.Context, json_: bool, wide: bool) -> Invocation | None:
    """`pingan plugins [--wide | --json]`, or `pingan plugins disable|enable NAME`."""
    if ctx.invoked_subcommand is None:
        return invocation(ctx, commands_plugins.run_plugins, json=json_, wide=wide)
    return None


PLUGIN_NAME = Text(
    "插件名（`pingan plugins` 第一列）", "the plugin's name (first column of `pingan plugins`)"
)


@plugins.command(
    "disable",
    cls=PinganCommand,
    text=Text(
        "在本镇停用一个插件（下次启动生效；记录保留）",
        "turn a plugin off for this town (from the next start; its records stay)",
    ),
)
@argument("name", metavar="NAME", text=PLUGIN_NAME)
@click.pass_context
def plugins_disable(ctx: click.Context, name: str) -> Invocation:
    """`pingan plugins disable NAME`."""
    return invocation(ctx, commands_plugins.run_plugins_switch, name=name, disable=True)


@plugins.command(
    "enable",
    cls=PinganCommand,
    text=Text("重新启用本镇停用的插件", "turn a plugin the town turned off on again"),
)
@argument("name", metavar="NAME", text=PLUGIN_NAME)
@click.pass_context
def plugins_enable(ctx: click.Context, name: str) -> Invocation:
    """`pingan plugins enable NAME`."""
    return invocation(ctx, commands_plugins.run_plugins_switch, name=name, disable=False)


@cli.group("plugin", cls=PinganGroup, text=Text("编写插件", "write a plugin"))
def plugin() -> None:
    """`pingan plugin ACTION`."""


@plugin.command(
    "new",
    cls=PinganCommand,
    text=Text(
        "新建一个可安装的单位插件包（记录类型、检查、预警、视图、报告、命令、测试）",
        "create an installable unit plugin package (record type, check, warning, view, "
        "report section, command, tests)",
    ),
)
@argument(
    "name",
    metavar="NAME",
    text=Text("单位代码，如 traffic（小写字母、数字、下划线）", "unit code, such as traffic"),
)
@option(
    "--dir",
    "directory",
    metavar="DIR",
    text=Text("写到此文件夹（默认 ./pingan-NAME）", "write into DIR (default ./pingan-NAME)"),
)
@option(
    "--criterion",
    default="N7",
    show_default=True,
    type=CriterionType(),
    metavar="CODE",
    values=fixed(CRITERION_CODES),
    text=Text("示例检查判定的准则", "the criterion the example check decides"),
)
@click.pass_context
def plugin_new(ctx: click.Context, name: str, directory: str | None, criterion: str) -> Invocation:
    """`pingan plugin new NAME [--dir DIR] [--criterion CODE]`."""
    return invocation(
        ctx, commands_plugins.run_plugin_new, name=name, dir=directory, criterion=criterion
    )


FORMAT_HELP = Text(
    "plain、md 给人看，csv、json 给程序", "plain and md for people, csv and json for programs"
)


def format_option() -> Callable[[Any], Any]:
    """--format plain|md|csv|json."""
    return option(
        "--format",
        "format_",
        type=Choices(GRID_FORMATS),
        default="plain",
        show_default=True,
        metavar="FORMAT",
        values=fixed(GRID_FORMATS),
        text=FORMAT_HELP,
    )


class DateType(click.ParamType[date]):
    """A day such as 2024-01-05."""

    name = "date"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> date:
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value).strip())
        except ValueError:
            raise TextBadParameter(
                Text(
                    f"不是日期（应如 2024-01-05）：{value!r}",
                    f"not a date (like 2024-01-05): {value!r}",
                ),
                ctx,
                param,
            ) from None


@cli.command(
    "finalize",
    cls=PinganCommand,
    text=Text(
        "季度定稿：先显示与上季度的对比，再冻结快照、锁定数据、开出整改事项",
        "finalize a quarter: show the preview, freeze its snapshot, lock its data, open "
        "rectification items",
    ),
)
@option("--quarter", required=True, type=QuarterType(), metavar="Q", text=QUARTER_HELP)
@option(
    "--allow-pending",
    "allow_pending",
    is_flag=True,
    text=Text(
        "有待定格也定稿（须写理由；这些村按不达标计）",
        "finalize despite PENDING cells (needs --reason; those villages do not comply)",
    ),
)
@option("--reason", metavar="TEXT", text=Text("带待定格定稿的理由", "why PENDING cells are left"))
@click.pass_context
def finalize(
    ctx: click.Context, quarter: Quarter, allow_pending: bool, reason: str | None
) -> Invocation:
    """`pingan finalize --quarter Q [--allow-pending --reason TEXT]`."""
    return invocation(
        ctx,
        commands_quarter.run_finalize,
        quarter=quarter,
        allow_pending=allow_pending,
        reason=reason,
    )


@cli.command(
    "reopen",
    cls=PinganCommand,
    text=Text("重新打开已定稿的季度（记入审计）", "reopen a finalized quarter (audited)"),
)
@option("--quarter", required=True, type=QuarterType(), metavar="Q", text=QUARTER_HELP)
@option("--reason", required=True, metavar="TEXT", text=Text("重新打开的理由", "why it reopens"))
@click.pass_context
def reopen(ctx: click.Context, quarter: Quarter, reason: str) -> Invocation:
    """`pingan reopen --quarter Q --reason TEXT`."""
    return invocation(ctx, commands_quarter.run_reopen, quarter=quarter, reason=reason)


@cli.command(
    "reported",
    cls=PinganCommand,
    text=Text("登记季度已上报区里", "record that a quarter was reported to the district"),
)
@option("--quarter", required=True, type=QuarterType(), metavar="Q", text=QUARTER_HELP)
@option(
    "--on",
    type=DateType(),
    metavar="DATE",
    text=Text("上报日期（默认今天）", "the day it was reported (default: today)"),
)
@click.pass_context
def reported(ctx: click.Context, quarter: Quarter, on: date | None) -> Invocation:
    """`pingan reported --quarter Q [--on DATE]`."""
    return invocation(ctx, commands_quarter.run_reported, quarter=quarter, on=on)


@cli.command(
    "lists",
    cls=PinganCommand,
    text=Text(
        "红黑榜、重点督导、通报、表彰候选和年度目标",
        "positive and negative lists, supervision, public notice, commendation and the target",
    ),
)
@latest_quarter_option()
@format_option()
@click.pass_context
def lists(ctx: click.Context, quarter: Quarter | None, format_: str) -> Invocation:
    """`pingan lists [--quarter Q] [--format FORMAT]`."""
    return invocation(ctx, commands_quarter.run_lists, quarter=quarter, format=format_)


@cli.group(
    "rectification",
    cls=PinganGroup,
    text=Text("整改事项；不带子命令时列出", "rectification items; lists them with no sub-command"),
    invoke_without_command=True,
)
@option("--open", "open_", is_flag=True, text=Text("只列未销号的", "only items not closed"))
@option("--unit", metavar="UNIT", text=Text("只列此单位的", "only this unit's items"))
@option("--village", metavar="CODE", text=Text("只列此村的", "only this village's items"))
@format_option()
@click.pass_context
def rectification(
    ctx: click.Context, open_: bool, unit: str | None, village: str | None, format_: str
) -> Invocation | None:
    """`pingan rectification [--open] [--unit U] [--village CODE] [--format F] [ACTION]`."""
    if ctx.invoked_subcommand is not None:
        return None
    return invocation(
        ctx,
        commands_quarter.run_rectification,
        open=open_,
        unit=unit,
        village=village,
        format=format_,
    )


ITEM_HELP = Text("整改事项编号", "the item's id")


@rectification.command("note", cls=PinganCommand, text=Text("加一条备注", "add a note"))
@argument("item_id", metavar="ID", type=int, text=ITEM_HELP)
@argument("text", metavar="TEXT", text=Text("备注", "the note"))
@click.pass_context
def rectification_note(ctx: click.Context, item_id: int, text: str) -> Invocation:
    """`pingan rectification note ID TEXT`."""
    return invocation(ctx, commands_quarter.run_rectification_note, id=item_id, text=text)


@rectification.command("deadline", cls=PinganCommand, text=Text("改期限", "move the deadline"))
@argument("item_id", metavar="ID", type=int, text=ITEM_HELP)
@argument("day", metavar="DATE", type=DateType(), text=Text("新期限", "the new deadline"))
@click.pass_context
def rectification_deadline(ctx: click.Context, item_id: int, day: date) -> Invocation:
    """`pingan rectification deadline ID DATE`."""
    return invocation(ctx, commands_quarter.run_rectification_deadline, id=item_id, date=day)


@cli.command(
    "warnings",
    cls=PinganCommand,
    text=Text("各单位的预警", "early warnings of every unit"),
)
@latest_quarter_option()
@format_option()
@click.pass_context
def warnings(ctx: click.Context, quarter: Quarter | None, format_: str) -> Invocation:
    """`pingan warnings [--quarter Q] [--format FORMAT]`."""
    return invocation(ctx, commands_quarter.run_warnings, quarter=quarter, format=format_)


@cli.command(
    "minutes",
    cls=PinganCommand,
    text=Text(
        "会议纪要：带 --attendee 时登记会议并写纪要，否则显示已有的纪要",
        "meeting minutes: with --attendee record the meeting and write them, else show them",
    ),
)
@option("--quarter", required=True, type=QuarterType(), metavar="Q", text=QUARTER_HELP)
@option(
    "--attendee",
    "attendees",
    multiple=True,
    metavar="NAME",
    text=Text("出席人员（可重复）", "who attended (repeatable)"),
)
@option(
    "--on",
    type=DateType(),
    metavar="DATE",
    text=Text("会议日期（默认今天）", "the meeting day (default: today)"),
)
@click.pass_context
def minutes(
    ctx: click.Context, quarter: Quarter, attendees: tuple[str, ...], on: date | None
) -> Invocation:
    """`pingan minutes --quarter Q [--attendee NAME ... [--on DATE]]`."""
    return invocation(
        ctx, commands_quarter.run_minutes, quarter=quarter, attendees=list(attendees), on=on
    )


@cli.command(
    "meeting",
    cls=PinganCommand,
    text=Text(
        "在界面里按议程开季度会议（登记出席、逐村决定、写纪要）",
        "hold the quarterly meeting in the TUI (attendance, decisions village by village, minutes)",
    ),
)
@option("--quarter", required=True, type=QuarterType(), metavar="Q", text=QUARTER_HELP)
@click.pass_context
def meeting(ctx: click.Context, quarter: Quarter) -> Invocation:
    """`pingan meeting --quarter Q`."""
    return invocation(ctx, commands_setup.run_meeting, quarter=quarter)


# operators and the store's safety tools (bodies in commands_admin)

ROLES = ("office", "unit", "viewer")
AUDIT_FORMATS = ("plain", "csv", "json")


@cli.group("users", cls=PinganGroup, text=Text("操作员账号", "operator accounts"))
def users() -> None:
    """`pingan users ACTION`."""


@users.command(
    "add",
    cls=PinganCommand,
    text=Text(
        "新增操作员（第一个须是办公室账号，之后需要登录）",
        "add an operator (the first must be office; login is then on)",
    ),
)
@argument("name", metavar="NAME", text=Text("登录名", "login name"))
@option(
    "--role",
    required=True,
    type=Choices(ROLES),
    metavar="ROLE",
    values=fixed(ROLES),
    text=Text(
        "office 办公室、unit 单位操作员、viewer 只读", "office, unit (a unit's operator) or viewer"
    ),
)
@option(
    "--unit",
    metavar="UNIT",
    text=Text("单位代码（单位操作员必填）", "unit code (needed for a unit operator)"),
)
@click.pass_context
def users_add(ctx: click.Context, name: str, role: str, unit: str | None) -> Invocation:
    """`pingan users add NAME --role ROLE [--unit UNIT]`."""
    return invocation(ctx, commands_admin.run_users_add, name=name, role=role, unit=unit)


@users.command("list", cls=PinganCommand, text=Text("列出操作员", "list operators"))
@click.pass_context
def users_list(ctx: click.Context) -> Invocation:
    """`pingan users list`."""
    return invocation(ctx, commands_admin.run_users_list)


@users.command("disable", cls=PinganCommand, text=Text("停用操作员", "disable an operator"))
@argument("name", metavar="NAME", text=Text("登录名", "login name"))
@click.pass_context
def users_disable(ctx: click.Context, name: str) -> Invocation:
    """`pingan users disable NAME`."""
    return invocation(ctx, commands_admin.run_users_disable, name=name)


@users.command("passwd", cls=PinganCommand, text=Text("修改密码", "change a password"))
@argument("name", metavar="NAME", text=Text("登录名", "login name"))
@click.pass_context
def users_passwd(ctx: click.Context, name: str) -> Invocation:
    """`pingan users passwd NAME`."""
    return invocation(ctx, commands_admin.run_users_passwd, name=name)


@cli.command(
    "verify",
    cls=PinganCommand,
    text=Text(
        "检查审计链和每个文件（有问题时退出码 1）",
        "check the audit chain and every file (exit 1 on a problem)",
    ),
)
@option(
    "--report",
    metavar="FILE",
    text=Text(
        "改为核对一份报告或展板（md、csv、xlsx、docx、html）是否与库相符",
        "instead check a report or board file (md, csv, xlsx, docx, html) against the store",
    ),
)
@option(
    "--code",
    metavar="CODE",
    text=Text(
        "改为核对纸质件上的核验码，如 2026Q3-1234-9F2C-01AB-77DE-5A10",
        "instead check the code printed on a paper copy, such as 2026Q3-1234-9F2C-01AB-77DE-5A10",
    ),
)
@click.pass_context
def verify(ctx: click.Context, report: str | None, code: str | None) -> Invocation:
    """`pingan verify [--report FILE | --code CODE]`."""
    if report and code:
        raise TextUsageError(
            Text("--report 与 --code 只能选一个", "give --report or --code, not both"), ctx
        )
    if report or code:
        return invocation(ctx, commands_reports.run_check_copy, report=report, code=code)
    return invocation(ctx, commands_admin.run_verify)


@cli.command(
    "report",
    cls=PinganCommand,
    text=Text(
        "写出向区里上报的季度报告（定稿快照；未定稿为草稿）",
        "write the quarter's report to the district (from the finalized snapshot; else a DRAFT)",
    ),
)
@latest_quarter_option()
@option(
    "--format",
    "format_",
    type=Choices(REPORT_FORMATS),
    metavar="FORMAT",
    values=fixed(REPORT_FORMATS),
    text=Text(
        "文件格式；默认按 -o 的扩展名，否则 docx",
        "file format; default: from -o's suffix, else docx",
    ),
)
@option(
    "-o",
    "--output",
    required=True,
    metavar="FILE",
    text=Text("写到此文件（整份写入，不留半截）", "write this file (whole or not at all)"),
)
@option(
    "--lang",
    "report_lang",
    type=Choices(LANGS),
    default="zh",
    show_default=True,
    metavar="LANG",
    values=fixed(LANGS),
    text=Text(
        "报告语言：zh 中文公文格式，en 英文",
        "the report's language: zh official Chinese, en English",
    ),
)
@option(
    "--overwrite",
    is_flag=True,
    text=Text(
        "FILE 已存在时替换它（否则拒绝，不写）",
        "replace FILE if it exists (else refused, nothing written)",
    ),
)
@click.pass_context
def report(
    ctx: click.Context,
    quarter: Quarter | None,
    format_: str | None,
    output: str,
    report_lang: str,
    overwrite: bool,
) -> Invocation:
    """`pingan report [--quarter Q] [--format FORMAT] -o FILE [--lang en] [--overwrite]`."""
    return invocation(
        ctx,
        commands_reports.run_report,
        quarter=quarter,
        format=format_,
        output=output,
        report_lang=report_lang,
        overwrite=overwrite,
    )


@cli.command("audit", cls=PinganCommand, text=Text("列出审计日志", "list the audit log"))
@option("--village", metavar="CODE", text=Text("只看此村", "only this village"))
@option(
    "--since",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    metavar="DATE",
    text=Text("从此日起，如 2024-01-31", "from this day, such as 2024-01-31"),
)
@option("--user", "by_user", metavar="NAME", text=Text("只看此操作员", "only this operator"))
@option(
    "--format",
    "format_",
    type=Choices(AUDIT_FORMATS),
    default="plain",
    show_default=True,
    metavar="FORMAT",
    values=fixed(AUDIT_FORMATS),
    text=Text("plain 给人看，csv、json 给程序", "plain for people, csv and json for programs"),
)
@click.pass_context
def audit(
    ctx: click.Context, village: str | None, since: Any, by_user: str | None, format_: str
) -> Invocation:
    """`pingan audit [--village CODE] [--since DATE] [--user NAME] [--format FORMAT]`."""
    return invocation(
        ctx,
        commands_admin.run_audit,
        village=village,
        since=since,
        by_user=by_user,
        format=format_,
    )


@cli.command("backup", cls=PinganCommand, text=Text("备份数据库", "back the store up"))
@option(
    "-o",
    "--output",
    metavar="FILE",
    text=Text(
        "写到此文件（默认：数据库的备份文件夹）", "write this file (else the backups folder)"
    ),
)
@click.pass_context
def backup(ctx: click.Context, output: str | None) -> Invocation:
    """`pingan backup [-o FILE]`."""
    return invocation(ctx, commands_admin.run_backup, output=output)


@cli.command(
    "restore",
    cls=PinganCommand,
    text=Text(
        "从备份恢复（先校验；原数据库移到一旁）",
        "restore a backup (verified first; the current store is set aside)",
    ),
)
@argument("file", metavar="FILE", text=Text("备份文件（.zip）", "a backup file (.zip)"))
@click.pass_context
def restore(ctx: click.Context, file: str) -> Invocation:
    """`pingan restore FILE`."""
    return invocation(ctx, commands_admin.run_restore, file=file)


@cli.command(
    "board",
    cls=PinganCommand,
    text=Text(
        "各村公示展板：每村一页可打印的网页（A4 横向）加索引页，不含任何个人信息",
        "the villages' display boards: one printable page each (A4 landscape) and an index, "
        "with no personal data",
    ),
)
@option("--quarter", required=True, type=QuarterType(), metavar="Q", text=QUARTER_HELP)
@option(
    "--village",
    metavar="CODE",
    text=Text(
        "只写此村的展板（不动索引页）", "only this village's board (the index is left as it is)"
    ),
)
@option(
    "-o",
    "--output",
    required=True,
    metavar="DIR",
    text=Text("写到此文件夹（没有就新建）", "write into this folder (created if missing)"),
)
@option(
    "--lang",
    "board_lang",
    type=Choices(LANGS),
    metavar="LANG",
    values=fixed(LANGS),
    text=Text(
        "展板的语言（默认：本镇设置的语言，未设则中文）",
        "the boards' language (default: the town's, else Chinese)",
    ),
)
@click.pass_context
def board(
    ctx: click.Context,
    quarter: Quarter,
    village: str | None,
    output: str,
    board_lang: str | None,
) -> Invocation:
    """`pingan board --quarter Q [--village CODE] -o DIR [--lang LANG]`."""
    return invocation(
        ctx,
        commands_boards.run_board,
        quarter=quarter,
        village=village,
        output=output,
        board_lang=board_lang,
    )


@cli.command(
    "serve",
    cls=PinganCommand,
    text=Text(
        "在浏览器里显示界面（会议室投影、第二块屏幕）；默认只在本机监听",
        "show the TUI in a browser (the meeting room's projector, a second screen); "
        "listens on this computer only unless told otherwise",
    ),
)
@option(
    "--host",
    default="localhost",
    show_default=True,
    metavar="HOST",
    text=Text(
        "监听的地址；不是本机地址时网络上的人都能打开",
        "the address to listen on; anything but a local one lets the network in",
    ),
)
@option(
    "--port",
    type=click.IntRange(1, 65535),
    default=commands_boards.DEFAULT_PORT,
    show_default=True,
    metavar="PORT",
    text=Text("端口", "the port"),
)
@click.pass_context
def serve(ctx: click.Context, host: str, port: int) -> Invocation:
    """`pingan serve [--host HOST] [--port PORT]`."""
    return invocation(ctx, commands_boards.run_serve, host=host, port=port)
