"""Integrity of the store: the audit log and its readers, verify against tampering, backups,
restore, damaged or missing files, a full disk and the schema 1 migration."""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import subprocess
import zipfile
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson
import pytest

from store import (
    BackupRefused,
    Decision,
    Quarter,
    Refused,
    Store,
    StoreCorrupt,
    StoreError,
    StoreFull,
    StoreOrphaned,
    backup_to,
    now_text,
    restore,
    verify,
)
from store import audit as store_audit
from store import journal as store_journal
from store.migrations import CURRENT_SCHEMA
from store.storage import atomic_write, dumps
from tests.store_support import (
    CRASH_EXIT,
    Child,
    all_record_ids,
    audit_entries,
    leftovers,
    new_store,
    note,
    store_files,
    verify_audit_chain,
)

Q2, Q3, Q4 = Quarter(2022, 2), Quarter(2022, 3), Quarter(2022, 4)


@pytest.fixture(autouse=True)
def reap_children() -> Iterator[None]:
    yield
    Child.reap()


@pytest.fixture
def town(tmp_path: Path) -> Store:
    """Villages, records in two quarters, an import, a decision and a finalized 2022Q2."""
    store = new_store(tmp_path / "town.json")
    with store.transaction("派出所") as tx:
        tx.add_records([note("V001", date(2022, 8, 1), n=1)])
        tx.add_records([note("V002", date(2022, 11, d), n=d) for d in (1, 2, 3)], note="导入.xlsx")
    with store.transaction("主任") as tx:
        tx.decide(Decision(Q3, "V002", "G1", False, "会议认定", "主任", now_text()))
        tx.save_snapshot(Q2, {"compliant": 1, "villages": ["V001", "V002"]}, locked=True)
    return store


def problems(store: Store) -> list[tuple[str, str, int | None]]:
    """(kind, file name, seq) of each problem verify finds."""
    return [(p.kind, p.path.name, p.seq) for p in verify(store).problems]


# the audit log and its reader


def test_every_write_appends_one_canonical_line_per_entry(town: Store) -> None:
    [log] = town.layout.audit_logs()
    assert log.name == f"{date.today():%Y-%m}.jsonl"
    lines = log.read_bytes().splitlines(keepends=True)
    entries = verify_audit_chain(town)
    assert len(lines) == len(entries) == town.main().meta["audit_seq"]
    assert all(store_audit.canonical(orjson.loads(line)) + b"\n" == line for line in lines)
    meta = town.main().meta
    assert (meta["audit_log"], meta["audit_end"]) == (log.name, log.stat().st_size)
    size = log.stat().st_size
    with town.transaction() as tx:
        tx.update_settings(lang="en")
    assert log.read_bytes()[:size] == b"".join(lines), "earlier lines are never rewritten"


def test_audit_entries_filter_by_village_user_and_time(town: Store) -> None:
    every = town.audit_entries()
    assert [e.seq for e in every] == list(range(1, len(every) + 1))
    v002 = [(e.action, e.target) for e in town.audit_entries(village="V002")]
    assert ("village.add", "V002") in v002
    assert ("decision.set", "2022Q3:V002:G1") in v002
    assert any(action == "records.import" for action, _ in v002)
    assert all(target != "record:1" for _, target in v002)
    v001 = [e.target for e in town.audit_entries(village="V001")]
    assert "record:1" in v001 and "2022Q3:V002:G1" not in v001
    assert {e.actor for e in town.audit_entries(user="主任")} == {"主任"}
    assert len(town.audit_entries(user="主任")) == 2
    assert town.audit_entries(since=date.today() + timedelta(days=1)) == []
    assert len(town.audit_entries(since=date.today())) == len(every)
    an_hour_ago = datetime.now() - timedelta(hours=1)
    assert len(town.audit_entries(since=an_hour_ago, user="派出所")) == 2


def test_bytes_a_cut_commit_appended_are_cut_on_the_next_lock(town: Store) -> None:
    [log] = town.layout.audit_logs()
    landed = log.read_bytes()
    with log.open("ab") as handle:
        handle.write(b'{"seq": 999, "half a line')
    assert ("audit", log.name, None) in [(k, n, None) for k, n, _ in problems(town)]
    assert len(town.audit_entries()) == town.main().meta["audit_seq"]
    Store(town.path).open()
    assert log.read_bytes() == landed
    verify_audit_chain(town)


# verify: tampering


