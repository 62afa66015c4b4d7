"""Checking a whole store: the audit chain against its head, every file, snapshots and record ids.

`verify` only reads; it names the first broken entry of the chain and each file that is
wrong, in a report the command line renders in either language.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from store import audit
from store.cache import Partition
from store.errors import Message, StoreCorrupt
from store.journal import TEMP_MARK
from store.layout import block_name, block_number
from store.migrations import CURRENT_SCHEMA
from store.shape import check_main
from store.storage import read_object

if TYPE_CHECKING:
    from store.store import Store


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a store: its kind, the file, the audit seq where it applies."""

    kind: str
    path: Path
    message: Message
    seq: int | None = None


@dataclass(slots=True)
class VerifyReport:
    """What verify checked and what it found wrong; `ok` when nothing."""

    store: Path
    problems: list[Problem] = field(default_factory=list)
    entries: int = 0
    files: int = 0
    records: int = 0
    snapshots: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def message(self) -> Message:
        """A one-line summary in both languages."""
        if self.ok:
            return Message(
                f"{self.store}：完好（{self.files} 个文件，{self.entries} 条审计记录，"
                f"{self.records} 条记录，{self.snapshots} 个快照）",
                f"{self.store}: intact ({self.files} files, {self.entries} audit entries, "
                f"{self.records} records, {self.snapshots} snapshots)",
            )
        first = self.problems[0].message
        return Message(
            f"{self.store}：发现 {len(self.problems)} 处问题；第一处：{first.zh}",
            f"{self.store}: {len(self.problems)} problem(s); first: {first.en}",
        )

    def add(self, kind: str, path: Path, zh: str, en: str, seq: int | None = None) -> None:
        self.problems.append(Problem(kind, path, Message(f"{path}：{zh}", f"{path}: {en}"), seq))


def verify(store: Store) -> VerifyReport:
    """Check every file of the store and the audit chain; never writes."""
    layout = store.layout
    report = VerifyReport(layout.main)
    meta = _check_main(store, report)
    if meta is None:
        return report
    _check_pending(store, report)
    schema = int(meta.get("schema") or 0)
    if schema >= 2:
        _check_chain(store, meta, report)
    else:
        _check_legacy_chain(store, meta, report)
    _check_records(store, meta, report)
    _check_villages(store, meta, report)
    if schema >= 2:
        _check_snapshots(store, meta, report)
    return report


def _check_main(store: Store, report: VerifyReport) -> dict[str, Any] | None:
    from store.store import MainView

    path = store.layout.main
    try:
        data = read_object(path)
        if data is None:
            report.add("missing", path, "主文件不存在", "the main file is missing")
            return None
        check_main(path, data)
        MainView(path, data)
    except StoreCorrupt as exc:
        report.add("file", path, f"无法读取（{exc.detail}）", f"unreadable ({exc.detail})")
        return None
    report.files += 1
    meta: dict[str, Any] = dict((data.get("meta") or {}).get("1") or {})
    if int(meta.get("schema") or 0) > CURRENT_SCHEMA:
        report.add("schema", path, "由更新版本写入", "written by a newer pingan")
        return None
    return meta


def _check_villages(store: Store, meta: dict[str, Any], report: VerifyReport) -> None:
    """The village list file parses and is the one the main file vouches for."""
    from store.store import village_list

    path = store.layout.villages
    want = meta.get("villages_sha256")
    if not path.exists():
        if want is not None:
            report.add("villages", path, "村名单文件不见了", "the village list is missing")
        return
    try:
        raw = path.read_bytes()
        village_list(path, read_object(path) or {})
    except StoreCorrupt as exc:
        report.add("file", path, f"无法读取（{exc.detail}）", f"unreadable ({exc.detail})")
        return
    report.files += 1
    if want is None:
        report.add("villages", path, "主文件中没有它的哈希", "no hash of it in the main file")
    elif hashlib.sha256(raw).hexdigest() != want:
        report.add(
            "villages",
            path,
            "内容与最后一次保存时的哈希不符（被改动过）",
            "content differs from the hash of its last save (altered)",
        )


