"""Writing the villages' display boards for a quarter into a folder, each file whole or not at all.

Boards change nothing in the store, so any operator may make them; the checks here are on
what is asked for (a quarter with data, a village on its grid, a folder to write into).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from plugins.actions.context import ActionContext
from plugins.i18n import LANGS, Text
from plugins.refusal import Refusal
from plugins.reports.boards import (
    ALL_FILE,
    INDEX_FILE,
    board_file_names,
    build_boards,
    known_quarters,
    render_all,
    render_board,
    render_index,
)
from plugins.reports.stamp import stamp_of
from store import Quarter


def _check(ctx: ActionContext, quarter: Quarter, out_dir: Path, lang: str) -> None:
    """Refuse a language, quarter or folder the boards cannot be made for or written into."""
    if lang not in LANGS:
        raise Refusal(
            Text(
                f"不支持的语言 {lang!r}；可选：{'、'.join(LANGS)}",
                f"unknown language {lang!r}; choose one of {', '.join(LANGS)}",
            ),
            field="lang",
        )
    current = Quarter.of(ctx.today)
    if quarter > current:
        raise Refusal(
            Text(
                f"{quarter} 尚未开始（本季度是 {current}），没有展板可做",
                f"{quarter} has not begun (this is {current}); there is no board to make",
            ),
            field="quarter",
        )
    known = known_quarters(ctx.store)
    if quarter not in known:
        have = Text(
            f"有数据的季度：{known[0]} 至 {known[-1]}" if known else "库里还没有任何季度的数据",
            f"quarters with data: {known[0]} to {known[-1]}" if known else "no quarter has data",
        )
        raise Refusal(
            Text(
                f"{quarter} 没有任何数据（记录、报表、决定或快照）；{have.zh}",
                f"{quarter} has no data (records, returns, decisions or a snapshot); {have.en}",
            ),
            field="quarter",
        )
    for folder in (out_dir, *out_dir.parents):
        if folder.exists():
            if not folder.is_dir():
                raise Refusal(
                    Text(
                        f"{folder} 是一个文件，不是文件夹；展板要写进文件夹，请用 -o 指定文件夹",
                        f"{folder} is a file, not a folder; boards go into a folder "
                        "(give one with -o)",
                    ),
                    path=out_dir,
                )
            break


def _write_atomic(path: Path, text: str) -> None:
    """Write text to path through a temporary file beside it, so the file lands whole."""
    temp = path.with_name(f".{path.name}.tmp-{secrets.token_hex(4)}")
    try:
        with open(temp, "wb") as handle:
            handle.write(text.encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    finally:
        temp.unlink(missing_ok=True)


def write_boards(
    ctx: ActionContext,
    quarter: Quarter,
    out_dir: Path,
    village: str | None = None,
    lang: str | None = None,
) -> list[Path]:
    """Write quarter's boards into out_dir and return the files written, index first.

    For every village: one board each, all of them in one page to print at once, and the
    index. For one village: only its board, so a full set's index stays as it was. Every
    page is rendered before the first file is written. Without lang the boards are in the
    town's language (the settings'), since they are posted for the village, not the user.
    """
    lang = lang or ctx.store.settings().lang or "zh"
    _check(ctx, quarter, out_dir, lang)
    boards = build_boards(ctx.store, ctx.host, quarter, ctx.today, village)
    if village is not None and not boards:
        raise Refusal(
            Text(
                f"{quarter} 的达标表上没有村代码 {village}（用 `pingan villages list --all` 查看）",
                f"no village {village} on {quarter}'s grid (see `pingan villages list --all`)",
            ),
            field="village",
        )
    if not boards:
        raise Refusal(
            Text(f"{quarter} 的达标表上没有村", f"{quarter}'s grid has no villages"),
            field="quarter",
        )
    town = ctx.store.settings().town
    stamp = stamp_of(ctx.store, ctx.host, quarter)
    finalized = boards[0].finalized
    names = board_file_names([b.code for b in boards])
    pages: list[tuple[str, str]] = []
    if village is None:
        index = render_index(
            boards,
            names,
            quarter=quarter,
            finalized=finalized,
            lang=lang,
            town=town,
            stamp=stamp,
            today=ctx.today,
        )
        every = render_all(
            boards,
            quarter=quarter,
            finalized=finalized,
            lang=lang,
            town=town,
            stamp=stamp,
            today=ctx.today,
        )
        pages += [(INDEX_FILE, index), (ALL_FILE, every)]
    for board in boards:
        html = render_board(board, lang=lang, town=town, stamp=stamp, today=ctx.today)
        pages.append((names[board.code], html))
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        written = []
        for name, html in pages:
            path = out_dir / name
            _write_atomic(path, html)
            written.append(path)
    except OSError as exc:
        raise Refusal(
            Text(f"写不进 {out_dir}：{exc}", f"cannot write into {out_dir}: {exc}"), path=out_dir
        ) from None
    return written
