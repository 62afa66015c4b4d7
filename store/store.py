"""The pingan store: a TinyDB main file plus per-quarter record partitions."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any

import filelock

from store import audit, backup, journal, staging
from store.audit import AuditEntry
from store.cache import FileCache, Partition
from store.errors import (
    Message,
    Refused,
    SchemaTooNew,
    StoreBusy,
    StoreCorrupt,
    StoreMissing,
    StoreOrphaned,
)
from store.history import ByVillage, TypedHistory, read_records
from store.layout import BLOCK_RECORDS, Layout, block_number
from store.migrations import CURRENT_SCHEMA, MIGRATIONS
from store.models import Decision, ImportBatch, Record, Return, Village
from store.quarter import Quarter
from store.settings import Settings
from store.shape import check_main, main_meta
from store.storage import read_object
from store.transaction import BlockChange, Transaction, now_text
from store.window import QuarterWindow

_HOLDING = b'{"records":{"'
"""How a block that holds a record begins as the store writes it."""

_KEPT_CHANGES = 64
"""At most this many records of a block written are parsed to keep its parsed copy; more
(an import) and the block is parsed again when next read, which costs no more."""


class MainView:
    """Typed access to one parsed version of the main file."""

    def __init__(self, path: Path, data: dict[str, Any], previous: MainView | None = None) -> None:
        self.data = check_main(path, data)
        try:
            self.meta: dict[str, Any] = dict(_table(data, "meta").get("1", {}))
            self.settings = Settings.from_doc(_table(data, "settings").get("1"))
            self.villages: list[Village]
            if previous is not None and _table(previous.data, "villages") == _table(
                data, "villages"
            ):
                self.villages = previous.villages
            else:
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
            self.users = [dict(d) for d in _docs(data, "users")]
        except (KeyError, TypeError, ValueError) as exc:
            raise StoreCorrupt(path, f"bad document: {exc!r}") from None
        self._path = path

    @functools.cached_property
    def batches(self) -> list[ImportBatch]:
        """The import batches, oldest first: parsed when first asked, not on every save."""
        try:
            return sorted(
                (ImportBatch.from_doc(int(k), d) for k, d in _table(self.data, "imports").items()),
                key=lambda b: b.id,
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise StoreCorrupt(self._path, f"bad document: {exc!r}") from None


def village_list(path: Path, data: dict[str, Any]) -> list[Village]:
    """The villages of a village list file, in code order; StoreCorrupt if one does not parse."""
    try:
        villages = [Village.from_doc(doc) for doc in _docs(data, "villages")]
    except (AttributeError, KeyError, TypeError, ValueError) as exc:
        raise StoreCorrupt(path, f"bad village: {exc!r}") from None
    return sorted(villages, key=lambda v: v.code)


def _snapshot_doc(path: Path, data: dict[str, Any]) -> dict[str, Any] | None:
    """The one document of a snapshot file."""
    try:
        doc = _table(data, "snapshot").get("1")
    except TypeError as exc:
        raise StoreCorrupt(path, str(exc)) from None
    return dict(doc) if isinstance(doc, dict) else None


def _max_id(path: Path, data: dict[str, Any]) -> int:
    """The largest record id of a partition, read from its keys alone."""
    try:
        return max((int(key) for key in _table(data, "records")), default=0)
    except (TypeError, ValueError) as exc:
        raise StoreCorrupt(path, f"bad record id: {exc}") from None


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
        self._main_view: MainView | None = None
        self._meta = FileCache(main_meta)
        self._main = FileCache(self._build_main)
        self._partitions = FileCache(Partition.build)
        self._history = TypedHistory(self._partitions.cached)
        self._snapshots = FileCache(_snapshot_doc)
        self._max_ids = FileCache(_max_id)
        self._villages = FileCache(village_list)
        self._codes: tuple[list[Village], frozenset[str]] | None = None
        self._merged: dict[Quarter, tuple[tuple[Path, ...], tuple[Partition, ...], Partition]] = {}

    @property
    def path(self) -> Path:
        return self.layout.main

    def _build_main(self, path: Path, data: dict[str, Any]) -> MainView:
        """Parse a version of the main file, reusing the last one's villages if unchanged.

        Every save rewrites the main file; a county's two thousand villages rarely change.
        """
        view = MainView(path, data, self._main_view)
        self._main_view = view
        return view

    def exists(self) -> bool:
        """Whether a store, or what remains of one (its folder without the main file), is here."""
        return self.layout.main.exists() or bool(self.layout.remains())

    def _refuse_orphan(self) -> None:
        """StoreOrphaned if the main file is gone while its folder still holds data."""
        if not self.layout.main.exists():
            remains = self.layout.remains()
            if remains:
                raise StoreOrphaned(self.layout.main, remains, backup.newest_good(self.layout))

    # lifecycle

    @contextmanager
    def locked(self, *, recover: bool = True) -> Iterator[None]:
        """Hold the cross-process lock, finishing (or sweeping) what a crashed commit left."""
        try:
            self._lock.acquire()
        except filelock.Timeout:
            raise StoreBusy(
                Message(
                    f"{self.layout.main}：另一个 pingan 进程占用数据库已超过 "
                    f"{self.lock_timeout:g} 秒；请稍后再试",
                    f"{self.layout.main}: another pingan process has held the store for "
                    f"{self.lock_timeout:g} s; try again",
                )
            ) from None
        try:
            if recover:
                self._recover()
            yield
        finally:
            self._lock.release()

    def _recover(self) -> None:
        """Finish or sweep an interrupted commit, then cut audit bytes no landed commit vouches for.

        Nothing is swept or cut while the main file is unreadable: only it can tell which
        commit landed.
        """
        layout = self.layout

        def landed_token() -> str | None:
            try:
                return str(main_meta(layout.main, read_object(layout.main)).get("last_commit", ""))
            except StoreCorrupt:
                return None

        if layout.journal.exists() or layout.may_hold_temps():
            journal.recover(layout.journal, layout.sweep_patterns(), landed_token)
        if staging.dead_folders(layout):
            token = landed_token()
            if token is not None:
                staging.sweep(layout, token)
        try:
            meta = self._meta.get(layout.main)
        except StoreCorrupt:
            return
        if meta:
            audit.trim(layout, meta)

    @contextmanager
    def transaction(self, actor: str = "") -> Iterator[Transaction]:
        """Run a change all or nothing: commit when the block ends, write nothing if it raises.

        The first write of a day first backs the store up as it was.
        """
        with self._naming_backup(), self.locked():
            tx = Transaction(
                self.layout,
                actor or default_actor(),
                self._locate,
                self._stored_top,
                self._village_codes,
            )
            yield tx
            if self.layout.main.exists() and not backup.made_on(self.layout, date.today()):
                backup.make(self.layout, "daily", tx.settings().backups_kept)
            tx.commit()
            meta, top_ids = tx.written()
            if meta:
                self._meta.put(self.layout.main, meta)
            for path, top in top_ids.items():
                self._max_ids.put(path, top)
            self._keep_blocks(tx.block_changes())

    def _keep_blocks(self, changes: list[BlockChange]) -> None:
        """Bring the parsed copy of each block a commit wrote up to date from what it changed.

        A save changes one record of a block of up to a thousand: parsing that one, not
        the block, keeps a save's cost apart from how many records are stored. A block
        edited at will (records_table), one not parsed before, or one an import filled
        is left to be parsed when next read.
        """
        for change in changes:
            if change.changed is None:
                continue
            before = (
                Partition()
                if change.read_from is None
                else self._partitions.cached(change.path, change.read_from)
            )
            if before is None:
                continue
            try:
                after = before.changed(change.records, change.changed, _KEPT_CHANGES)
            except (KeyError, TypeError, ValueError):
                after = None  # a document that does not parse: reading the file will say so
            if after is not None:
                self._partitions.put(change.path, after)

    def init(self, town: str, actor: str = "") -> None:
        """Create an empty store for a town; refuse if one, or the folder of one, is there."""
        self._refuse_orphan()
        self.layout.main.parent.mkdir(parents=True, exist_ok=True)
        with self.transaction(actor) as tx:
            if tx.meta():
                raise Refused(
                    Message(
                        f"{self.layout.main}：这里已有数据库",
                        f"{self.layout.main}: a store already exists here",
                    )
                )
            tx.set_meta(schema=CURRENT_SCHEMA, created=now_text(), next_record_id=1)
            tx.update_settings(town=town)

    def open(self) -> Store:
        """Check the store exists, is readable and current; migrate an older schema.

        StoreMissing when nothing is here, StoreOrphaned when only the folder is,
        StoreCorrupt for an unreadable or misshapen main file, SchemaTooNew.
        """
        self._refuse_orphan()
        if not self.layout.main.exists():
            raise StoreMissing(
                Message(
                    f"{self.layout.main}：这里还没有数据库；用 `pingan init` 或 `pingan demo` 新建",
                    f"{self.layout.main}: no store here; run `pingan init` or `pingan demo`",
                )
            )
        if self._interrupted():
            with self._naming_backup(), self.locked():
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

    def _interrupted(self) -> bool:
        """Whether a crashed commit left something: a journal, staged files, unvouched log bytes."""
        layout = self.layout
        if (
            layout.journal.exists()
            or any(journal.matching(folder, pattern) for folder, pattern in layout.sweep_patterns())
            or staging.dead_folders(layout)
        ):
            return True
        meta = self.main().meta
        current = str(meta.get("audit_log") or "")
        for path in layout.audit_logs():
            if path.name > current:
                return True
            if path.name == current and path.stat().st_size > int(meta.get("audit_end") or 0):
                return True
        return False

    def migrate(self) -> None:
        """Upgrade an older schema in one transaction, after a backup of the store as it was."""
        with self._naming_backup(), self.locked():
            view = self._main.get(self.layout.main)
            schema = int(view.meta.get("schema") or 0)
            backup.make(self.layout, f"before-migrate-{schema}", view.settings.backups_kept)
            self._migrate_locked()

    def _migrate_locked(self) -> None:
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
            raise StoreCorrupt(exc.path, exc.detail, backup.newest_good(self.layout)) from None

    def main(self) -> MainView:
        """The parsed main file; StoreOrphaned when it is gone but its folder is not."""
        with self._naming_backup():
            view = self._main.get(self.layout.main)
        if not view.meta:
            self._refuse_orphan()
        return view

    def users(self) -> list[dict[str, Any]]:
        """Every operator account as stored (password hash included), in creation order."""
        return [dict(doc) for doc in self.main().users]

    def accounts_on(self) -> bool:
        """Whether login is on: an account was ever created in this store."""
        return bool(self.main().meta.get("accounts"))

    def revision(self) -> int:
        return int(self.main().meta.get("revision", 0))

    def settings(self) -> Settings:
        return self.main().settings

    def _all_villages(self) -> list[Village]:
        """Every village, in code order: from the village list, or a schema-3 main file.

        The main file is read first: a store whose main file is damaged is refused whole.
        """
        main = self.main()
        with self._naming_backup():
            listed = self._villages.get(self.layout.villages)
        return listed or main.villages

    def _village_codes(self) -> frozenset[str]:
        """The codes of the village list file as on disk (a transaction's check, in the lock).

        Kept with the list they were taken from: a county has two thousand, and every save
        asks.
        """
        with self._naming_backup():
            villages = self._villages.get(self.layout.villages)
        if self._codes is None or self._codes[0] is not villages:
            self._codes = (villages, frozenset(v.code for v in villages))
        return self._codes[1]

    def villages(self, *, active_only: bool = True) -> list[Village]:
        villages = self._all_villages()
        return [v for v in villages if v.active] if active_only else list(villages)

    def village(self, code: str) -> Village | None:
        return next((v for v in self._all_villages() if v.code == code), None)

    def partition(self, quarter: Quarter) -> Partition:
        """The quarter's records: its blocks, each parsed once per version on disk, merged."""
        paths = tuple(self.layout.quarter_blocks(quarter))
        with self._naming_backup():
            parts = tuple(self._partitions.get(p) for p in paths)
        cached = self._merged.get(quarter)
        if cached is not None and cached[0] == paths:
            if all(a is b for a, b in zip(cached[1], parts, strict=True)):
                return cached[2]
            merged = Partition.merge_changed(cached[2], cached[1], parts)
        else:
            merged = Partition.merge(parts) if parts else Partition()
        self._merged[quarter] = (paths, parts, merged)
        return merged

    def records(self, quarter: Quarter, record_type: str | None = None) -> list[Record]:
        part = self.partition(quarter)
        if record_type is None:
            return sorted(part.by_id.values(), key=lambda r: (r.date, r.id))
        return list(part.by_type.get(record_type, ()))

    def village_records(self, quarter: Quarter, village: str, record_type: str) -> list[Record]:
        """One village's records of one type in quarter, in the order the partition gives.

        Blocks already parsed are looked up; the others are read and only the documents
        of that village and type become records: a county quarter holds tens of thousands
        of other villages' records, and a screen showing one village needs none of them.
        """
        key = (village, record_type)
        found: list[Record] = []
        with self._naming_backup():
            for path in self.layout.quarter_blocks(quarter):
                part = self._partitions.fresh(path)
                if part is not None:
                    found.extend(part.by_village_type.get(key, ()))
                    continue
                found.extend(
                    read_records(
                        path, lambda doc: doc["village"] == village and doc["type"] == record_type
                    )
                )
        return found

    def window(self, quarter: Quarter) -> QuarterWindow:
        """The records a grid of quarter reads: the quarter's own and history up to its end.

        The history's blocks are read when a check first asks for a type of record, and
        then only that type's records are built (store.history).
        """
        current = self.partition(quarter)
        quarters = [
            tuple(self.layout.quarter_blocks(q)) for q in self.record_quarters(until=quarter)
        ]

        def history(record_type: str) -> list[ByVillage]:
            with self._naming_backup():
                return self._history.by_village(quarters, record_type)

        return QuarterWindow(quarter, current, history)

    def record_quarters(self, until: Quarter | None = None) -> list[Quarter]:
        """Quarters that hold at least one record, oldest first; none later than until if given.

        No partition is parsed for it: see _holds_records.
        """
        return [
            q
            for q in self.layout.record_quarter_dirs()
            if (until is None or q <= until) and self._holds_records(q)
        ]

    def _holds_records(self, quarter: Quarter) -> bool:
        """Whether any block of quarter holds a record, read from the blocks' first bytes.

        A block written by a save begins `{"records":{"<id>"` unless it is empty (its
        keys are written sorted and compact); a block already parsed is looked up, and
        only one beginning otherwise (empty, written by hand) is parsed, which is small.
        """
        with self._naming_backup():
            for path in self.layout.quarter_blocks(quarter):
                part = self._partitions.fresh(path)
                if part is not None:
                    if part.by_id:
                        return True
                    continue
                try:
                    with open(path, "rb") as handle:
                        head = handle.read(len(_HOLDING))
                except FileNotFoundError:
                    continue
                if head == _HOLDING:
                    return True
                try:
                    if _table(read_object(path) or {}, "records"):
                        return True
                except TypeError as exc:
                    raise StoreCorrupt(path, str(exc)) from None
        return False

    def record(self, record_id: int) -> Record | None:
        """The stored record of that id: read from its block alone."""
        quarter = self._locate(record_id)
        if quarter is None:
            return None
        with self._naming_backup():
            block = self._partitions.get(self.layout.block(quarter, record_id))
        return block.by_id.get(record_id)

    def records_by_id(self, record_ids: Iterable[int]) -> dict[int, Record]:
        """The stored records of these ids (those still stored), reading only the blocks
        they fall in: undoing an import of half a million rows looks up each of them."""
        wanted: dict[int, set[int]] = {}
        for record_id in record_ids:
            wanted.setdefault(block_number(record_id), set()).add(record_id)
        found: dict[int, Record] = {}
        quarters = self.layout.record_quarter_dirs()
        with self._naming_backup():
            for number, ids in wanted.items():
                for quarter in quarters:
                    path = self.layout.block(quarter, number * BLOCK_RECORDS)
                    if not path.exists():
                        continue
                    by_id = self._partitions.get(path).by_id
                    found.update((i, by_id[i]) for i in ids & by_id.keys())
        return found

    def _stored_top(self, path: Path) -> int:
        """The largest record id in a block file as on disk (0 if none or no such file)."""
        with self._naming_backup():
            return self._max_ids.get(path)

    def _locate(self, record_id: int) -> Quarter | None:
        """The quarter holding record_id: only its block of each quarter is looked at."""
        for quarter in reversed(self.layout.record_quarter_dirs()):
            path = self.layout.block(quarter, record_id)
            if not path.exists():
                continue
            with self._naming_backup():
                if record_id in self._partitions.get(path).by_id:
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

    def reported(self, quarter: Quarter) -> dict[str, Any] | None:
        """When the quarter was reported to the district ({quarter, on, actor, at}), if it was."""
        docs = _docs(self.main().data, "reported")
        return next((dict(d) for d in docs if d.get("quarter") == str(quarter)), None)

    def meetings(self, quarter: Quarter) -> list[dict[str, Any]]:
        """The quarter's recorded meetings (held_on, attendees, minutes, actor, at)."""
        docs = _docs(self.main().data, "meetings")
        return [dict(d) for d in docs if d.get("quarter") == str(quarter)]

    def rectification_items(self) -> dict[int, dict[str, Any]]:
        """Every rectification item by id, oldest first."""
        table = _table(self.main().data, "rectification")
        return {
            int(key): dict(doc) for key, doc in sorted(table.items(), key=lambda kv: int(kv[0]))
        }

    def holds_data(self) -> bool:
        """Whether the store holds anything entered: villages, records, returns or decisions."""
        main = self.main()
        return bool(
            self._all_villages() or main.returns or main.decisions or self.record_quarters()
        )

    def audit_entries(
        self,
        village: str | None = None,
        since: date | datetime | None = None,
        user: str | None = None,
    ) -> list[AuditEntry]:
        """Audit entries, oldest first: of a village (target or record), from a time, by a user.

        A date `since` means from that day's start in the entries' own offset. Entries past
        the main file's head (of a commit that never landed) are left out.
        """
        found: list[AuditEntry] = []
        meta = self.main().meta
        with self._naming_backup():
            for entry in audit.entries(self.layout, meta):
                if user is not None and entry.actor != user:
                    continue
                if village is not None and village not in entry.villages:
                    continue
                if since is not None and not _at_or_after(entry, since):
                    continue
                found.append(entry)
        return found

    def backup(self, reason: str = "manual") -> Path:
        """Back the store up now into its backups folder (rotated); the backup's path."""
        with self._naming_backup(), self.locked():
            self.main()
            return backup.make(self.layout, reason, self.settings().backups_kept)

    def backups(self) -> list[Path]:
        """This store's backups, oldest first."""
        return self.layout.backups()

    def newest_good_backup(self) -> Path | None:
        """The newest backup whose files all match its manifest, or None."""
        return backup.newest_good(self.layout)

    def latest_quarter(self, today: date | None = None) -> Quarter:
        """The latest quarter holding records or a filed return, else today's.

        Quarters are looked at newest first, each by its blocks' first bytes: no
        partition is parsed, so a screen can open on it before any record is read.
        """
        quarters = [r.quarter for r in self.main().returns]
        newest = next(
            (q for q in reversed(self.layout.record_quarter_dirs()) if self._holds_records(q)),
            None,
        )
        if newest is not None:
            quarters.append(newest)
        return max(quarters) if quarters else Quarter.of(today or date.today())


def _at_or_after(entry: AuditEntry, since: date | datetime) -> bool:
    moment = entry.moment
    if moment is None:
        return True
    if isinstance(since, datetime):
        if since.tzinfo is None:
            since = since.astimezone()
        return moment >= since
    return moment.date() >= since


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
