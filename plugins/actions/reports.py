"""Writing the quarter's report to the district to a file, in one of the report formats.

An existing file is never replaced unless the caller says so (`--overwrite`, a confirm in the
TUI): a report already printed or sent carries a check code, and its file is what a
printed copy is checked against, so losing it silently would lose what a user may want back.
Refusing, rather than writing a new name, keeps one file per quarter and format, whose name
says which report it is.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from plugins.actions.context import ActionContext
from plugins.i18n import Text, check_lang
from plugins.refusal import Refusal
from plugins.reports.build import build_report, has_data
from plugins.reports.formats import FORMATS
from plugins.reports.model import Report
from store import Quarter, Store, StoreError
from store.storage import atomic_write


def default_report_path(store: Store, quarter: Quarter, fmt: str) -> Path:
    """Where a report goes unless told: `reports/` beside the store's files, made if missing.

    A draft's name says so, so it never takes the place of the finalized report's file.
    """
    folder = store.layout.folder / "reports"
    folder.mkdir(parents=True, exist_ok=True)
    draft = "" if store.is_locked(quarter) else "-draft"
    suffix = FORMATS[fmt].suffix if fmt in FORMATS else f".{fmt}"
    return folder / f"{quarter}-report{draft}{suffix}"


OVERWRITE = "overwrite"
"""The field of the refusal to replace an existing file: a caller may ask and try again."""


def _refuse_existing(path: Path) -> None:
    """Refuse to replace a file that exists."""
    if path.exists() or path.is_symlink():
        raise Refusal(
            Text(
                "文件已存在，没有覆盖；要替换它，请确认覆盖（命令行加 --overwrite）",
                "the file exists and was left as it is; to replace it, confirm "
                "(on the command line: --overwrite)",
            ),
            path=path,
            field=OVERWRITE,
        )


def _refuse_path(path: Path, *, overwrite: bool) -> None:
    """Refuse a path the report cannot or may not be written to, before anything is built."""
    folder = path.parent
    if path.is_dir():
        raise Refusal(Text("这是一个文件夹，不是文件", "this is a folder, not a file"), path=path)
    if not overwrite:
        _refuse_existing(path)
    if not folder.is_dir():
        raise Refusal(
            Text(f"文件夹 {folder} 不存在", f"the folder {folder} does not exist"), path=path
        )
    if not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise Refusal(Text("没有写入权限", "no permission to write here"), path=path)


@dataclass(frozen=True, slots=True)
class WrittenReport:
    """A report written: where, in which format, and what it said (stamp, failed sections)."""

    path: Path
    report: Report
    fmt: str


def write_report(
    ctx: ActionContext,
    quarter: Quarter,
    fmt: str,
    path: Path,
    lang: str,
    *,
    overwrite: bool = False,
) -> Path:
    """Write the quarter's report in fmt to path, whole or not at all; the path written."""
    return write_report_file(ctx, quarter, fmt, path, lang, overwrite=overwrite).path


DEFAULT_FORMAT = "docx"


def format_for(path: Path) -> str:
    """The report format path's suffix names, docx without a suffix; refused for any other.

    A file named x.pdf holding a docx would mislead whoever opens it, so an unknown suffix
    is refused rather than written in the default format.
    """
    suffix = Path(path).suffix.lower()
    if not suffix:
        return DEFAULT_FORMAT
    by_suffix = {f.suffix: name for name, f in FORMATS.items()}
    by_suffix[".htm"] = "html"
    if suffix not in by_suffix:
        raise Refusal(
            Text(
                f"{Path(path).name}：无法从后缀 {suffix} 判断报告格式；"
                f"请用 --format 指定（{'、'.join(FORMATS)}），或改用这些后缀之一",
                f"{Path(path).name}: the suffix {suffix} names no report format; "
                f"give --format ({', '.join(FORMATS)}) or use one of those suffixes",
            ),
            path=path,
            field="format",
        )
    return by_suffix[suffix]


def write_report_file(
    ctx: ActionContext,
    quarter: Quarter,
    fmt: str | None,
    path: Path,
    lang: str,
    *,
    overwrite: bool = False,
) -> WrittenReport:
    """Write the quarter's report in fmt (None: from path's suffix) to path, whole or not at all.

    Refused, with nothing written: an unknown format, file suffix or language, a quarter
    not yet begun, a store without villages, a path that cannot be written, and a file that
    exists unless overwrite (the refusal's field is OVERWRITE).
    """
    if fmt is None:
        fmt = format_for(path)
    chosen = FORMATS.get(fmt)
    if chosen is None:
        raise Refusal(
            Text(
                f"没有报告格式 {fmt}；可选：{'、'.join(FORMATS)}",
                f"unknown report format {fmt}; choose one of {', '.join(FORMATS)}",
            ),
            path=path,
            field="format",
        )
    try:
        check_lang(lang)
    except ValueError as exc:
        raise Refusal(Text(f"不支持的语言 {lang}", str(exc)), field="lang") from None
    current = Quarter.of(ctx.today)
    if quarter > current:
        raise Refusal(
            Text(
                f"{quarter} 尚未开始（本季度是 {current}），无可报告",
                f"{quarter} has not begun (this is {current}); there is nothing to report",
            ),
            path=path,
            field="quarter",
        )
    if not ctx.store.villages(active_only=True):
        raise Refusal(
            Text(
                "库中还没有村，无可报告；先导入村名单",
                "the store has no villages yet, so there is nothing to report; import them first",
            ),
            path=path,
        )
    if quarter < current and not has_data(ctx.store, quarter):
        raise Refusal(
            Text(
                f"库中没有 {quarter} 的任何数据（记录、报表或快照），无可报告",
                f"the store holds nothing of {quarter} (no records, returns or snapshot); "
                "there is nothing to report",
            ),
            path=path,
            field="quarter",
        )
    path = Path(path).expanduser().absolute()
    _refuse_path(path, overwrite=overwrite)
    report = build_report(ctx.store, ctx.host, quarter, lang, ctx.today)
    data = chosen.write(report)
    if not overwrite:
        _refuse_existing(path)
    try:
        atomic_write(path, data)
    except (OSError, StoreError) as exc:
        raise Refusal(
            Text(f"写入失败：{exc}", f"could not write the report: {exc}"), path=path
        ) from None
    return WrittenReport(path, report, fmt)
