"""Where a store's files live: one main file plus folders of partitions beside it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
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
        return self.folder / "backups"

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

    def audit(self, day: date) -> Path:
        """The audit partition of a day, so that a save rewrites only that day's entries."""
        return self.audit_dir / f"{day:%Y-%m-%d}.json"

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

    def newest_backup(self) -> Path | None:
        if not self.backups_dir.is_dir():
            return None
        candidates = sorted(self.backups_dir.glob("*"), key=lambda p: p.stat().st_mtime_ns)
        return candidates[-1] if candidates else None

    def sweep_patterns(self) -> list[tuple[Path, str]]:
        """(folder, glob) pairs matching only the temp files this store's writes leave."""
        return [
            (self.main.parent, f"{self.main.name}.tmp-*"),
            (self.main.parent, f"{self.journal.name}.tmp-*"),
            (self.records_dir, "*.json.tmp-*"),
            (self.audit_dir, "*.json.tmp-*"),
            (self.snapshots_dir, "*.json.tmp-*"),
        ]
