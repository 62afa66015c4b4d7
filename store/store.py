"""The pingan store: a TinyDB main file plus per-quarter record partitions."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import filelock

from store import journal
from store.cache import FileCache, Partition
from store.errors import Refused, SchemaTooNew, StoreBusy, StoreCorrupt, StoreMissing
from store.layout import Layout
from store.migrations import CURRENT_SCHEMA, MIGRATIONS
from store.models import Decision, ImportBatch, Record, Return, Village
from store.quarter import Quarter
from store.settings import Settings
from store.transaction import Transaction, now_text
from store.window import QuarterWindow


class MainView:
    """Typed access to one parsed version of the main file."""

    def __init__(self, path: Path, data: dict[str, Any]) -> None:
        self.data = data
        try:
            self.meta: dict[str, Any] = dict(_table(data, "meta").get("1", {}))
            self.settings = Settings.from_doc(_table(data, "settings").get("1"))
            villages = [Village.from_doc(doc) for doc in _docs(data, "villages")]
            self.villages = sorted(villages, key=lambda v: v.code)
            self.returns = [
                Return(
                    d["unit"],
                    Quarter.parse(d["quarter"]),
                    d.get("filed_at", ""),
                    d.get("actor", ""),
                )
                for d in _docs(data, "returns")
            ]
            self.decisions = [
                Decision(
                    Quarter.parse(d["quarter"]),
                    d["village"],
                    d["criterion"],
                    bool(d["passed"]),
                    d.get("reason", ""),
                    d.get("actor", ""),
                    d.get("at", ""),
                )
                for d in _docs(data, "decisions")
            ]
            self.batches = sorted(
                (ImportBatch.from_doc(int(k), d) for k, d in _table(data, "imports").items()),
                key=lambda b: b.id,
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise StoreCorrupt(path, f"bad document: {exc!r}") from None


def _snapshot_doc(path: Path, data: dict[str, Any]) -> dict[str, Any] | None:
    """The one document of a snapshot file."""
    try:
        doc = _table(data, "snapshot").get("1")
    except TypeError as exc:
        raise StoreCorrupt(path, str(exc)) from None
    return dict(doc) if isinstance(doc, dict) else None


def _table(data: dict[str, Any], name: str) -> dict[str, Any]:
    table = data.get(name) or {}
    if not isinstance(table, dict):
        raise TypeError(f"table {name} is not an object")
    return table


def _docs(data: dict[str, Any], name: str) -> list[dict[str, Any]]:
    return list(_table(data, name).values())


class Store:
    """Reads come from memory, reloaded when files change; writes go through `transaction`."""

    def __init__(self, path: str | Path, *, lock_timeout: float = 15.0) -> None:
        self.layout = Layout(Path(path).expanduser().absolute())
        self.lock_timeout = lock_timeout
        self._lock = filelock.FileLock(str(self.layout.lock), timeout=lock_timeout)
        self._main = FileCache(MainView)
        self._partitions = FileCache(Partition.build)
        self._snapshots = FileCache(_snapshot_doc)

    @property
    def path(self) -> Path:
        return self.layout.main

    def exists(self) -> bool:
        return self.layout.main.exists()

    # lifecycle

    @contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the cross-process lock, finishing any commit a crash interrupted."""
        try:
            self._lock.acquire()
        except filelock.Timeout:
            raise StoreBusy(
                f"{self.layout.main}: another pingan process has held the store for "
                f"{self.lock_timeout:g} s; try again"
            ) from None
        try:
            journal.recover(self.layout.journal, self.layout.sweep_patterns())
            yield
        finally:
            self._lock.release()

    @contextmanager
    def transaction(self, actor: str = "") -> Iterator[Transaction]:
        """Run a change all or nothing: commit when the block ends, write nothing if it raises."""
        with self._naming_backup(), self.locked():
            tx = Transaction(self.layout, actor or default_actor(), self._locate)
            yield tx
            tx.commit()

    def init(self, town: str, actor: str = "") -> None:
        """Create an empty store for a town; refuse if one is already there."""
        self.layout.main.parent.mkdir(parents=True, exist_ok=True)
        with self.transaction(actor) as tx:
            if tx.meta():
                raise Refused(f"{self.layout.main}: a store already exists here")
            tx.set_meta(schema=CURRENT_SCHEMA, created=now_text(), next_record_id=1)
            tx.update_settings(town=town)

    def open(self) -> Store:
        """Check the store exists, is readable and current; migrate an older schema."""
        if not self.exists():
            raise StoreMissing(
                f"{self.layout.main}: no store here; run `pingan init` or `pingan demo`"
            )
        if self.layout.journal.exists():
            with self.locked():
                pass
        schema = int(self.main().meta.get("schema", 0))
        if schema > CURRENT_SCHEMA:
            raise SchemaTooNew(
                f"{self.layout.main}: written by a newer pingan (schema {schema}, "
                f"this one reads up to {CURRENT_SCHEMA}); upgrade pingan"
            )
        if schema < CURRENT_SCHEMA:
            self.migrate()
        return self

    def migrate(self) -> None:
        with self.transaction("pingan-migrate") as tx:
            schema = int(tx.meta().get("schema", 0))
            while schema < CURRENT_SCHEMA:
                step = MIGRATIONS.get(schema)
                if step is not None:
                    step(tx)
                schema += 1
                tx.set_meta(schema=schema)
            tx.audit("store.migrate", "schema", None, {"schema": schema})

    # reads

    @contextmanager
    def _naming_backup(self) -> Iterator[None]:
        """Name the newest backup in a StoreCorrupt raised inside: where the user can turn."""
        try:
            yield
        except StoreCorrupt as exc:
            if exc.backup is not None:
                raise
            raise StoreCorrupt(exc.path, exc.detail, self.layout.newest_backup()) from None

    def main(self) -> MainView:
        with self._naming_backup():
            return self._main.get(self.layout.main)

    def revision(self) -> int:
        return int(self.main().meta.get("revision", 0))

    def settings(self) -> Settings:
        return self.main().settings

    def villages(self, *, active_only: bool = True) -> list[Village]:
        villages = self.main().villages
        return [v for v in villages if v.active] if active_only else list(villages)

    def village(self, code: str) -> Village | None:
        return next((v for v in self.main().villages if v.code == code), None)

    def partition(self, quarter: Quarter) -> Partition:
        with self._naming_backup():
            return self._partitions.get(self.layout.records(quarter))

    def records(self, quarter: Quarter, record_type: str | None = None) -> list[Record]:
        part = self.partition(quarter)
        if record_type is None:
            return sorted(part.by_id.values(), key=lambda r: (r.date, r.id))
        return list(part.by_type.get(record_type, ()))

    def village_records(self, quarter: Quarter, village: str, record_type: str) -> list[Record]:
        return list(self.partition(quarter).by_village_type.get((village, record_type), ()))

    def window(self, quarter: Quarter) -> QuarterWindow:
        """The records a grid of quarter reads: the quarter's own and history up to its end."""
        history = tuple(self.partition(q) for q in self.record_quarters(until=quarter))
        return QuarterWindow(quarter, self.partition(quarter), history)

    def record_quarters(self, until: Quarter | None = None) -> list[Quarter]:
        """Quarters that hold at least one record, oldest first; none later than until if given.

        Each partition is read to see whether it is empty, so `until` spares reading later ones.
        """
        return [
            q
            for q, _ in self.layout.record_partitions()
            if (until is None or q <= until) and self.partition(q).by_id
        ]

    def record(self, record_id: int) -> Record | None:
        quarter = self._locate(record_id)
        return None if quarter is None else self.partition(quarter).by_id.get(record_id)

    def _locate(self, record_id: int) -> Quarter | None:
        for quarter, _ in reversed(self.layout.record_partitions()):
            if record_id in self.partition(quarter).by_id:
                return quarter
        return None

    def returns(self, quarter: Quarter) -> list[Return]:
        return [r for r in self.main().returns if r.quarter == quarter]

    def filed_units(self, quarter: Quarter) -> set[str]:
        return {r.unit for r in self.returns(quarter)}

    def import_batches(self) -> list[ImportBatch]:
        """Every import batch, oldest first, undone ones included."""
        return list(self.main().batches)

    def import_batch(self, batch_id: int) -> ImportBatch | None:
        return next((b for b in self.main().batches if b.id == batch_id), None)

    def decisions(self, quarter: Quarter) -> list[Decision]:
        return [d for d in self.main().decisions if d.quarter == quarter]

    def snapshot(self, quarter: Quarter) -> dict[str, Any] | None:
        """The quarter's saved snapshot (grid, locked, at), if one was saved."""
        with self._naming_backup():
            return self._snapshots.get(self.layout.snapshot(quarter))

    def is_locked(self, quarter: Quarter) -> bool:
        snap = self.snapshot(quarter)
        return bool(snap and snap.get("locked"))

    def holds_data(self) -> bool:
        """Whether the store holds anything entered: villages, records, returns or decisions."""
        main = self.main()
        return bool(main.villages or main.returns or main.decisions or self.record_quarters())

    def latest_quarter(self, today: date | None = None) -> Quarter:
        """The latest quarter holding data, else today's."""
        quarters = self.record_quarters() + [r.quarter for r in self.main().returns]
        return max(quarters) if quarters else Quarter.of(today or date.today())


def default_actor() -> str:
    """Who is working: PINGAN_USER, else the login name."""
    import getpass
    import os

    name = os.environ.get("PINGAN_USER")
    if name:
        return name
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"
