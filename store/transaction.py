"""One all-or-nothing change to the store, made through fresh TinyDB objects under the lock.

Each touched file is read once into memory; TinyDB tables edit that copy; on
success every changed file is committed together by the journal, on any
exception nothing is written.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, MutableMapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from tinydb import Query, TinyDB
from tinydb.storages import Storage
from tinydb.table import Document, Table

from store import audit, journal
from store.cache import FileKey, file_key
from store.errors import Conflict, Message, NotFound, Refused, StoreError, StoreFull
from store.layout import BLOCK_RECORDS, Layout, block_name, block_number
from store.models import Decision, ImportBatch, NewRecord, Record, Village, id_runs
from store.quarter import Quarter
from store.settings import Settings
from store.shape import check_main
from store.staging import StagedBlock, StagedRecords
from store.storage import dumps, new_token, read_object


def now_text() -> str:
    """The current local time, ISO 8601 with offset, to the second."""
    return datetime.now().astimezone().isoformat(timespec="seconds")


class _Buffer:
    """The in-memory content of one file during a transaction, and the version it was read from."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.key = file_key(path)
        self.data: dict[str, Any] | None = read_object(path)
        self.dirty = False


class _BufferStorage(Storage):
    """A TinyDB storage over a _Buffer: reads and writes stay in memory until commit."""

    def __init__(self, buffer: _Buffer) -> None:
        self._buffer = buffer

    def read(self) -> dict[str, dict[str, Any]] | None:
        return self._buffer.data

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        self._buffer.data = data
        self._buffer.dirty = True


@dataclass(frozen=True, slots=True)
class BlockChange:
    """A record block a commit wrote: the version it was read from, its new records table,
    and the ids whose documents changed (None: any may have)."""

    path: Path
    read_from: FileKey | None
    records: dict[str, Any]
    changed: set[int] | None


@dataclass(frozen=True, slots=True)
class PreparedRecords:
    """New records as the documents they will be stored as, ids not yet given.

    Built before the lock is taken (prepare_records), so a big import holds the lock
    only to number, check and write them.
    """

    docs: list[tuple[tuple[int, int], dict[str, Any]]]
    """(year, quarter number) and the document of each record, in order."""
    quarters: dict[tuple[int, int], Quarter]
    villages: frozenset[str]


