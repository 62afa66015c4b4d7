"""Where a store's files live: one main file plus folders of partitions beside it.

Records are kept in blocks: `records/<quarter>/<block>.json` holds the records of one
quarter whose ids fall in one run of BLOCK_RECORDS ids (block = id // BLOCK_RECORDS). A
record's file follows from its quarter and id alone, and a save rewrites one block of at
most BLOCK_RECORDS records (a few hundred kilobytes), not the whole quarter.
"""

from __future__ import annotations

import fnmatch
import os
from dataclasses import dataclass, field
from pathlib import Path

from store.quarter import Quarter

BLOCK_RECORDS = 1000
"""How many record ids share one block file."""


def block_number(record_id: int) -> int:
    """The block a record id belongs to."""
    return record_id // BLOCK_RECORDS


def block_name(path: Path) -> str:
    """A block's name as the meta keeps its hash: `2023Q4/00012`."""
    return f"{path.parent.name}/{path.stem}"


@dataclass(frozen=True, slots=True)
class Layout:
    """The paths of one store, derived from its main file's path."""

    main: Path
    folder: Path = field(init=False, repr=False, compare=False)
    """The partition folder: `town.json` keeps its records in `town.json.d/`."""
    records_dir: Path = field(init=False, repr=False, compare=False)
    """The folder of the record blocks, a folder of them per quarter."""

    def __post_init__(self) -> None:
        # derived once: a save builds a block path per quarter from them
        folder = self.main.with_name(self.main.name + ".d")
        object.__setattr__(self, "folder", folder)
        object.__setattr__(self, "records_dir", folder / "records")

    @property
    def villages(self) -> Path:
        """The village list (schema 4): its own file, so a save of records leaves it be."""
        return self.folder / "villages.json"

    @property
    def staging_dir(self) -> Path:
        """Where imports write their records before the commit moves them in (store.staging)."""
        return self.folder / "staging"

    @property
    def audit_dir(self) -> Path:
        return self.folder / "audit"

    @property
    def backups_dir(self) -> Path:
        """Backups sit beside the store, so losing or setting aside its folder spares them."""
        return self.main.with_name(self.main.name + ".backups")

    @property
    def lock(self) -> Path:
        return self.main.with_name(self.main.name + ".lock")

    @property
    def journal(self) -> Path:
        return self.main.with_name(self.main.name + ".journal")

    def legacy_records(self, quarter: Quarter) -> Path:
        """The one partition file per quarter of schema 2 and earlier."""
        return self.records_dir / f"{quarter}.json"

    def quarter_dir(self, quarter: Quarter) -> Path:
        """The folder of a quarter's record blocks."""
        return self.records_dir / str(quarter)

    def block(self, quarter: Quarter, record_id: int) -> Path:
        """The block file that holds (or would hold) record_id of quarter."""
        return self.quarter_dir(quarter) / f"{block_number(record_id):05d}.json"

    def quarter_blocks(self, quarter: Quarter) -> list[Path]:
        """The block files of one quarter, in block order."""
        return _blocks_in(self.quarter_dir(quarter))

    def record_quarter_dirs(self) -> list[Quarter]:
        """The quarters that have a folder of blocks, oldest first."""
        found: list[Quarter] = []
        try:
            entries = list(os.scandir(self.records_dir))
        except FileNotFoundError:
            return []
        for entry in entries:
            if entry.is_dir():
                try:
                    found.append(Quarter.parse(entry.name))
                except ValueError:
                    continue
        return sorted(found)

    @property
    def snapshots_dir(self) -> Path:
        return self.folder / "snapshots"

    def audit_log(self, name: str) -> Path:
        """An audit log file by name (`2026-12.jsonl`)."""
        return self.audit_dir / name

    def audit_logs(self) -> list[Path]:
        """The audit log files, oldest first."""
        if not self.audit_dir.is_dir():
            return []
        return sorted(self.audit_dir.glob("*.jsonl"))

    def legacy_audit_files(self) -> list[Path]:
        """The per-day TinyDB audit files of schema 1, kept verbatim after migration."""
        if not self.audit_dir.is_dir():
            return []
        return sorted(p for p in self.audit_dir.glob("*.json") if ".tmp-" not in p.name)

    def snapshot(self, quarter: Quarter) -> Path:
        return self.snapshots_dir / f"{quarter}.json"

    def record_partitions(self) -> list[tuple[Quarter, Path]]:
        """Every record block on disk, oldest quarter first, each quarter's in block order."""
        return [(q, path) for q in self.record_quarter_dirs() for path in self.quarter_blocks(q)]

    def legacy_partitions(self) -> list[tuple[Quarter, Path]]:
        """The one-file-per-quarter partitions of schema 2 and earlier, oldest first."""
        found: list[tuple[Quarter, Path]] = []
        if self.records_dir.is_dir():
            for path in self.records_dir.glob("*.json"):
                try:
                    found.append((Quarter.parse(path.stem), path))
                except ValueError:
                    continue
        return sorted(found)

    def backups(self) -> list[Path]:
        """The backup files of this store, oldest first (their names sort by time)."""
        if not self.backups_dir.is_dir():
            return []
        return sorted(self.backups_dir.glob(f"{self.main.name}-*.zip"))

    def remains(self) -> list[str]:
        """What of the store's folder is on disk, named for a user: `records (3 files)`..."""
        if not self.folder.is_dir():
            return []
        found: list[str] = []
        for child in sorted(self.folder.iterdir()):
            if child.is_dir():
                count = sum(1 for p in child.rglob("*") if p.is_file())
                found.append(f"{child.name}/ ({count})")
            else:
                found.append(child.name)
        return found

    def sweep_patterns(self) -> list[tuple[Path, str]]:
        """(folder, glob) pairs matching only the temp files this store's writes leave."""
        return [
            (self.main.parent, f"{self.main.name}.tmp-*"),
            (self.main.parent, f"{self.journal.name}.tmp-*"),
            (self.folder, f"{self.villages.name}.tmp-*"),
            (self.records_dir, "*.json.tmp-*"),
            (self.records_dir, "*/*.json.tmp-*"),
            (self.audit_dir, "*.json.tmp-*"),
            (self.snapshots_dir, "*.json.tmp-*"),
            (self.backups_dir, "*.tmp-*"),
        ]

    def may_hold_temps(self) -> bool:
        """Whether a file named like a temp file is in a folder sweep_patterns looks in.

        A quick look before the exact sweep: every lock sweeps, and matching each of a
        county's hundreds of block names against a pattern cost more than the save's
        own work. False means the sweep would find nothing.
        """
        return any(_named_temp(folder, pattern) for folder, pattern in self.sweep_patterns())


def _named_temp(folder: Path, pattern: str) -> bool:
    """Whether a file carrying the temp mark sits where pattern (`*/name` parts) reaches."""
    head, _, rest = pattern.partition("/")
    try:
        names = os.listdir(folder)
    except (FileNotFoundError, NotADirectoryError):
        return False
    if not rest:
        return _TEMP_MARK in "/".join(names)  # one search, not one per name
    return any(
        _named_temp(folder / name, rest) for name in names if fnmatch.fnmatchcase(name, head)
    )


_TEMP_MARK = ".tmp-"


def _block_names(folder: Path) -> list[str]:
    """The names of the block files (`<digits>.json`) of a quarter folder, in block order."""
    try:
        names = [e.name for e in os.scandir(folder)]
    except FileNotFoundError:
        return []
    blocks = [n for n in names if n.endswith(".json") and n[:-5].isdigit()]
    return sorted(blocks, key=lambda n: int(n[:-5]))


def _blocks_in(folder: Path) -> list[Path]:
    """The block files of a quarter folder, in block order."""
    return [folder / name for name in _block_names(folder)]
