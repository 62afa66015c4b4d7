"""Helpers of the store tests, and the child processes they start, kill and race.

Run as `python tests/store_support.py COMMAND STORE [ARGS...]`, a child prints one
line per step it has finished ("ready", "ack 12", "locked"...), so a test waits on
its pipe instead of sleeping. In a test, `Child` starts one and reads those lines.
"""

from __future__ import annotations

import hashlib
import itertools
import os
import queue
import subprocess
import sys
import threading
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import orjson
import rfc8785

from store import Conflict, Decision, NewRecord, Quarter, Record, Store, Village
from store import audit as store_audit
from store import journal as store_journal
from store.layout import Layout
from store.verify import verify

SCRIPT = Path(__file__).resolve()
NOTE = "test.note"
CRASH_EXIT = 70
READ_TIMEOUT = 120.0
"""How long a test waits for a child's next line; only a hung child should ever reach it."""
CHILD_LOCK_TIMEOUT = 120.0
"""The lock timeout of children that race for the lock: a loaded machine must slow them, not
make them give up (the store's own 15 s default is tested with a lock held on purpose)."""

# Days in four quarters: a writer cycles through them so commits touch several partitions.
DAYS = (date(2022, 8, 1), date(2022, 11, 15), date(2023, 2, 28), date(2023, 5, 31))


def note(village: str, day: date, **fields: Any) -> NewRecord:
    """A record of the neutral test type; the store does not look at types or fields."""
    return NewRecord(NOTE, village, day, dict(fields), "test")


def village(code: str, name: str = "", office: str = "东片") -> Village:
    """A village of the east office, named after its code unless a name is given."""
    return Village(code, name or f"{code}村", office)


def new_store(path: Path, codes: tuple[str, ...] = ("V001", "V002")) -> Store:
    """An initialised store at path holding the given villages."""
    store = Store(path)
    store.init("桑村镇", "setup")
    with store.transaction("setup") as tx:
        for code in codes:
            tx.add_village(village(code))
    return store.open()


def data_revision(store: Store) -> int:
    """The store's revision less its refusal-only commits: it moves only when data changed.

    Every refused change writes one `refused` audit entry in a commit of its own.
    """
    refusals = sum(1 for entry in store.audit_entries() if entry.action == "refused")
    return store.revision() - refusals


def audit_entries(layout: Layout) -> list[dict[str, Any]]:
    """Every audit entry of the store, read straight from the log files, in file order."""
    entries: list[dict[str, Any]] = []
    for path in layout.audit_logs():
        entries.extend(orjson.loads(line) for line in path.read_bytes().splitlines())
    return entries


def verify_audit_chain(store: Store) -> list[dict[str, Any]]:
    """Recompute the hash chain of the log independently of the store's own code, then run
    verify; raise AssertionError at the first bad link or problem."""
    entries = audit_entries(store.layout)
    head = ""
    for expected_seq, entry in enumerate(entries, start=1):
        assert entry["seq"] == expected_seq, f"audit entry {expected_seq} missing"
        assert entry["prev"] == head, f"audit entry {expected_seq}: prev does not match"
        body = {key: value for key, value in entry.items() if key != "hash"}
        digest = hashlib.sha256(rfc8785.dumps(body)).hexdigest()
        assert entry["hash"] == digest, f"audit entry {expected_seq}: hash does not match"
        head = digest
    meta = store.main().meta
    assert meta.get("audit_head", "") == head, "meta audit_head is not the last entry's hash"
    assert meta.get("audit_seq", 0) == len(entries), "meta audit_seq is not the entry count"
    report = verify(store)
    assert report.ok, [p.message.en for p in report.problems]
    return entries


def leftovers(layout: Layout) -> list[Path]:
    """Temp files and a journal an interrupted commit left behind."""
    found = [p for p in layout.main.parent.glob("*.tmp-*")]
    for folder in (layout.records_dir, layout.audit_dir, layout.snapshots_dir):
        if folder.is_dir():
            found.extend(folder.rglob("*.tmp-*"))
    if layout.journal.exists():
        found.append(layout.journal)
    return sorted(found)