def prepare_records(
    records: Iterable[NewRecord], actor: str, at: str | None = None
) -> PreparedRecords:
    """The documents of new records by actor, stamped at (default now), to add_prepared."""
    stamp = at or now_text()
    quarters: dict[tuple[int, int], Quarter] = {}
    docs: list[tuple[tuple[int, int], dict[str, Any]]] = []
    villages: set[str] = set()
    for new in records:
        day = new.date
        key = (day.year, (day.month - 1) // 3 + 1)
        if key not in quarters:
            quarters[key] = Quarter.of(day)
        villages.add(new.village)
        docs.append((key, new_record_doc(new, actor, stamp)))
    return PreparedRecords(docs, quarters, frozenset(villages))


def new_record_doc(new: NewRecord, actor: str, stamp: str) -> dict[str, Any]:
    """The document a new record is stored as (what Record.to_doc gives, built directly: an
    import makes 500,000), by actor, created at stamp, without id or batch."""
    return {
        "type": new.type,
        "village": new.village,
        "date": new.date.isoformat(),
        "fields": new.fields,
        "unit": new.unit,
        "author": actor,
        "created": stamp,
        "updated": stamp,
        "rev": 1,
    }


class Transaction:
    """The write API of the store; obtain one from `Store.transaction()`."""

    def __init__(
        self,
        layout: Layout,
        actor: str,
        locate: Callable[[int], Quarter | None],
        stored_top: Callable[[Path], int] = lambda path: 0,
        village_codes: Callable[[], frozenset[str]] | None = None,
    ) -> None:
        self.layout = layout
        self.actor = actor
        self._locate = locate
        self._stored_top = stored_top
        self._stored_village_codes = village_codes
        self._buffers: dict[Path, _Buffer] = {}
        self._dbs: dict[Path, TinyDB] = {}
        self.clock: str | None = None
        """When set, the time audit entries are stamped with (a demo's own timeline), else now."""
        self._audit: list[dict[str, Any]] = []
        self._removed: set[Path] = set()
        self._record_changes: dict[Path, set[int] | None] = {}
        """Per block, the ids whose documents this transaction set or removed; None when it
        was edited through records_table, where any record may have changed."""
        self._moves: dict[Path, StagedBlock] = {}
        self.token = new_token()
        """The commit's token (a staged import's: its staging folder is named by it)."""

    def db(self, path: Path) -> TinyDB:
        """A fresh TinyDB over path's in-memory copy for this transaction."""
        if path not in self._dbs:
            buffer = _Buffer(path)
            if path == self.layout.main and buffer.data is not None:
                check_main(path, buffer.data)
            self._buffers[path] = buffer
            self._dbs[path] = TinyDB(buffer, storage=_BufferStorage)
        return self._dbs[path]

    def table(self, name: str) -> Table:
        """A table of the main file."""
        return self.db(self.layout.main).table(name)

    def records_table(self, quarter: Quarter, record_id: int) -> Table:
        """The records table of the block that holds record_id of quarter, to edit at will."""
        path = self.layout.block(quarter, record_id)
        self._record_changes[path] = None
        return self.db(path).table("records")

    def _record_table(self, quarter: Quarter, record_id: int) -> Table:
        """The records table of record_id's block, to change that record alone in it."""
        path = self.layout.block(quarter, record_id)
        self._note_changed(path, (record_id,))
        return self.db(path).table("records")

    def _note_changed(self, path: Path, ids: Iterable[int]) -> None:
        changed = self._record_changes.setdefault(path, set())
        if changed is not None:
            changed.update(ids)

    def _stored_doc(self, quarter: Quarter, record_id: int) -> dict[str, Any] | None:
        """The document of record_id in its block as this transaction sees it, to read only."""
        path = self.layout.block(quarter, record_id)
        self.db(path)
        doc = ((self._buffers[path].data or {}).get("records") or {}).get(str(record_id))
        return doc if isinstance(doc, dict) else None

    def villages_table(self) -> Table:
        """The table of villages, in its own file (the main file's before schema 4)."""
        return self.db(self.layout.villages).table("villages")

    def _village_codes(self) -> frozenset[str]:
        """The codes of every village, as this transaction will leave them.

        Until the transaction touches the village list, they come from the store's copy of
        the file on disk (checked against its version), so a save does not parse it.
        """
        if self.layout.villages not in self._buffers and self._stored_village_codes is not None:
            return self._stored_village_codes()
        self.db(self.layout.villages)
        data = self._buffers[self.layout.villages].data or {}
        return frozenset(doc["code"] for doc in (data.get("villages") or {}).values())

    def _insert_records(self, path: Path, docs: dict[str, dict[str, Any]]) -> None:
        """Add documents under new ids to a block's copy, as TinyDB would store them.

        TinyDB re-keys its whole table on every insert; a bulk import fills hundreds of
        blocks, so the copy is extended directly. Refused if an id is in the block already.
        """
        self.db(path)
        buffer = self._buffers[path]
        data = dict(buffer.data or {})
        table = dict(data.get("records") or {})
        taken = table.keys() & docs.keys()
        if taken:
            raise StoreError(f"{path}: record id {min(taken)} is stored already")
        table.update(docs)
        data["records"] = table
        buffer.data = data
        buffer.dirty = True
        self._note_changed(path, map(int, docs))

    def _take_records(self, record_ids: Iterable[int]) -> dict[int, dict[str, Any]]:
        """Remove the records of these ids still stored, block by block; their documents.

        Each block the ids fall in is read and rewritten once, however many of its records
        go (an import's batch is thousands); refused if one lies in a finalized quarter.
        """
        wanted: dict[int, set[str]] = {}
        for record_id in record_ids:
            wanted.setdefault(block_number(record_id), set()).add(str(record_id))
        taken: dict[int, dict[str, Any]] = {}
        quarters = self.layout.record_quarter_dirs()
        for number, keys in sorted(wanted.items()):
            for quarter in quarters:
                path = self.layout.block(quarter, number * BLOCK_RECORDS)
                if path not in self._buffers and not path.exists():
                    continue
                self.db(path)
                buffer = self._buffers[path]
                table = dict((buffer.data or {}).get("records") or {})
                hits = keys & table.keys()
                if not hits:
                    continue
                self._ensure_open(quarter)
                taken.update((int(key), table.pop(key)) for key in hits)
                self._note_changed(path, map(int, hits))
                buffer.data = {**(buffer.data or {}), "records": table}
                buffer.dirty = True
        return taken

    def remove_file(self, path: Path) -> None:
        """Delete a store file when the transaction commits (after the files it writes)."""
        self._removed.add(path)

    def _is_block(self, path: Path) -> bool:
        return path.parent.parent == self.layout.records_dir

    # meta and settings

    def _single(self, name: str) -> dict[str, Any]:
        """The one document of a single-document table of the main file (meta, settings)."""
        doc = self.table(name).get(doc_id=1)
        return dict(doc) if isinstance(doc, dict) else {}

    def _merge_single(self, name: str, changes: dict[str, Any]) -> None:
        """Merge changes into the one document of a single-document table, creating it."""
        table = self.table(name)
        if table.contains(doc_id=1):
            table.update(changes, doc_ids=[1])
        else:
            table.insert(Document(changes, doc_id=1))

    def meta(self) -> dict[str, Any]:
        return self._single("meta")

    def set_meta(self, **changes: Any) -> None:
        self._merge_single("meta", changes)

    def settings(self) -> Settings:
        return Settings.from_doc(self._single("settings"))

    def update_settings(self, **changes: Any) -> None:
        """Change settings, refused (ValueError) before anything is stored if they do not parse."""
        before = self.settings().to_doc()
        after = {**before, **changes}
        Settings.from_doc(after)
        self._merge_single("settings", after)
        self.audit("settings.update", "settings", before, after)

    def set_setting(self, path: tuple[str, ...], value: Any) -> Any:
        """Set one setting (e.g. ("thresholds", "police.min_patrols")) as read inside the lock.

        Only that key changes, so two desks changing different settings keep both changes;
        returns the value it had. Refused (ValueError) before storing if the result won't parse.
        """
        before = self.settings().to_doc()
        after = _with_key(before, path, value)
        Settings.from_doc(after)
        self._merge_single("settings", after)
        old = _key_of(before, path)
        self.audit("settings.set", ".".join(path), old, value)
        return old

    def unset_setting(self, path: tuple[str, ...]) -> Any:
        """Drop one nested setting, as read inside the lock; returns what it was (None: unset)."""
        before = self.settings().to_doc()
        old = _key_of(before, path)
        if old is None:
            return None
        parent = dict(before)
        node = parent
        for key in path[:-1]:
            node[key] = dict(node.get(key) or {})
            node = node[key]
        node.pop(path[-1], None)
        self._merge_single("settings", parent)
        self.audit("settings.unset", ".".join(path), old, None)
        return old

    # operators

    def users(self) -> list[dict[str, Any]]:
        """Every operator account as stored, password hash included, inside the lock."""
        return [dict(doc) for doc in self.table("users").all()]

    def add_user(
        self, name: str, unit: str, role: str, password_hash: dict[str, Any]
    ) -> dict[str, Any]:
        """Store a new active account and turn login on for good; its audit has no hash."""
        table = self.table("users")
        if table.contains(Query().name == name):
            raise Refused(Message(f"已有操作员 {name}", f"operator {name} already exists"))
        doc = {
            "name": name,
            "unit": unit,
            "role": role,
            "password": password_hash,
            "active": True,
            "created": now_text(),
        }
        table.insert(doc)
        self.set_meta(accounts=True)
        self.audit("user.add", f"user:{name}", None, public_user(doc))
        return doc

    def _user(self, name: str) -> Document:
        doc = self.table("users").get(Query().name == name)
        if not isinstance(doc, Document):
            raise NotFound(Message(f"没有操作员 {name}", f"no operator {name}"))
        return doc

    def set_user_active(self, name: str, active: bool) -> None:
        """Enable or disable an account, audited without its password hash."""
        doc = self._user(name)
        before = public_user(dict(doc))
        self.table("users").update({"active": active}, doc_ids=[doc.doc_id])
        action = "user.enable" if active else "user.disable"
        self.audit(action, f"user:{name}", before, {**before, "active": active})

    def set_user_password(self, name: str, password_hash: dict[str, Any]) -> None:
        """Replace an account's password hash; the audit says only that it changed."""
        doc = self._user(name)
        self.table("users").update({"password": password_hash}, doc_ids=[doc.doc_id])
        self.audit("user.passwd", f"user:{name}", None, {"changed": True})

    # villages

    def add_village(self, village: Village) -> None:
        table = self.villages_table()
        if table.contains(Query().code == village.code):
            raise Refused(f"village code {village.code} already exists")
        table.insert(village.to_doc())
        self.audit("village.add", village.code, None, village.to_doc())

    def add_villages(self, villages: Iterable[Village], *, note: str = "") -> int:
        """Add many new villages with one look at the table and one audit entry; how many.

        Refused before anything is stored if a code repeats or is taken; a county's two
        thousand villages would otherwise cost one table scan each.
        """
        batch = list(villages)
        table = self.villages_table()
        taken = {doc["code"] for doc in table.all()}
        for village in batch:
            if village.code in taken:
                raise Refused(f"village code {village.code} already exists")
            taken.add(village.code)
        if not batch:
            return 0
        table.insert_multiple([v.to_doc() for v in batch])
        if len(batch) == 1:
            self.audit("village.add", batch[0].code, None, batch[0].to_doc())
        else:
            codes = [v.code for v in batch]
            self.audit("villages.add", "villages", None, {"villages": codes, "note": note})
        return len(batch)

    def put_village(self, village: Village) -> None:
        """Insert the village or replace the one with its code."""
        table = self.villages_table()
        existing = table.get(Query().code == village.code)
        if isinstance(existing, Document):
            table.update(village.to_doc(), doc_ids=[existing.doc_id])
            if dict(existing) != village.to_doc():
                self.audit("village.update", village.code, dict(existing), village.to_doc())
        else:
            table.insert(village.to_doc())
            self.audit("village.add", village.code, None, village.to_doc())

    def put_villages(self, villages: Iterable[Village]) -> None:
        """put_village for many, with one look at the table: a county's list is thousands.

        Each village added or changed is audited as put_village does; a later one of the
        same code wins.
        """
        table = self.villages_table()
        by_code = {doc["code"]: doc for doc in table.all()}
        new_docs: dict[str, dict[str, Any]] = {}
        changed: dict[str, dict[str, Any]] = {}
        for village in villages:
            doc = village.to_doc()
            existing = by_code.get(village.code)
            if isinstance(existing, Document):
                before = changed.get(village.code, dict(existing))
                if before != doc:
                    self.audit("village.update", village.code, before, doc)
                    changed[village.code] = doc
            elif village.code in new_docs:
                if new_docs[village.code] != doc:
                    self.audit("village.update", village.code, new_docs[village.code], doc)
                new_docs[village.code] = doc
            else:
                new_docs[village.code] = doc
                self.audit("village.add", village.code, None, doc)
        if changed:

            def replace_doc(doc: MutableMapping[str, Any]) -> None:
                new = changed[doc["code"]]
                doc.clear()
                doc.update(new)

            table.update(replace_doc, doc_ids=[by_code[code].doc_id for code in changed])
        if new_docs:
            table.insert_multiple(list(new_docs.values()))

    # records

    def _next_record_ids(self, count: int) -> range:
        """count fresh ids from the counter in the main file, which this commit moves past them.

        Another process allocates under the same lock from the counter it committed, so
        no id is handed out twice. An id stored beyond the counter (a damaged or edited
        file, which verify names) is never handed out again either: before ids are given,
        the blocks they would fall in are looked at in every quarter, and the run starts
        past any id found there. That costs a look per quarter at one block, however many
        records are stored.
        """
        start = max(int(self.meta().get("next_record_id") or 1), 1)
        while True:
            top = self._top_id_in_blocks(block_number(start), block_number(start + count - 1))
            if top < start:
                break
            start = top + 1
        self.set_meta(next_record_id=start + count)
        return range(start, start + count)

    def _top_id_in_blocks(self, first: int, last: int) -> int:
        """The largest record id in blocks first..last of any quarter (0 if none).

        Blocks this transaction holds are read from its own copies; the others through the
        store's cache, so a writer does not parse again the block it just saved.
        """
        held = {
            path: buffer
            for path, buffer in self._buffers.items()
            if self._is_block(path) and path.stem.isdigit() and first <= int(path.stem) <= last
        }
        top = max(
            (
                int(key)
                for buffer in held.values()
                for key in ((buffer.data or {}).get("records") or {})
            ),
            default=0,
        )
        names = [f"{number:05d}.json" for number in range(first, last + 1)]
        for quarter in self.layout.record_quarter_dirs():
            folder = self.layout.quarter_dir(quarter)
            for name in names:
                path = folder / name
                if path not in held:
                    top = max(top, self._stored_top(path))
        return top

    def reserve_record_ids(self, count: int) -> range:
        """Ids for count records a later commit stores (add_staged): the counter moves past
        them now, so saves in between, from any process, number their records after them.

        Ids reserved by an import that then fails or is killed are never used.
        """
        return self._next_record_ids(count)

    def reserve_batch_id(self) -> int:
        """An import batch id for a later add_batch; never given again, like reserved ids."""
        batch_id = int(self.meta().get("next_batch_id", 1))
        self.set_meta(next_batch_id=batch_id + 1)
        return batch_id

    def _ensure_open(self, quarter: Quarter) -> None:
        snapshot = self._snapshot_table(quarter).get(doc_id=1)
        if isinstance(snapshot, dict) and snapshot.get("locked"):
            raise Refused(f"quarter {quarter} is finalized; reopen it before changing its data")

    def _ensure_village(self, code: str) -> None:
        if code not in self._village_codes():
            raise Refused(f"unknown village code {code}")

    def add_records(
        self,
        records: Iterable[NewRecord],
        *,
        note: str = "",
        at: str | None = None,
        batch_id: int | None = None,
    ) -> list[int]:
        """Store new records, stamped at (default now), of import batch `batch_id` if given.

        Returns their ids; one audit entry covers them all.
        """
        return self.add_prepared(
            prepare_records(records, self.actor, at), note=note, batch_id=batch_id
        )

    def add_prepared(
        self, prepared: PreparedRecords, *, note: str = "", batch_id: int | None = None
    ) -> list[int]:
        """Store records prepared by prepare_records, each with a fresh id; returns the ids.

        Their villages and quarters are checked again here, under the lock: a village
        removed or a quarter finalized since they were prepared refuses them all.
        """
        docs = prepared.docs
        if not docs:
            return []
        known = self._village_codes()
        if not prepared.villages <= known:
            first = next(d["village"] for _, d in docs if d["village"] not in known)
            raise Refused(f"unknown village code {first}")
        for quarter in prepared.quarters.values():
            self._ensure_open(quarter)
        ids = self._next_record_ids(len(docs))
        by_block: dict[tuple[int, int, int], dict[str, dict[str, Any]]] = {}
        for record_id, (key, doc) in zip(ids, docs, strict=True):
            if batch_id is not None:
                doc["batch"] = batch_id
            block = (*key, block_number(record_id))
            if block not in by_block:
                by_block[block] = {}
            by_block[block][str(record_id)] = doc
        for (year, number, _), block_docs in by_block.items():
            path = self.layout.block(prepared.quarters[year, number], int(next(iter(block_docs))))
            self._insert_records(path, block_docs)
        if len(docs) == 1:
            self.audit("record.add", f"record:{ids[0]}", None, dict(docs[0][1]))
        else:
            self.audit(
                "records.import",
                f"records:{ids[0]}-{ids[-1]}",
                None,
                {"count": len(docs), "note": note, "villages": sorted(prepared.villages)},
            )
        return list(ids)

    def add_staged(self, staged: StagedRecords, *, note: str = "") -> range:
        """Store the records an import staged (store.staging) under their reserved ids.

        Checked again here, under the lock, as add_prepared checks: a village removed or a
        quarter finalized since refuses them all. Each staged block is moved into place by
        the commit; one that joins a block stored already is merged into it.
        """
        if not staged.blocks:
            return range(0)
        known = self._village_codes()
        if not staged.villages <= known:
            raise Refused(f"unknown village code {min(staged.villages - known)}")
        for quarter in staged.ranges:
            self._ensure_open(quarter)
        for block in staged.blocks:
            if block.target in self._buffers or block.target.exists():
                docs = (read_object(block.source) or {}).get("records") or {}
                self._insert_records(block.target, docs)
            else:
                block.target.parent.mkdir(parents=True, exist_ok=True)
                self._moves[block.target] = block
        self.token = staged.token
        ids = staged.ids
        self.audit(
            "records.import",
            f"records:{ids[0]}-{ids[-1]}",
            None,
            {"count": staged.count, "note": note, "villages": sorted(staged.villages)},
        )
        return ids

    def _changeable_record(self, record_id: int, expected_rev: int) -> tuple[Quarter, Record]:
        """The stored record and its quarter, if it is still at expected_rev in an open quarter.

        NotFound if there is no such record, Conflict if someone changed it since it was
        read, Refused if its quarter is finalized.
        """
        quarter = self._locate(record_id)
        doc = None if quarter is None else self._stored_doc(quarter, record_id)
        if quarter is None or doc is None:
            raise NotFound(f"no record {record_id}")
        old = Record.from_doc(record_id, dict(doc))
        if old.rev != expected_rev:
            raise Conflict(f"record {record_id} was changed by someone else (revision {old.rev})")
        self._ensure_open(quarter)
        return quarter, old

    def update_record(
        self, record_id: int, new: NewRecord, *, expected_rev: int, batch: int | None = None
    ) -> Record:
        """Replace a record's village, date and fields; refused if its revision moved since read.

        `batch` names the import batch that replaced it, if one did.
        """
        quarter, old = self._changeable_record(record_id, expected_rev)
        self._ensure_village(new.village)
        updated = replace(
            old,
            village=new.village,
            date=new.date,
            fields=new.fields,
            updated=now_text(),
            rev=old.rev + 1,
            batch=batch if batch is not None else old.batch,
        )
        self._ensure_open(updated.quarter)
        if updated.quarter == quarter:
            self._record_table(quarter, record_id).update(updated.to_doc(), doc_ids=[record_id])
        else:
            self._record_table(quarter, record_id).remove(doc_ids=[record_id])
            self._record_table(updated.quarter, record_id).insert(
                Document(updated.to_doc(), doc_id=record_id)
            )
        self.audit("record.update", f"record:{record_id}", old.to_doc(), updated.to_doc())
        return updated

    def delete_record(self, record_id: int, *, expected_rev: int, reason: str = "") -> None:
        """Remove a record, audited with its content and the reason; refused as update_record."""
        quarter, old = self._changeable_record(record_id, expected_rev)
        self._record_table(quarter, record_id).remove(doc_ids=[record_id])
        self.audit("record.delete", f"record:{record_id}", old.to_doc(), {"reason": reason})

    # import batches

    def add_batch(self, batch: ImportBatch, batch_id: int | None = None) -> int:
        """Keep an import batch under batch_id (one reserve_batch_id gave), else the next
        batch id (the batch's own id is ignored); returns the id."""
        table = self.table("imports")
        if batch_id is None:
            batch_id = self.reserve_batch_id()
        table.insert(Document(batch.to_doc(), doc_id=batch_id))
        return batch_id

    def set_batch_records(
        self, batch_id: int, added: Iterable[int], replaced: dict[int, dict[str, Any]]
    ) -> None:
        """Note the records a batch added and the stored documents it replaced."""
        self.table("imports").update(
            {"added": id_runs(added), "replaced": {str(k): v for k, v in replaced.items()}},
            doc_ids=[batch_id],
        )
        doc = self.table("imports").get(doc_id=batch_id)
        self.audit("import.add", f"import:{batch_id}", None, dict(doc) if doc else None)

    def undo_batch(self, batch_id: int, reason: str) -> ImportBatch:
        """Remove the records a batch added and put back those it replaced, audited with both.

        A record deleted since is skipped; refused if the batch was undone already or any
        record it touches lies in a finalized quarter.
        """
        doc = self.table("imports").get(doc_id=batch_id)
        if not isinstance(doc, dict):
            raise NotFound(f"no import batch {batch_id}")
        batch = ImportBatch.from_doc(batch_id, dict(doc))
        if batch.undone:
            raise Refused(f"import batch {batch_id} was undone already")
        taken = self._take_records(batch.added)
        removed = [{"id": i, **taken[i]} for i in batch.added if i in taken]
        replaced: list[dict[str, Any]] = []
        for record_id, before in batch.replaced.items():
            old = Record.from_doc(record_id, before)
            quarter = self._locate(record_id)
            rev = old.rev
            if quarter is not None:
                self._ensure_open(quarter)
                current = self.records_table(quarter, record_id).get(doc_id=record_id)
                rev = max(rev, int(current.get("rev", 1)) if current else rev)
                replaced.append({"id": record_id, **(dict(current) if current else {})})
                self.records_table(quarter, record_id).remove(doc_ids=[record_id])
            self._ensure_open(old.quarter)
            restored = replace(old, rev=rev + 1, updated=now_text())
            self.records_table(old.quarter, record_id).insert(
                Document(restored.to_doc(), doc_id=record_id)
            )
        undone = {"at": now_text(), "actor": self.actor, "reason": reason}
        self.table("imports").update({"undone": undone}, doc_ids=[batch_id])
        self.audit(
            "import.undo",
            f"import:{batch_id}",
            {"removed": removed, "replaced": replaced},
            {"reason": reason, "restored": sorted(batch.replaced)},
        )
        return replace(batch, undone=undone)

    # returns, decisions, snapshots

    def file_return(self, unit: str, quarter: Quarter, *, at: str | None = None) -> bool:
        """Record that unit filed its return for quarter at (default now); False if it had."""
        self._ensure_open(quarter)
        table = self.table("returns")
        q = Query()
        if table.contains((q.unit == unit) & (q.quarter == str(quarter))):
            return False
        doc = {
            "unit": unit,
            "quarter": str(quarter),
            "filed_at": at or now_text(),
            "actor": self.actor,
        }
        table.insert(doc)
        self.audit("return.file", f"{unit}:{quarter}", None, doc)
        return True

    def withdraw_return(self, unit: str, quarter: Quarter) -> bool:
        self._ensure_open(quarter)
        q = Query()
        removed = self.table("returns").remove((q.unit == unit) & (q.quarter == str(quarter)))
        if removed:
            self.audit("return.withdraw", f"{unit}:{quarter}", None, None)
        return bool(removed)

    def decide(self, decision: Decision) -> None:
        """Set the meeting's decision on a cell, replacing an earlier one."""
        self._ensure_open(decision.quarter)
        self._ensure_village(decision.village)
        q = Query()
        where = (
            (q.quarter == str(decision.quarter))
            & (q.village == decision.village)
            & (q.criterion == decision.criterion)
        )
        table = self.table("decisions")
        before = table.get(where)
        table.remove(where)
        doc = {
            "quarter": str(decision.quarter),
            "village": decision.village,
            "criterion": decision.criterion,
            "passed": decision.passed,
            "reason": decision.reason,
            "actor": decision.actor,
            "at": decision.at,
        }
        table.insert(doc)
        self.audit(
            "decision.set",
            f"{decision.quarter}:{decision.village}:{decision.criterion}",
            dict(before) if isinstance(before, dict) else None,
            doc,
        )

    def add_decisions(self, decisions: Iterable[Decision], *, note: str = "") -> int:
        """Store many decisions on cells without one yet, with one audit entry; returns how many.

        Refused if any cell already has a decision or any village is unknown; for a batch
        typed up at once (a new store's history), where deciding one by one would be slow.
        """
        batch = list(decisions)
        table = self.table("decisions")
        taken = {(d["quarter"], d["village"], d["criterion"]) for d in table.all()}
        known = self._village_codes()
        docs = []
        for decision in batch:
            key = (str(decision.quarter), decision.village, decision.criterion)
            if key in taken:
                raise Refused(f"{' '.join(key)} already has a decision")
            if decision.village not in known:
                raise Refused(f"unknown village code {decision.village}")
            self._ensure_open(decision.quarter)
            taken.add(key)
            docs.append(
                {
                    "quarter": key[0],
                    "village": decision.village,
                    "criterion": decision.criterion,
                    "passed": decision.passed,
                    "reason": decision.reason,
                    "actor": decision.actor,
                    "at": decision.at,
                }
            )
        table.insert_multiple(docs)
        if docs:
            self.audit("decisions.add", "decisions", None, {"count": len(docs), "note": note})
        return len(docs)

    def decision(self, quarter: Quarter, village: str, criterion: str) -> Decision | None:
        """The meeting's decision on a cell as stored now, inside the lock."""
        q = Query()
        doc = self.table("decisions").get(
            (q.quarter == str(quarter)) & (q.village == village) & (q.criterion == criterion)
        )
        if not isinstance(doc, dict):
            return None
        return Decision(
            quarter,
            village,
            criterion,
            bool(doc["passed"]),
            doc.get("reason", ""),
            doc.get("actor", ""),
            doc.get("at", ""),
        )

    def withdraw_decision(self, quarter: Quarter, village: str, criterion: str) -> bool:
        """Remove the meeting's decision on a cell, audited with what it was; False if none."""
        self._ensure_open(quarter)
        q = Query()
        where = (q.quarter == str(quarter)) & (q.village == village) & (q.criterion == criterion)
        table = self.table("decisions")
        before = table.get(where)
        if not isinstance(before, dict):
            return False
        table.remove(where)
        self.audit("decision.withdraw", f"{quarter}:{village}:{criterion}", dict(before), None)
        return True

    def _snapshot_table(self, quarter: Quarter) -> Table:
        return self.db(self.layout.snapshot(quarter)).table("snapshot")

    def save_snapshot(
        self, quarter: Quarter, grid: dict[str, Any], *, locked: bool, **extra: Any
    ) -> None:
        """Store the quarter's frozen grid in its own file; locked refuses changes to its data.

        extra keeps what the finalize knew beside the grid (who, why, evidence).
        """
        doc = {"quarter": str(quarter), "locked": locked, "at": now_text(), "grid": grid, **extra}
        table = self._snapshot_table(quarter)
        table.truncate()
        table.insert(Document(doc, doc_id=1))
        sha256 = self._vouch_for_snapshot(quarter)
        self.audit("snapshot.save", str(quarter), None, {"locked": locked, "sha256": sha256})

    def _vouch_for_snapshot(self, quarter: Quarter) -> str:
        """Keep the sha256 of the quarter's snapshot as stored now, so verify can check it."""
        stored = self._snapshot_table(quarter).get(doc_id=1)
        sha256 = audit.digest(dict(stored) if isinstance(stored, dict) else {})
        hashes = dict(self.meta().get("snapshot_sha256") or {})
        hashes[str(quarter)] = sha256
        self.set_meta(snapshot_sha256=hashes)
        return sha256

    def snapshot(self, quarter: Quarter) -> dict[str, Any] | None:
        """The quarter's saved snapshot as stored now, inside the lock."""
        doc = self._snapshot_table(quarter).get(doc_id=1)
        return dict(doc) if isinstance(doc, dict) else None

    def unlock_snapshot(self, quarter: Quarter, reason: str) -> bool:
        """Reopen a finalized quarter, keeping its snapshot for comparison; False if not locked."""
        table = self._snapshot_table(quarter)
        doc = table.get(doc_id=1)
        if not isinstance(doc, dict) or not doc.get("locked"):
            return False
        table.update(
            {"locked": False, "reopened": {"at": now_text(), "reason": reason}}, doc_ids=[1]
        )
        sha256 = self._vouch_for_snapshot(quarter)
        self.audit(
            "quarter.reopen", str(quarter), {"locked": True}, {"reason": reason, "sha256": sha256}
        )
        return True

    def set_reported(
        self, quarter: Quarter, on: date, *, at: str | None = None
    ) -> dict[str, Any] | None:
        """Record the day the quarter was reported to the district; returns the earlier entry."""
        table = self.table("reported")
        q = Query()
        before = table.get(q.quarter == str(quarter))
        table.remove(q.quarter == str(quarter))
        doc = {
            "quarter": str(quarter),
            "on": on.isoformat(),
            "actor": self.actor,
            "at": at or now_text(),
        }
        table.insert(doc)
        earlier = dict(before) if isinstance(before, dict) else None
        self.audit("quarter.reported", str(quarter), earlier, doc)
        return earlier

    def record_meeting(self, meeting: dict[str, Any]) -> int:
        """Store a quarterly meeting (quarter, day, attendees, minutes); returns its id."""
        meeting_id = int(self.table("meetings").insert(meeting))
        self.audit("meeting.record", f"meeting:{meeting_id}", None, meeting)
        return meeting_id

    # rectification items

    def rectification_items(self) -> dict[int, dict[str, Any]]:
        """Every rectification item by id, as stored now."""
        return {doc.doc_id: dict(doc) for doc in self.table("rectification").all()}

    def open_rectification(self, item: dict[str, Any]) -> int:
        """Store a new rectification item; returns its id."""
        item_id = int(self.table("rectification").insert(item))
        self.audit("rectification.open", f"rectification:{item_id}", None, item)
        return item_id

    def update_rectification(self, item_id: int, changes: dict[str, Any]) -> dict[str, Any]:
        """Change fields of a rectification item; NotFound if there is none; returns the old one."""
        table = self.table("rectification")
        before = table.get(doc_id=item_id)
        if not isinstance(before, dict):
            raise NotFound(f"no rectification item {item_id}")
        table.update(changes, doc_ids=[item_id])
        self.audit("rectification.update", f"rectification:{item_id}", dict(before), changes)
        return dict(before)

    def remove_rectification(self, item_id: int) -> None:
        """Drop a rectification item that its quarter no longer fails (after a reopen)."""
        table = self.table("rectification")
        before = table.get(doc_id=item_id)
        if isinstance(before, dict):
            table.remove(doc_ids=[item_id])
            self.audit("rectification.remove", f"rectification:{item_id}", dict(before), None)

    # audit

    def audit(self, action: str, target: str, before: Any, after: Any) -> None:
        """Queue an audit entry; entries are chained by hash and appended when the tx commits."""
        self._audit.append(
            {
                "at": self.clock or now_text(),
                "actor": self.actor,
                "action": action,
                "target": target,
                "before": before,
                "after": after,
            }
        )

    def carry_audit_entry(self, entry: dict[str, Any]) -> None:
        """Queue an entry as given (at and actor kept): how a migration carries old entries over."""
        self._audit.append(entry)

    def restart_audit_chain(self) -> None:
        """Start the chain afresh at seq 1 in this commit's log file (a migration's first step)."""
        self.set_meta(audit_head="", audit_seq=0, audit_log="", audit_end=0)

    def _vouch_for_partitions(self, files: dict[Path, bytes]) -> None:
        """Keep the sha256 of each record partition and of the village list written in the
        meta, for verify to check."""
        written = {
            block_name(path): hashlib.sha256(data).hexdigest()
            for path, data in files.items()
            if self._is_block(path)
        }
        written.update({block_name(path): block.sha256 for path, block in self._moves.items()})
        villages = files.get(self.layout.villages)
        if villages is not None:
            self.set_meta(villages_sha256=hashlib.sha256(villages).hexdigest())
        gone = {block_name(path) for path in self._removed if self._is_block(path)}
        if written or gone:
            hashes = dict(self.meta().get("partition_sha256") or {})
            kept = {key: value for key, value in hashes.items() if key not in gone}
            self.set_meta(partition_sha256={**kept, **written})

    def written(self) -> tuple[dict[str, Any], dict[Path, int]]:
        """After commit: the meta as written, and the largest record id of each block written.

        The store keeps them for the files' new versions, so the next save's lock and id
        counter do not parse again the main file and the block this one just wrote.
        """
        blocks = {
            buffer.path: max(map(int, (buffer.data or {}).get("records") or {}), default=0)
            for buffer in self._buffers.values()
            if buffer.dirty and self._is_block(buffer.path) and buffer.path not in self._removed
        }
        blocks.update({path: block.last for path, block in self._moves.items()})
        return self.meta(), blocks

    def block_changes(self) -> list[BlockChange]:
        """After commit: each record block written, with what the store needs to bring its
        parsed copy of the block up to date without parsing the block again."""
        return [
            BlockChange(
                buffer.path,
                buffer.key,
                dict((buffer.data or {}).get("records") or {}),
                self._record_changes.get(buffer.path, set()),
            )
            for buffer in self._buffers.values()
            if buffer.dirty and self._is_block(buffer.path) and buffer.path not in self._removed
        ]

    def _landed(self, token: str) -> bool:
        """Whether the main file on disk is the one this commit (by its token) wrote."""
        try:
            data = read_object(self.layout.main) or {}
            return bool(((data.get("meta") or {}).get("1") or {}).get("last_commit") == token)
        except (StoreError, OSError, AttributeError):
            return False

    def commit(self) -> None:
        """Append the audit entries, then write every changed file at once, the main file first.

        The main file vouches for the log up to `audit_end`; bytes a failed or cut commit
        appended beyond it are cut off again (here, or by `audit.trim` on the next lock).
        """
        token = self.token
        meta = self.meta()
        log_path: Path | None = None
        lines: list[bytes] = []
        offset = 0
        if self._audit:
            current = str(meta.get("audit_log") or "")
            name = audit.log_name(date.today(), current)
            offset = int(meta.get("audit_end") or 0) if name == current else 0
            lines = audit.chain(
                self._audit, int(meta.get("audit_seq") or 0), str(meta.get("audit_head") or "")
            )
            log_path = self.layout.audit_log(name)
            self.set_meta(
                audit_head=audit.line_hash(lines[-1]),
                audit_seq=int(meta.get("audit_seq") or 0) + len(lines),
                audit_log=name,
                audit_end=offset + sum(len(line) for line in lines),
            )
        self.set_meta(revision=int(meta.get("revision", 0)) + 1, last_commit=token)
        main = self._buffers[self.layout.main]
        others = {
            b.path: dumps(b.data or {}) for b in self._buffers.values() if b is not main and b.dirty
        }
        self._vouch_for_partitions(others)
        files: dict[Path, bytes | None] = {main.path: dumps(main.data or {}), **others}
        files.update({path: None for path in sorted(self._removed) if path not in files})
        appended = log_path

        def append_audit() -> None:
            if appended is not None:
                audit.append(appended, offset, lines)

        try:
            moves = {path: block.source for path, block in self._moves.items()}
            journal.commit(self.layout.journal, files, token, append_audit, moves)
        except OSError as exc:
            if self.layout.journal.exists() or self._landed(token):
                raise StoreError(
                    Message(
                        f"{self.layout.main}：修改已保存，但磁盘随后报错（{exc}）；"
                        "下次打开时会补完，请检查磁盘",
                        f"{self.layout.main}: the change is stored but the disk then reported an "
                        f"error ({exc}); the next open completes it; check the disk",
                    )
                ) from exc
            if log_path is not None:
                audit.cut_back(log_path, offset)
            raise StoreFull(self.layout.main, exc) from None


def public_user(doc: dict[str, Any]) -> dict[str, Any]:
    """An account without its password hash: what the audit log and listings may show."""
    return {key: value for key, value in doc.items() if key != "password"}


def _key_of(doc: dict[str, Any], path: tuple[str, ...]) -> Any:
    """The value at path in nested dicts, None where any part is missing."""
    node: Any = doc
    for key in path:
        if not isinstance(node, dict):
            return None
        node = node.get(key)
    return node


def _with_key(doc: dict[str, Any], path: tuple[str, ...], value: Any) -> dict[str, Any]:
    """A copy of doc with value set at path, copying each dict on the way."""
    if len(path) == 1:
        return {**doc, path[0]: value}
    inner = doc.get(path[0])
    return {
        **doc,
        path[0]: _with_key(dict(inner) if isinstance(inner, dict) else {}, path[1:], value),
    }