def _check_pending(store: Store, report: VerifyReport) -> None:
    layout = store.layout
    if layout.journal.exists():
        report.add(
            "pending",
            layout.journal,
            "有未完成的提交；打开数据库即可补完",
            "a commit is unfinished; opening the store finishes it",
        )
    for damaged in sorted(layout.main.parent.glob(f"{layout.journal.name}.damaged-*")):
        report.add(
            "pending",
            damaged,
            "一个无法读取的提交日志被搁置在这里；请先 verify，必要时从备份恢复",
            "an unreadable commit journal was set aside here; check the store, restore a "
            "backup if data is missing, then remove it",
        )
    for folder, pattern in layout.sweep_patterns():
        if folder.is_dir():
            for staged in sorted(folder.glob(pattern)):
                report.add(
                    "pending",
                    staged,
                    "中断的提交留下的暂存文件；打开数据库时会处理",
                    "a staged file of an interrupted commit; opening the store settles it",
                )


def _check_chain(store: Store, meta: dict[str, Any], report: VerifyReport) -> None:
    layout = store.layout
    head_seq = int(meta.get("audit_seq") or 0)
    head = str(meta.get("audit_head") or "")
    log_name = str(meta.get("audit_log") or "")
    end = int(meta.get("audit_end") or 0)
    expected_seq, prev = 1, ""
    last_path: Path | None = None
    legacy: dict[str, Any] | None = None
    for path in layout.audit_logs():
        report.files += 1
        for number, raw in audit.read_log(path):
            if not raw.endswith(b"\n"):
                report.add("audit", path, f"第 {number} 行不完整", f"line {number} is cut off")
                return
            try:
                doc = orjson.loads(raw)
                entry = audit.AuditEntry.from_doc(doc)
            except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
                report.add(
                    "audit", path, f"第 {number} 行无法解析", f"line {number} does not parse"
                )
                return
            body = {key: value for key, value in doc.items() if key != "hash"}
            if entry.seq != expected_seq:
                report.add(
                    "audit",
                    path,
                    f"第 {number} 行：应为第 {expected_seq} 条，却是第 {entry.seq} 条（缺记录）",
                    f"line {number}: entry {expected_seq} expected, found {entry.seq} "
                    "(entries missing)",
                    expected_seq,
                )
                return
            if entry.prev != prev:
                report.add(
                    "audit",
                    path,
                    f"第 {entry.seq} 条：prev 与上一条的哈希不符",
                    f"entry {entry.seq}: prev does not match the previous entry's hash",
                    entry.seq,
                )
                return
            if audit.digest(body) != entry.hash or audit.canonical(doc) + b"\n" != raw:
                report.add(
                    "audit",
                    path,
                    f"第 {entry.seq} 条：内容与哈希不符（被改动过）",
                    f"entry {entry.seq}: content does not match its hash (altered)",
                    entry.seq,
                )
                return
            if entry.action == "audit.convert" and isinstance(entry.before, dict):
                legacy = entry.before
            prev, expected_seq, last_path = entry.hash, expected_seq + 1, path
            report.entries += 1
            if entry.seq == head_seq and (path.name != log_name or _offset(path, number) != end):
                report.add(
                    "audit",
                    path,
                    f"第 {entry.seq} 条之后还有未提交的内容",
                    f"bytes past the head entry {entry.seq} that no commit vouches for",
                    entry.seq,
                )
                return
    if report.entries < head_seq:
        where = last_path or layout.audit_log(log_name or "*.jsonl")
        report.add(
            "audit",
            where,
            f"审计日志只有 {report.entries} 条，数据库记载有 {head_seq} 条（日志被截短或删除）",
            f"the audit log holds {report.entries} entries, the store's head says {head_seq} "
            "(the log was truncated or deleted)",
            report.entries + 1,
        )
    elif report.entries > head_seq or prev != head:
        report.add(
            "audit",
            layout.main,
            "审计链的末尾与主文件记载的 audit_head 不符",
            "the chain's last hash does not match the main file's audit_head",
            report.entries,
        )
    if legacy is not None:
        _check_legacy_files(store, legacy, report)


def _offset(path: Path, lines: int) -> int:
    """The byte length of the first lines of a file."""
    total = 0
    with open(path, "rb") as handle:
        for _ in range(lines):
            total += len(handle.readline())
    return total


def _check_legacy_files(store: Store, converted: dict[str, Any], report: VerifyReport) -> None:
    """The old per-day files kept verbatim must still end at the head the migration recorded."""
    try:
        head, intact = audit.legacy_head(audit.legacy_entries(store.layout))
    except StoreCorrupt as exc:
        report.add("audit", exc.path, "旧审计文件无法读取", "an old audit file is unreadable")
        return
    if head != converted.get("head", "") or (converted.get("intact") and not intact):
        report.add(
            "audit",
            store.layout.audit_dir,
            "旧审计文件与迁移时记录的哈希不符",
            "the old audit files no longer end at the hash recorded when they were converted",
        )