def _edit_line(log: Path, index: int, edit: Callable[[bytes], bytes]) -> None:
    lines = log.read_bytes().splitlines(keepends=True)
    lines[index] = edit(lines[index])
    log.write_bytes(b"".join(lines))


def _one_byte(old: bytes, new: bytes) -> Callable[[bytes], bytes]:
    def edit(raw: bytes) -> bytes:
        assert old in raw
        return raw.replace(old, new, 1)

    return edit


def test_verify_passes_an_untouched_store(town: Store) -> None:
    report = verify(town)
    assert report.ok, [p.message.en for p in report.problems]
    assert (report.records, report.snapshots) == (4, 1)
    assert report.entries == town.main().meta["audit_seq"]
    assert "intact" in report.message.en and "完好" in report.message.zh


def test_one_byte_changed_in_an_audit_entry_names_that_entry(town: Store) -> None:
    [log] = town.layout.audit_logs()
    _edit_line(log, 4, _one_byte("派出所".encode(), "派出局".encode()))
    [(kind, name, seq)] = problems(town)
    assert (kind, name, seq) == ("audit", log.name, 5)
    assert "entry 5" in verify(town).problems[0].message.en


def test_an_entry_removed_is_named(town: Store) -> None:
    [log] = town.layout.audit_logs()
    lines = log.read_bytes().splitlines(keepends=True)
    log.write_bytes(b"".join(lines[:2] + lines[3:]))
    assert problems(town)[0] == ("audit", log.name, 3)


