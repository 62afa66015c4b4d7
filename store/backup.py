"""Rotating backups of a store as zip files, and restoring one after checking it.

A backup holds the main file and its folder (temp files excepted) under their own
names, plus a manifest. Backups live beside the store in `<main>.backups/`, so
losing or setting aside the store's folder spares them. Restore checks a backup
by unpacking and verifying it first, and sets the current store aside rather
than deleting it.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from store.errors import BackupRefused, Message, StoreError, StoreFull
from store.layout import Layout
from store.storage import fsync_dir, new_token

if TYPE_CHECKING:
    from store.store import Store

MANIFEST = "pingan-backup.json"
DEFAULT_KEPT = 14


@dataclass(frozen=True, slots=True)
class RestoreResult:
    """What a restore did: the backup it brought back and where the replaced files went."""

    backup: Path
    set_aside: list[Path]

    @property
    def message(self) -> Message:
        aside = ", ".join(str(p) for p in self.set_aside) or "-"
        return Message(
            f"已从 {self.backup} 恢复；原来的文件移到了 {aside}",
            f"restored from {self.backup}; the files it replaced were moved to {aside}",
        )


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y%m%d-%H%M%S-%f")


def _store_files(layout: Layout) -> list[tuple[Path, str]]:
    """(path, name in the zip) of every file of the store, temp and staged files left out."""
    files = [(layout.main, layout.main.name)]
    if layout.folder.is_dir():
        for path in sorted(layout.folder.rglob("*")):
            if (
                path.is_file()
                and ".tmp-" not in path.name
                and not path.is_relative_to(layout.staging_dir)
            ):
                relative = path.relative_to(layout.main.parent).as_posix()
                files.append((path, relative))
    return files


def write_zip(layout: Layout, target: Path, reason: str) -> Path:
    """Write a backup of the store's files as they are on disk to target, atomically."""
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = target.with_name(f"{target.name}.tmp-{new_token()}")
    hashes: dict[str, str] = {}
    try:
        with zipfile.ZipFile(temp, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as out:
            for path, name in _store_files(layout):
                data = path.read_bytes()
                hashes[name] = hashlib.sha256(data).hexdigest()
                out.writestr(name, data)
            manifest = {
                "format": 1,
                "main": layout.main.name,
                "created": datetime.now().astimezone().isoformat(timespec="seconds"),
                "reason": reason,
                "files": hashes,
            }
            out.writestr(MANIFEST, orjson.dumps(manifest, option=orjson.OPT_INDENT_2))
        with open(temp, "rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
    fsync_dir(target.parent)
    return target


def backup_to(store: Store, target: Path, reason: str = "manual") -> Path:
    """Back the store up to a zip file of the user's choosing, under the store's lock."""
    with store.locked():
        store.main()
        try:
            return write_zip(store.layout, Path(target), reason)
        except OSError as exc:
            raise StoreFull(Path(target), exc) from None


def make(layout: Layout, reason: str, keep: int = DEFAULT_KEPT) -> Path:
    """Add a backup to the store's backups folder and drop the oldest beyond keep."""
    name = f"{layout.main.name}-{_stamp(datetime.now())}-{_slug(reason)}.zip"
    try:
        made = write_zip(layout, layout.backups_dir / name, reason)
    except OSError as exc:
        raise StoreFull(layout.backups_dir / name, exc) from None
    for old in layout.backups()[: -max(keep, 1)]:
        with contextlib.suppress(OSError):
            old.unlink()
    return made


def _slug(reason: str) -> str:
    cleaned = "".join(c if c.isalnum() or c in "-_" else "-" for c in reason.strip())
    return cleaned[:40] or "manual"


def made_on(layout: Layout, day: date) -> bool:
    """Whether a backup of the store was made on day (by its name)."""
    prefix = f"{layout.main.name}-{day:%Y%m%d}-"
    return any(p.name.startswith(prefix) for p in layout.backups())


def read_manifest(backup: Path) -> dict[str, Any]:
    """A backup's manifest, after checking every member's CRC and sha256; BackupRefused if not."""
    try:
        with zipfile.ZipFile(backup) as archive:
            bad = archive.testzip()
            if bad is not None:
                raise BackupRefused(_refusal(backup, f"member {bad} is damaged"))
            manifest = orjson.loads(archive.read(MANIFEST))
            if not isinstance(manifest, dict) or not isinstance(manifest.get("files"), dict):
                raise BackupRefused(_refusal(backup, "its manifest is not an object of files"))
            for name, sha256 in manifest["files"].items():
                if hashlib.sha256(archive.read(name)).hexdigest() != sha256:
                    raise BackupRefused(
                        _refusal(backup, f"member {name} differs from the manifest")
                    )
            return manifest
    except (OSError, zipfile.BadZipFile, KeyError, orjson.JSONDecodeError) as exc:
        raise BackupRefused(_refusal(backup, f"not a readable pingan backup ({exc})")) from None


def _refusal(backup: Path, detail: str) -> Message:
    return Message(
        f"{backup}：不能用来恢复（{detail}）；当前数据库未被改动",
        f"{backup}: cannot be restored ({detail}); the current store was not changed",
    )


def newest_good(layout: Layout) -> Path | None:
    """The newest backup whose members all check out against its manifest."""
    for candidate in reversed(layout.backups()):
        try:
            read_manifest(candidate)
        except StoreError:
            continue
        return candidate
    return None


def unpack(backup: Path, main: Path, into: Path) -> Path:
    """Unpack backup into the folder into under main's name; the unpacked main file's path."""
    manifest = read_manifest(backup)
    old_main = str(manifest.get("main") or "")
    target = into / main.name
    with zipfile.ZipFile(backup) as archive:
        for name in manifest["files"]:
            if name == old_main:
                out = target
            elif name.startswith(old_main + ".d/"):
                out = into / (main.name + ".d") / name[len(old_main) + 3 :]
            else:
                raise BackupRefused(_refusal(backup, f"member {name} is not part of a store"))
            if ".." in Path(name).parts:
                raise BackupRefused(_refusal(backup, f"member {name} leaves the store"))
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_bytes(archive.read(name))
    return target


def restore(store: Store, backup: Path) -> RestoreResult:
    """Bring a verified backup back in place of the store, setting the current files aside.

    BackupRefused (nothing changed) when the backup is unreadable or fails verify.
    """
    from store.store import Store as StoreClass
    from store.verify import verify

    layout = store.layout
    layout.main.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f"{layout.main.name}.restore-", dir=layout.main.parent))
    try:
        unpacked = unpack(backup, layout.main, staging)
        report = verify(StoreClass(unpacked))
        if not report.ok:
            first = report.problems[0].message
            raise BackupRefused(
                Message(
                    _refusal(backup, first.zh).zh,
                    _refusal(backup, first.en).en,
                )
            )
        stamp = _stamp(datetime.now())
        moved: list[Path] = []
        with store.locked(recover=False):
            for path in (layout.main, layout.folder, layout.journal):
                if path.exists():
                    aside = path.with_name(f"{path.name}.set-aside-{stamp}")
                    os.replace(path, aside)
                    moved.append(aside)
            os.replace(unpacked, layout.main)
            staged_folder = staging / (layout.main.name + ".d")
            if staged_folder.is_dir():
                os.replace(staged_folder, layout.folder)
            fsync_dir(layout.main.parent)
        return RestoreResult(backup, moved)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