def _check_legacy_chain(store: Store, meta: dict[str, Any], report: VerifyReport) -> None:
    """A schema-1 store (an old backup): its per-day audit files, chained the old way."""
    try:
        found = audit.legacy_entries(store.layout)
    except StoreCorrupt as exc:
        report.add("audit", exc.path, "审计文件无法读取", "an audit file is unreadable")
        return
    report.files += len(store.layout.legacy_audit_files())
    head, intact = audit.legacy_head(found)
    report.entries = len(found)
    if (
        not intact
        or head != str(meta.get("audit_head") or "")
        or len(found) != int(meta.get("audit_seq") or 0)
    ):
        report.add(
            "audit",
            store.layout.audit_dir,
            "旧格式审计链断裂",
            "the old-format audit chain is broken",
        )


def block_number_of(path: Path) -> int | None:
    """The block number a block file's name says, None if it says none."""
    return int(path.stem) if path.stem.isdigit() else None


def _check_records(store: Store, meta: dict[str, Any], report: VerifyReport) -> None:
    owner: dict[int, Path] = {}
    expected: dict[str, str] = dict(meta.get("partition_sha256") or {})
    for _, path in store.layout.record_partitions():
        try:
            raw = path.read_bytes()
            part = Partition.build(path, read_object(path) or {})
        except StoreCorrupt as exc:
            report.add("file", path, f"无法读取（{exc.detail}）", f"unreadable ({exc.detail})")
            continue
        report.files += 1
        want = expected.pop(block_name(path), None)
        number = block_number_of(path)
        if number is None or any(
            block_number(r.id) != number or str(r.quarter) != path.parent.name
            for r in part.by_id.values()
        ):
            report.add(
                "records",
                path,
                "有记录不属于这个分块（编号或季度不符）",
                "holds records that do not belong in this block (id or quarter)",
            )
        if want is None:
            if "partition_sha256" in meta:
                report.add(
                    "records", path, "主文件中没有它的哈希", "no hash of it in the main file"
                )
        elif hashlib.sha256(raw).hexdigest() != want:
            report.add(
                "records",
                path,
                "内容与最后一次保存时的哈希不符（被改动过）",
                "content differs from the hash of its last save (altered)",
            )
        for record_id in part.by_id:
            if record_id in owner:
                report.add(
                    "records",
                    path,
                    f"记录编号 {record_id} 在 {block_name(owner[record_id])}.json 中也有",
                    f"record id {record_id} also appears in {block_name(owner[record_id])}.json",
                )
            owner[record_id] = path
        report.records += len(part.by_id)
    for quarter in sorted(expected):
        report.add(
            "records",
            store.layout.records_dir / f"{quarter}.json",
            "记录分区文件不见了",
            "the records partition is missing",
        )
    if owner and int(meta.get("next_record_id") or 1) <= max(owner):
        report.add(
            "records",
            store.layout.main,
            f"next_record_id 不大于已有的最大编号 {max(owner)}",
            f"next_record_id is not past the largest stored id {max(owner)}",
        )


def _check_snapshots(store: Store, meta: dict[str, Any], report: VerifyReport) -> None:
    expected: dict[str, str] = dict(meta.get("snapshot_sha256") or {})
    folder = store.layout.snapshots_dir
    found = (
        sorted(p for p in folder.glob("*.json") if TEMP_MARK not in p.name)
        if folder.is_dir()
        else []
    )
    for path in found:
        try:
            data = read_object(path) or {}
            doc = (data.get("snapshot") or {}).get("1")
        except (StoreCorrupt, AttributeError) as exc:
            report.add("file", path, f"无法读取（{exc}）", f"unreadable ({exc})")
            continue
        report.files += 1
        report.snapshots += 1
        want = expected.pop(path.stem, None)
        if want is None:
            report.add("snapshot", path, "主文件中没有它的哈希", "no hash of it in the main file")
        elif not isinstance(doc, dict) or audit.digest(doc) != want:
            report.add(
                "snapshot",
                path,
                "内容与保存时的哈希不符（被改动过）",
                "content differs from the hash saved with it (altered)",
            )
    for quarter in sorted(expected):
        report.add(
            "snapshot",
            store.layout.snapshots_dir / f"{quarter}.json",
            "快照文件不见了",
            "the snapshot file is missing",
        )