def store_files(store: Store) -> dict[Path, bytes]:
    """The bytes of every file of the store: the main file and its folder, temp files excepted.

    Backups sit beside the folder, so they are not among these.
    """
    files = {store.path: store.path.read_bytes()}
    for path in store.layout.folder.rglob("*"):
        if path.is_file() and ".tmp-" not in path.name:
            files[path] = path.read_bytes()
    return files


def all_record_ids(store: Store) -> list[int]:
    """Every record id in every partition, as stored."""
    return [r.id for q in store.record_quarters() for r in store.records(q)]


class Child:
    """A child process running one command of this script, with its output read line by line."""

    running: list[Child] = []

    def __init__(self, command: str, *args: object) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, str(SCRIPT), command, *map(str, args)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )
        Child.running.append(self)
        self._lines: queue.Queue[str | None] = queue.Queue()
        self._errors: list[str] = []
        self._readers = [
            threading.Thread(target=self._read_out, daemon=True),
            threading.Thread(target=self._read_err, daemon=True),
        ]
        for reader in self._readers:
            reader.start()

    def _read_out(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self._lines.put(line.rstrip("\n"))
        self._lines.put(None)

    def _read_err(self) -> None:
        assert self.proc.stderr is not None
        self._errors.extend(self.proc.stderr)

    def line(self) -> str:
        """The next line the child printed; AssertionError (with its stderr) if it ended first."""
        try:
            got = self._lines.get(timeout=READ_TIMEOUT)
        except queue.Empty:
            self.kill()
            raise AssertionError(f"child printed nothing for {READ_TIMEOUT} s") from None
        if got is None:
            code = self.wait()
            raise AssertionError(f"child ended (exit {code}): {self.stderr()}")
        return got

    def expect(self, word: str) -> str:
        """Read the next line and check it starts with word; return the rest of it."""
        got = self.line()
        assert got.split(" ", 1)[0] == word, f"expected {word!r}, child printed {got!r}"
        return got[len(word) :].strip()

    def send(self, text: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(text + "\n")
        self.proc.stdin.flush()

    def kill(self) -> None:
        """SIGKILL on POSIX: no finally block, no flush, no atexit runs in the child."""
        self.proc.kill()
        self.wait()

    def wait(self) -> int:
        """Wait for the child to end and close its pipes; its exit code."""
        code = self.proc.wait(timeout=READ_TIMEOUT)
        for reader in self._readers:
            reader.join(timeout=READ_TIMEOUT)
        for pipe in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            if pipe is not None:
                pipe.close()
        if self in Child.running:
            Child.running.remove(self)
        return code

    def stderr(self) -> str:
        """What the child wrote to stderr so far (all of it once it has ended)."""
        return "".join(self._errors)

    @classmethod
    def reap(cls) -> None:
        """Kill every child a failed test left running, so none writes on after it."""
        for child in list(cls.running):
            child.kill()


# The commands a child runs.


def _wrap_journal_step(name: str, wrap: Callable[[Any], Any]) -> None:
    """Replace a function store.journal calls (write_temp, atomic_write, land_journal, replace,
    _apply)."""
    setattr(store_journal, name, wrap(getattr(store_journal, name)))


def _announce_commit_steps() -> None:
    """Print "at STEP" as a commit starts each of its steps, so a test can kill inside one."""

    def announced(name: str) -> Callable[[Any], Any]:
        def wrap(step: Any) -> Any:
            def run(*args: Any) -> Any:
                # one write call: commits run some steps from several threads at once
                sys.stdout.write(f"at {name}\n")
                sys.stdout.flush()
                return step(*args)

            return run

        return wrap

    for name in ("write_temp", "atomic_write", "land_journal", "replace"):
        _wrap_journal_step(name, announced(name))
    store_audit.append = announced("append")(store_audit.append)


def _writer(path: Path, run: int) -> None:
    """Write forever, one transaction after another, printing each acknowledged id."""
    _announce_commit_steps()
    store = Store(path, lock_timeout=CHILD_LOCK_TIMEOUT).open()
    step = 0
    while True:
        step += 1
        first = DAYS[step % len(DAYS)]
        batch = [note("V001", first, run=run, step=step)]
        if step % 2 == 0:
            batch.append(note("V002", DAYS[(step + 1) % len(DAYS)], run=run, step=step))
        with store.transaction(f"writer{run}") as tx:
            ids = tx.add_records(batch)
        print("ack", *ids, flush=True)


MIXED_OPS = ("add", "import", "update", "decide", "snapshot")
SNAPSHOT_QUARTER = Quarter(2021, 4)


def _mixer(path: Path, run: int, counter_id: int) -> None:
    """Write forever a stream of record saves, imports, updates, decisions and snapshots,
    printing "ack KIND ..." once each is committed; step numbers grow across runs."""
    _announce_commit_steps()
    store = Store(path).open()
    for index in itertools.count():
        step = run * 10_000 + index
        kind = MIXED_OPS[(run + index) % len(MIXED_OPS)]
        with store.transaction(f"mixer{run}") as tx:
            if kind == "add":
                ids = tx.add_records([note("V001", DAYS[index % len(DAYS)], step=step)])
                acked = " ".join(map(str, ids))
            elif kind == "import":
                batch = [
                    note(("V001", "V002")[n % 2], DAYS[(index + n) % len(DAYS)], step=step, n=n)
                    for n in range(3 + index % 5)
                ]
                ids = tx.add_records(batch, note=f"import {step}")
                acked = " ".join(map(str, ids))
                kind = "add"
            elif kind == "update":
                current = tx_record(store, counter_id)
                tx.update_record(
                    counter_id,
                    NewRecord(current.type, current.village, current.date, {"counter": step}, "t"),
                    expected_rev=current.rev,
                )
                acked = str(step)
            elif kind == "decide":
                tx.decide(Decision(DECIDED, "V002", "G1", step % 2 == 0, str(step), "主任", ""))
                acked = str(step)
            else:
                tx.save_snapshot(SNAPSHOT_QUARTER, {"step": step}, locked=False)
                acked = str(step)
        print("ack", kind, acked, flush=True)


DECIDED = Quarter(2022, 3)


def tx_record(store: Store, record_id: int) -> Record:
    found = store.record(record_id)
    assert found is not None
    return found


def _racer(path: Path, worker: int, count: int) -> None:
    """Wait for "go", then insert count records one transaction each."""
    store = Store(path, lock_timeout=CHILD_LOCK_TIMEOUT).open()
    print("ready", flush=True)
    sys.stdin.readline()
    for step in range(count):
        with store.transaction(f"racer{worker}") as tx:
            tx.add_records([note("V001", DAYS[step % len(DAYS)], worker=worker, step=step)])
    print("done", flush=True)


def _incremented(current: Record) -> NewRecord:
    """The record with its counter field one higher."""
    fields = {**current.fields, "counter": current.number("counter") + 1}
    return NewRecord(current.type, current.village, current.date, fields, current.unit)


def _incrementer(path: Path, record_id: int, count: int) -> None:
    """Wait for "go", then add 1 to a record's counter count times, retrying on Conflict."""
    store = Store(path, lock_timeout=CHILD_LOCK_TIMEOUT).open()
    print("ready", flush=True)
    sys.stdin.readline()
    conflicts = 0
    done = 0
    while done < count:
        current = store.record(record_id)
        assert current is not None
        try:
            with store.transaction("incrementer") as tx:
                tx.update_record(record_id, _incremented(current), expected_rev=current.rev)
        except Conflict:
            conflicts += 1
            continue
        done += 1
    print("done", conflicts, flush=True)


def _lockstep_incrementer(path: Path, record_id: int, count: int) -> None:
    """Like the incrementer, but read, print "read REV", and write only when told "go"."""
    store = Store(path, lock_timeout=CHILD_LOCK_TIMEOUT).open()
    done = 0
    while done < count:
        current = store.record(record_id)
        assert current is not None
        print("read", current.rev, flush=True)
        sys.stdin.readline()
        try:
            with store.transaction("lockstep") as tx:
                tx.update_record(record_id, _incremented(current), expected_rev=current.rev)
        except Conflict:
            print("conflict", flush=True)
            continue
        done += 1
        print("ok", flush=True)
    print("done", flush=True)


def _hold_lock(path: Path) -> None:
    """Hold the store's lock until a line arrives on stdin."""
    store = Store(path)
    with store.locked():
        print("locked", flush=True)
        sys.stdin.readline()
    print("released", flush=True)


def _add_village(path: Path, code: str) -> None:
    store = Store(path, lock_timeout=CHILD_LOCK_TIMEOUT).open()
    with store.transaction("child") as tx:
        tx.add_village(village(code))
    print("ack", code, flush=True)


def _crash(path: Path, stage: str) -> None:
    """Commit a change to three files and die (os._exit, no clean-up) at the given stage."""
    store = Store(path).open()
    if stage == "before-journal":

        def die_instead_of_journal(land: Any) -> Any:
            def run(temp: Path, target: Path) -> None:
                if target == store.layout.journal:
                    os._exit(CRASH_EXIT)
                land(temp, target)

            return run

        _wrap_journal_step("land_journal", die_instead_of_journal)
    elif stage == "after-journal":
        _wrap_journal_step("_apply", lambda _apply: lambda *args: os._exit(CRASH_EXIT))
    elif stage == "mid-renames":
        renamed: list[Path] = []

        def die_after_first_rename(rename: Any) -> Any:
            def run(source: Path, target: Path) -> None:
                if renamed:
                    os._exit(CRASH_EXIT)
                rename(source, target)
                renamed.append(target)

            return run

        _wrap_journal_step("replace", die_after_first_rename)
    else:
        raise SystemExit(f"unknown stage {stage}")
    with store.transaction("crasher") as tx:
        tx.add_records([note("V001", date(2022, 8, 8), crashed=stage)])
        tx.update_settings(town="新桑村镇")
    print("committed", flush=True)


STAGE_EVERY = 250
"""How many staged rows an importer child announces as one "at stage" step."""


def patrol_rows(count: int, villages: tuple[str, ...] = ("V001", "V002")) -> list[list[str]]:
    """A police.patrol file's rows, header first, spread over four quarters of 2022."""
    days = ("2022-02-03", "2022-05-06", "2022-08-09", "2022-11-12")
    return [
        ["日期", "村", "人数", "简要情况"],
        *[
            [days[n % 4], villages[n % len(villages)], str(2 + n % 5), f"巡逻 {n}"]
            for n in range(count)
        ],
    ]


ROWS = 2600
"""Rows of an import trial's file: 650 a quarter over four quarters, so several blocks each."""
Q1 = Quarter(2022, 1)


def town_with_a_record(path: Path) -> Store:
    """A store of V001 and V002 holding one note in 2022Q1: an import's first block of that
    quarter joins the block this note is stored in."""
    store = new_store(path)
    with store.transaction() as tx:
        tx.add_records([note("V001", date(2022, 1, 5))])
    return store


def patrols(store: Store) -> list[Record]:
    return [r for q in store.record_quarters() for r in store.records(q, "police.patrol")]


def staged_leftovers(store: Store) -> list[Path]:
    folder = store.layout.staging_dir
    return sorted(folder.iterdir()) if folder.is_dir() else []


def assert_import_all_or_nothing(path: Path, rows: int) -> bool:
    """The store opens, verifies, and holds the whole import or none of it; True if whole."""
    reopened = Store(path).open()
    report = verify(reopened)
    assert report.ok, [p.message.en for p in report.problems]
    verify_audit_chain(reopened)
    found = patrols(reopened)
    batches = reopened.import_batches()
    assert len(found) in (0, rows), f"{len(found)} of {rows} rows landed"
    if found:
        [batch] = batches
        assert sorted(r.id for r in found) == sorted(batch.added)
        assert {r.batch for r in found} == {batch.id}
    else:
        assert batches == []
    assert len(reopened.records(Q1)) == 1 + len([r for r in found if r.quarter == Q1])
    assert staged_leftovers(reopened) == []
    assert leftovers(reopened.layout) == []
    return bool(found)


def _pause_at_import_steps() -> None:
    """Print "at STEP" as each step of an import starts and wait for a line on stdin before
    doing it, so a test kills the child exactly there: "stage" every STAGE_EVERY staged
    rows, "write_block" per staged block, and the commit steps of _announce_commit_steps."""
    from store import staging

    def paused(name: str) -> Callable[[Any], Any]:
        def wrap(step: Any) -> Any:
            def run(*args: Any) -> Any:
                with _PAUSE:
                    sys.stdout.write(f"at {name}\n")
                    sys.stdout.flush()
                    sys.stdin.readline()
                return step(*args)

            return run

        return wrap

    for name in ("write_temp", "atomic_write", "land_journal", "replace"):
        _wrap_journal_step(name, paused(name))
    store_audit.append = paused("append")(store_audit.append)
    staging._write_synced = paused("write_block")(staging._write_synced)
    add = staging.Staging.add
    added = itertools.count()
    stage = paused("stage")(lambda: None)

    def add_pausing(self: staging.Staging, quarter: Quarter, doc: dict[str, Any]) -> None:
        if next(added) % STAGE_EVERY == 0:
            stage()
        add(self, quarter, doc)

    setattr(staging.Staging, "add", add_pausing)  # noqa: B010 - a test's hook on the class


_PAUSE = threading.Lock()
"""One paused step at a time: commit steps run from several threads."""


def _importer(path: Path, csv_path: Path, stage: str) -> None:
    """Import a police.patrol CSV through the actions layer, pausing at its steps; with
    stage "journal-lost", die once the main file landed and the journal is gone but no
    staged block was moved in (what a power cut after the journal's removal may leave)."""
    from plugins.actions import ActionContext, import_records
    from plugins.manager import PluginHost

    _pause_at_import_steps()
    if stage == "journal-lost":

        def main_only(_apply: Any) -> Any:
            def run(journal: Path, plan: list[list[str]]) -> None:
                if len(plan) > 1:
                    store_journal.replace(Path(plan[0][0]), Path(plan[0][1]))
                    journal.unlink()
                    os._exit(CRASH_EXIT)
                _apply(journal, plan)

            return run

        _wrap_journal_step("_apply", main_only)
    host = PluginHost.load(entry_points=False)
    store = Store(path, lock_timeout=CHILD_LOCK_TIMEOUT).open()
    result = import_records(ActionContext(store, host), csv_path, "police.patrol")
    print("ack", result.batch, result.total, flush=True)


def main(argv: list[str]) -> None:
    command, path, *rest = argv
    store_path = Path(path)
    if command == "writer":
        _writer(store_path, int(rest[0]))
    elif command == "racer":
        _racer(store_path, int(rest[0]), int(rest[1]))
    elif command == "increment":
        _incrementer(store_path, int(rest[0]), int(rest[1]))
    elif command == "lockstep":
        _lockstep_incrementer(store_path, int(rest[0]), int(rest[1]))
    elif command == "hold-lock":
        _hold_lock(store_path)
    elif command == "add-village":
        _add_village(store_path, rest[0])
    elif command == "mixer":
        _mixer(store_path, int(rest[0]), int(rest[1]))
    elif command == "crash":
        _crash(store_path, rest[0])
    elif command == "importer":
        _importer(store_path, Path(rest[0]), rest[1] if len(rest) > 1 else "")
    else:
        raise SystemExit(f"unknown command {command}")


if __name__ == "__main__":
    main(sys.argv[1:])