@pytest.mark.parametrize("cut", ["last-entry", "half", "deleted"])
def test_a_truncated_or_deleted_log_is_detected_and_refuses_writes(town: Store, cut: str) -> None:
    [log] = town.layout.audit_logs()
    lines = log.read_bytes().splitlines(keepends=True)
    if cut == "deleted":
        log.unlink()
    else:
        log.write_bytes(b"".join(lines[: -1 if cut == "last-entry" else len(lines) // 2]))
    report = verify(town)
    assert [p.kind for p in report.problems] == ["audit"]
    assert "truncated or deleted" in report.problems[0].message.en
    before = store_files(town)
    with pytest.raises(StoreCorrupt, match="audit log is"), town.transaction() as tx:
        tx.update_settings(lang="en")
    assert store_files(town) == before


def test_one_byte_changed_in_a_record_partition_is_detected(town: Store) -> None:
    part = town.layout.block(Q4, 1)
    part.write_bytes(part.read_bytes().replace(b'"n":3', b'"n":4', 1))
    assert problems(town) == [("records", part.name, None)]


def test_one_byte_changed_in_a_finalized_snapshot_is_detected(town: Store) -> None:
    snap = town.layout.snapshot(Q2)
    snap.write_bytes(snap.read_bytes().replace(b'"compliant":1', b'"compliant":2', 1))
    assert problems(town) == [("snapshot", snap.name, None)]
    snap.unlink()
    assert problems(town) == [("snapshot", snap.name, None)]
    assert "missing" in verify(town).problems[0].message.en


def test_repeated_record_ids_are_named_and_never_handed_out_again(town: Store) -> None:
    q3 = orjson.loads(town.layout.block(Q3, 1).read_bytes())
    q4 = orjson.loads(town.layout.block(Q4, 1).read_bytes())
    q4["records"]["1"] = q3["records"]["1"]
    q4["records"]["90"] = q3["records"]["1"]
    atomic_write(town.layout.block(Q4, 1), dumps(q4))
    kinds = [(p.kind, p.message.en) for p in verify(town).problems]
    assert any("record id 1 also appears in 2022Q3/00000.json" in text for _, text in kinds)
    assert any("next_record_id" in text for _, text in kinds)
    with town.transaction() as tx:
        [fresh] = tx.add_records([note("V001", date(2023, 1, 5))])
    assert fresh == 91


# backups and restore


def test_the_first_write_of_a_day_backs_up_and_backups_rotate(town: Store) -> None:
    [daily] = town.layout.backups()
    assert daily.name.endswith("-daily.zip")
    with town.transaction() as tx:
        tx.update_settings(backups_kept=3)
    assert town.layout.backups() == [daily], "one daily backup a day"
    made = [town.backup(f"manual-{n}") for n in range(4)]
    assert town.layout.backups() == made[-3:]
    with zipfile.ZipFile(made[-1]) as archive:
        names = set(archive.namelist())
    assert {"town.json", "pingan-backup.json", "town.json.d/records/2022Q3/00000.json"} <= names
    assert not any(".lock" in n or ".backups" in n or ".tmp-" in n for n in names)
    with pytest.raises(ValueError), town.transaction() as tx:
        tx.update_settings(backups_kept=0)


def test_restore_brings_back_a_backup_and_sets_the_store_aside(town: Store, tmp_path: Path) -> None:
    saved = backup_to(town, tmp_path / "elsewhere" / "copy.zip")
    before = {p.name: b for p, b in store_files(town).items()}
    with town.transaction() as tx:
        tx.add_records([note("V001", date(2022, 8, 9))])
    result = restore(town, saved)
    assert result.backup == saved
    assert sorted(p.name.split(".set-aside-")[0] for p in result.set_aside) == [
        "town.json",
        "town.json.d",
    ]
    assert all(p.exists() for p in result.set_aside)
    assert {p.name: b for p, b in store_files(town).items()} == before
    reopened = Store(town.path).open()
    assert len(all_record_ids(reopened)) == 4
    verify_audit_chain(reopened)
    assert "set-aside" in result.message.en


def test_restore_refuses_a_damaged_or_tampered_backup(town: Store, tmp_path: Path) -> None:
    good = backup_to(town, tmp_path / "good.zip")
    broken = tmp_path / "broken.zip"
    broken.write_bytes(good.read_bytes()[:200])
    tampered = tmp_path / "tampered.zip"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(tampered, "w") as out:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename.endswith(".jsonl"):
                data = data.replace("派出所".encode(), "派出局".encode(), 1)
            out.writestr(info.filename, data)
    forged = tmp_path / "forged.zip"
    with zipfile.ZipFile(tampered) as src, zipfile.ZipFile(forged, "w") as out:
        manifest = orjson.loads(src.read("pingan-backup.json"))
        for info in src.infolist():
            data = src.read(info.filename)
            manifest["files"][info.filename] = hashlib.sha256(data).hexdigest()
            if info.filename != "pingan-backup.json":
                out.writestr(info.filename, data)
        del manifest["files"]["pingan-backup.json"]
        out.writestr("pingan-backup.json", orjson.dumps(manifest))
    before = store_files(town)
    for bad, why in ((broken, "not a readable"), (tampered, "differs"), (forged, "altered")):
        with pytest.raises(BackupRefused, match=why) as caught:
            restore(town, bad)
        assert str(bad) in str(caught.value) and "not changed" in str(caught.value)
        assert caught.value.message.zh.startswith(str(bad))
    assert store_files(town) == before
    assert not list(tmp_path.glob("town.json.restore-*"))


# damaged and missing files: a clear refusal, and restore brings the data back

DAMAGE: dict[str, Callable[[Path], None]] = {
    "zero-byte": lambda p: p.write_bytes(b""),
    "truncated": lambda p: p.write_bytes(p.read_bytes()[:40]),
    "garbage": lambda p: p.write_bytes(os.urandom(64)),
    "schema-abc": lambda p: p.write_bytes(
        p.read_bytes().replace(f'"schema":{CURRENT_SCHEMA}'.encode(), b'"schema":"abc"')
    ),
    "meta-list": lambda p: p.write_bytes(dumps({**orjson.loads(p.read_bytes()), "meta": []})),
}


@pytest.mark.parametrize("damage", DAMAGE)
def test_a_damaged_main_file_is_refused_naming_it_and_the_backup(town: Store, damage: str) -> None:
    good = town.backup("before-finalize")
    ids = sorted(all_record_ids(town))
    DAMAGE[damage](town.path)
    for attempt in (
        lambda: Store(town.path).open(),
        lambda: Store(town.path).villages(),
        lambda: verify_or_raise(town),
    ):
        with pytest.raises(StoreCorrupt) as caught:
            attempt()
        assert caught.value.path == town.path
        assert str(good) in str(caught.value) and str(good) in caught.value.message.zh
    assert not verify(town).ok
    restore(town, good)
    assert sorted(all_record_ids(Store(town.path).open())) == ids
    verify_audit_chain(town)


def verify_or_raise(store: Store) -> None:
    """Open a transaction, which reads and shape-checks the main file."""
    with store.transaction() as tx:
        tx.meta()


def test_a_missing_main_file_beside_its_folder_is_an_orphan(town: Store) -> None:
    [good] = town.layout.backups()
    town.path.unlink()
    with pytest.raises(StoreOrphaned) as caught:
        Store(town.path).open()
    message = str(caught.value)
    assert str(town.path) in message and str(good) in message and "records/" in message
    with pytest.raises(StoreOrphaned):
        Store(town.path).init("新镇")
    assert not town.path.exists(), "init does not make a new store beside the old data"
    assert Store(town.path).exists()
    assert [p.kind for p in verify(town).problems] == ["missing"]
    restore(town, good)
    verify_audit_chain(Store(town.path).open())


@pytest.mark.parametrize("stage", ["after-journal", "mid-renames"])
def test_a_commit_whose_journal_was_deleted_is_settled_by_its_token(
    tmp_path: Path, stage: str
) -> None:
    """Renames start with the main file: a temp file bearing its token belongs to a landed
    commit and is finished; with the main file not yet renamed, nothing landed."""
    store = new_store(tmp_path / "town.json")
    child = Child("crash", store.path, stage)
    assert child.wait() == CRASH_EXIT, child.stderr()
    store.layout.journal.unlink()
    staged = leftovers(store.layout)
    assert staged
    assert any(p.kind == "pending" for p in verify(store).problems)
    reopened = Store(store.path).open()
    assert leftovers(store.layout) == []
    landed = [r for r in reopened.records(Q3) if r.fields.get("crashed")]
    assert bool(landed) == (stage == "mid-renames")
    assert (reopened.settings().town == "新桑村镇") == (stage == "mid-renames")
    verify_audit_chain(reopened)


def test_nothing_is_swept_while_the_main_file_is_unreadable(tmp_path: Path) -> None:
    store = new_store(tmp_path / "town.json")
    child = Child("crash", store.path, "mid-renames")
    assert child.wait() == CRASH_EXIT, child.stderr()
    store.layout.journal.unlink()
    staged = leftovers(store.layout)
    store.path.write_bytes(b"")
    with pytest.raises(StoreCorrupt):
        Store(store.path).open()
    assert leftovers(store.layout) == staged


# a full disk


def _enospc() -> OSError:
    return OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


@pytest.mark.parametrize("where", ["audit-append", "staging", "journal"])
def test_a_full_disk_stores_nothing_and_says_so(
    town: Store, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    before = store_files(town)
    if where == "audit-append":
        monkeypatch.setattr(
            store_audit.os, "write", lambda fd, data: (_ for _ in ()).throw(_enospc())
        )
    elif where == "staging":
        real = store_journal.write_temp
        calls: list[Path] = []

        def full_after_one(path: Path, data: bytes, token: str = "") -> Path:
            calls.append(path)
            if len(calls) > 1:
                raise _enospc()
            return real(path, data, token)

        monkeypatch.setattr(store_journal, "write_temp", full_after_one)
    else:
        real_land = store_journal.land_journal

        def full_at_journal(temp: Path, path: Path) -> None:
            if path == town.layout.journal:
                raise _enospc()
            real_land(temp, path)

        monkeypatch.setattr(store_journal, "land_journal", full_at_journal)
    with pytest.raises(StoreFull) as caught, town.transaction() as tx:
        tx.add_records([note("V001", date(2022, 8, 20)), note("V002", date(2022, 11, 20))])
    message = str(caught.value)
    assert str(town.path) in message and "nothing of this change was stored" in message
    assert "No space left" in message and "没有保存" in caught.value.message.zh
    monkeypatch.undo()
    assert store_files(town) == before
    assert leftovers(town.layout) == []
    verify_audit_chain(town)


@contextlib.contextmanager
def small_tmpfs(folder: Path, size: str) -> Iterator[Path]:
    folder.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip("cannot mount a tmpfs here (needs root); the simulated cases cover it")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


@pytest.mark.skipif(os.name != "posix" or os.geteuid() != 0, reason="mounting needs root")
def test_a_really_full_disk_stores_nothing(tmp_path: Path) -> None:
    with small_tmpfs(tmp_path / "disk", "1m") as disk:
        store = new_store(disk / "town.json")
        before = store_files(store)
        filler = disk / "filler"
        with filler.open("wb", buffering=0) as handle, contextlib.suppress(OSError):
            while True:
                handle.write(b"\0" * 4096)
        big = [note("V001", date(2022, 8, 1), text="长" * 2000) for _ in range(40)]
        with (
            pytest.raises(StoreFull, match="nothing of this change was stored"),
            store.transaction() as tx,
        ):
            tx.add_records(big)
        assert store_files(store) == before
        filler.unlink()
        with store.transaction() as tx:
            tx.add_records(big[:2])
        assert leftovers(store.layout) == []
        verify_audit_chain(Store(store.path).open())


# schema 1 stores


def _legacy_store(path: Path) -> dict[str, Any]:
    """A schema-1 store as the previous pingan wrote it: audit in per-day TinyDB files."""
    store = new_store(path)
    with store.transaction() as tx:
        tx.add_records([note("V001", date(2022, 8, 1))])
        tx.save_snapshot(Q2, {"compliant": 0}, locked=False)
    old: list[dict[str, Any]] = []
    head = ""
    for seq, entry in enumerate(store.audit_entries(), start=1):
        body = {k: v for k, v in entry.to_doc().items() if k not in ("hash", "prev", "seq")}
        body = {**body, "seq": seq, "prev": head}
        head = hashlib.sha256(dumps(body)).hexdigest()
        old.append({**body, "hash": head})
    for log in store.layout.audit_logs():
        log.unlink()
    day = store.layout.audit_dir / "2026-11-30.json"
    day.write_bytes(dumps({"audit": {str(e["seq"]): e for e in old}}))
    data = orjson.loads(path.read_bytes())
    meta = data["meta"]["1"]
    for key in ("audit_log", "audit_end", "snapshot_sha256", "partition_sha256", "last_commit"):
        meta.pop(key, None)
    meta.update(schema=1, audit_head=head, audit_seq=len(old))
    atomic_write(path, dumps(data))
    for backup in store.layout.backups():
        backup.unlink()
    return {"entries": old, "head": head, "file": day}


def test_a_schema_1_store_is_backed_up_then_migrated_keeping_its_audit(tmp_path: Path) -> None:
    old = _legacy_store(tmp_path / "town.json")
    legacy_bytes = old["file"].read_bytes()
    assert verify(Store(tmp_path / "town.json")).ok, "verify reads a schema 1 store too"
    store = Store(tmp_path / "town.json").open()
    assert store.main().meta["schema"] == CURRENT_SCHEMA
    [before_migrate] = store.layout.backups()
    assert before_migrate.name.endswith("-before-migrate-1.zip")
    entries = verify_audit_chain(store)
    carried = [
        (e["at"], e["actor"], e["action"], e["target"]) for e in entries[: len(old["entries"])]
    ]
    assert carried == [(e["at"], e["actor"], e["action"], e["target"]) for e in old["entries"]]
    convert, migrate = entries[len(old["entries"]) :]
    assert convert["action"] == "audit.convert" and migrate["action"] == "store.migrate"
    assert convert["before"] == {
        "format": "tinydb-day",
        "entries": len(old["entries"]),
        "head": old["head"],
        "intact": True,
    }
    assert old["file"].read_bytes() == legacy_bytes, "the old files are kept verbatim"
    entry = orjson.loads(legacy_bytes)
    entry["audit"]["1"]["actor"] = "冒名者"
    old["file"].write_bytes(dumps(entry))
    assert [p.kind for p in verify(store).problems] == ["audit"]
    restore(store, before_migrate)
    assert Store(store.path).open().main().meta["schema"] == CURRENT_SCHEMA
    assert audit_entries(store.layout)[-1]["action"] == "store.migrate"


def test_init_still_refuses_an_existing_store(town: Store) -> None:
    with pytest.raises(Refused, match="already exists"):
        Store(town.path).init("别的镇")


def test_a_disk_error_after_the_change_landed_does_not_claim_nothing_was_stored(
    town: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    import store.storage as storage

    def failing_fsync_dir(folder: Path) -> None:
        raise OSError(errno.EIO, os.strerror(errno.EIO))

    monkeypatch.setattr(storage, "fsync_dir", failing_fsync_dir)
    with pytest.raises(StoreError) as caught, town.transaction() as tx:
        tx.update_settings(lang="en")
    monkeypatch.undo()
    assert not isinstance(caught.value, StoreFull)
    assert "the change is stored" in str(caught.value)
    assert Store(town.path).open().settings().lang == "en"
    verify_audit_chain(town)


def test_an_unreadable_journal_is_set_aside_and_reported(town: Store) -> None:
    town.layout.journal.write_bytes(b"\x00garbage")
    Store(town.path).open()
    [damaged] = town.layout.main.parent.glob("town.json.journal.damaged-*")
    assert damaged.read_bytes() == b"\x00garbage"
    assert problems(town) == [("pending", damaged.name, None)]
