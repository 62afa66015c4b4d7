"""Where a store's files live: one main file plus folders of partitions beside it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from store.quarter import Quarter


@dataclass(frozen=True, slots=True)
class Layout:
    """The paths of one store, derived from its main file's path."""

    main: Path

    @property
    def folder(self) -> Path:
        """The partition folder: `town.json` keeps its records in `town.json.d/`."""
        return self.main.with_name(self.main.name + ".d")

    @property
    def records_dir(self) -> Path:
        return self.folder / "records"

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

    def records(self, quarter: Quarter) -> Path:
        return self.records_dir / f"{quarter}.json"

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
        """Every records partition on disk, oldest first."""
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
            (self.records_dir, "*.json.tmp-*"),
            (self.audit_dir, "*.json.tmp-*"),
            (self.snapshots_dir, "*.json.tmp-*"),
            (self.backups_dir, "*.tmp-*"),
        ]
