"""All-or-nothing commits across several files, by a redo journal and a commit token.

Every new file content is first written and fsynced as a temp file named
`<file>.tmp-<token>`; then a journal naming the renames is written atomically;
then the renames happen, the main file first, and the journal is removed. The
main file records the token of the commit it belongs to (`meta.last_commit`).

So after a crash: a journal is finished by `recover`. Without one, temp files
carrying the main file's token belong to a commit whose main file landed (its
journal was lost), and are finished too; any other temp file belongs to a commit
whose main file, the first rename, never landed, so nothing of it did and it is
swept.
"""

from __future__ import annotations

import contextlib
import fnmatch
import os
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import orjson

from store import storage
from store.storage import atomic_write, fsync_dir, new_token, replace, write_temp

TEMP_MARK = ".tmp-"


def commit(
    journal: Path,
    files: Mapping[Path, bytes | None],
    token: str,
    alongside: Callable[[], object] | None = None,
    moves: Mapping[Path, Path] | None = None,
) -> None:
    """Write every file's new content so that either all land or none do; the first goes first.

    A file given None is deleted, in the same all-or-nothing commit (after the renames).
    moves maps a file to the complete, fsynced file staged for it elsewhere (an import's
    record blocks): it is renamed into place in the same commit, after the written files.
    alongside (the audit append) runs while the temp files are written: every fsync of
    that stage waits on the disk at once, so a save waits for one flush, not one per file.
    """
    moves = moves or {}
    if not files and not moves:
        if alongside is not None:
            alongside()
        return
    if len(files) == 1 and None not in files.values() and not moves:
        if alongside is not None:
            alongside()
        [(path, data)] = files.items()
        assert data is not None
        atomic_write(path, data)
        return
    written = [(path, data) for path, data in files.items() if data is not None]
    plan = [[f"{path}{TEMP_MARK}{token}", str(path)] for path, _ in written]
    plan += [[str(source), str(target)] for target, source in moves.items()]
    plan += [["", str(path)] for path, data in files.items() if data is None]
    staged = [*written, (journal, orjson.dumps({"renames": plan, "token": token}))]
    temps: list[tuple[Path, Path]] = []
    try:
        temps = _write_temps_at_once(staged, token, alongside)
        land_journal(temps[-1][0], journal)
    except BaseException:
        for temp, _ in temps:
            with contextlib.suppress(OSError):
                temp.unlink()
        raise
    _apply(journal, plan)


def land_journal(temp: Path, journal: Path) -> None:
    """Rename the journal's fsynced temp file into place and fsync its folder.

    Only then may the renames start: a crash after any of them finds the journal whole.
    """
    storage.replace(temp, journal)
    fsync_dir(journal.parent)


_WRITERS = 8
_pool: ThreadPoolExecutor | None = None


def _writers() -> ThreadPoolExecutor:
    """The threads commits wait on the disk from, started once per process: a save should
    not pay for starting threads."""
    global _pool
    if _pool is None:
        _pool = ThreadPoolExecutor(max_workers=_WRITERS, thread_name_prefix="pingan-commit")
    return _pool


def _forget_writers() -> None:
    """A forked child has none of its parent's threads: it starts its own pool."""
    global _pool
    _pool = None


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_writers)


def _write_temps_at_once(
    written: list[tuple[Path, bytes]], token: str, alongside: Callable[[], object] | None = None
) -> list[tuple[Path, Path]]:
    """Write and fsync the temp files (and run alongside) from a few threads; (temp, target).

    The last file is the journal: its temp gets a token of its own, so a sweep always
    removes it rather than finishing it.

    fsync waits on the disk, not the CPU: waiting on several at once lets the disk flush
    them together. If anything fails, the temps of this commit are removed and the first
    error raised.
    """
    pool = _writers()
    extra = pool.submit(alongside) if alongside is not None else None
    futures = [pool.submit(write_temp, path, data, token) for path, data in written[:-1]]
    futures.append(pool.submit(write_temp, *written[-1]))
    errors = [f.exception() for f in futures]
    if extra is not None:
        errors.insert(0, extra.exception())
    failed = next((e for e in errors if e is not None), None)
    if failed is not None:
        for future in futures:
            if future.exception() is None:
                with contextlib.suppress(OSError):
                    future.result().unlink()
        for path, _ in written[:-1]:
            with contextlib.suppress(OSError):
                path.with_name(f"{path.name}{TEMP_MARK}{token}").unlink()
        raise failed
    return [(f.result(), path) for f, (path, _) in zip(futures, written, strict=True)]


def recover(
    journal: Path, sweep: list[tuple[Path, str]], landed_token: Callable[[], str | None]
) -> bool:
    """Finish a commit a crash interrupted and sweep temp files of unlanded ones; True if finished.

    landed_token reads the token of the commit the main file belongs to, None when the main
    file is unreadable: then no temp file is touched, as none is provably unlanded. A journal
    that does not parse (damage: it is written atomically) is kept aside as `.damaged`.
    """
    finished = False
    if journal.exists():
        try:
            plan = orjson.loads(journal.read_bytes())["renames"]
        except (orjson.JSONDecodeError, KeyError, TypeError):
            plan = None
        if plan is not None:
            _apply(journal, plan)
            finished = True
        else:
            replace(journal, journal.with_name(f"{journal.name}.damaged-{new_token()}"))
    orphans = [orphan for folder, pattern in sweep for orphan in matching(folder, pattern)]
    if orphans:
        token = landed_token()
        if token is None:
            return finished
        mine = [o for o in orphans if token and o.name.endswith(TEMP_MARK + token)]
        if mine:
            _apply(
                journal, [[str(o), str(o.with_name(o.name.rsplit(TEMP_MARK, 1)[0]))] for o in mine]
            )
            finished = True
        for orphan in orphans:
            if orphan not in mine:
                with contextlib.suppress(OSError):
                    orphan.unlink()
    return finished


def matching(folder: Path, pattern: str) -> list[Path]:
    """The paths under folder matching a glob of one or more `/`-separated parts.

    os.scandir with fnmatch: every commit sweeps a county store's hundreds of record
    blocks, where pathlib's glob cost milliseconds each time.
    """
    head, _, rest = pattern.partition("/")
    try:
        entries = list(os.scandir(folder))
    except (FileNotFoundError, NotADirectoryError):
        return []
    found: list[Path] = []
    for entry in entries:
        if not fnmatch.fnmatchcase(entry.name, head):
            continue
        if not rest:
            found.append(folder / entry.name)
        elif entry.is_dir():
            found.extend(matching(folder / entry.name, rest))
    return found


def _apply(journal: Path, plan: list[list[str]]) -> None:
    """Do the journal's renames and deletions in order, drop the journal, then fsync the folders.

    The journal goes before the folder fsyncs: were its removal on disk and a rename not,
    the temp file left carries the main file's token (or the main rename is lost too, and
    nothing landed), so recover still settles it.
    """
    touched: set[Path] = {journal.parent}
    for temp_name, final_name in plan:
        final = Path(final_name)
        if not temp_name:
            with contextlib.suppress(FileNotFoundError):
                final.unlink()
        elif Path(temp_name).exists():
            replace(Path(temp_name), final)
        touched.add(final.parent)
    with contextlib.suppress(FileNotFoundError):
        journal.unlink()
    folders = sorted(touched)
    if len(folders) == 1:
        fsync_dir(folders[0])
        return
    list(_writers().map(fsync_dir, folders))
