"""All-or-nothing commits across several files, by a redo journal.

Every new file content is first written and fsynced as a temp file; then a
journal naming the renames is written atomically; then the renames happen and
the journal is removed. A crash before the journal lands leaves the old files;
a crash after it is finished by `recover` on the next lock.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import orjson

from store.storage import atomic_write, fsync_dir, replace, write_temp


def commit(journal: Path, files: dict[Path, bytes]) -> None:
    """Write every file's new content so that either all land or none do."""
    if not files:
        return
    if len(files) == 1:
        [(path, data)] = files.items()
        atomic_write(path, data)
        return
    temps: list[tuple[Path, Path]] = []
    try:
        for path, data in files.items():
            temps.append((write_temp(path, data), path))
    except BaseException:
        for temp, _ in temps:
            with contextlib.suppress(OSError):
                temp.unlink()
        raise
    plan = [[str(temp), str(path)] for temp, path in temps]
    atomic_write(journal, orjson.dumps({"renames": plan}))
    _apply(journal, plan)


def recover(journal: Path, sweep: list[tuple[Path, str]]) -> bool:
    """Finish a commit a crash interrupted and sweep orphan temp files; True if one was finished."""
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
            journal.unlink()
    for folder, pattern in sweep:
        if folder.is_dir():
            for orphan in folder.glob(pattern):
                with contextlib.suppress(OSError):
                    orphan.unlink()
    return finished


def _apply(journal: Path, plan: list[list[str]]) -> None:
    touched: set[Path] = set()
    for temp_name, final_name in plan:
        temp, final = Path(temp_name), Path(final_name)
        if temp.exists():
            replace(temp, final)
        touched.add(final.parent)
    for folder in touched:
        fsync_dir(folder)
    with contextlib.suppress(FileNotFoundError):
        journal.unlink()
    fsync_dir(journal.parent)
