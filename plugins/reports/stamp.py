"""The stamp a printed report or board carries, and the check of its code against the store.

A stamp binds a quarter's grid (the finalized snapshot, or the live grid of an open quarter,
marked draft) to the audit chain head the store had when it was made. Its code is short
enough to print and type: `2026Q3-1234-9F2C-01AB-77DE-5A10` (quarter, the audit entry the
chain stood at, 16 hex of a hash over both), `2026Q3-DRAFT-1234-...` for a draft. Because
the audit chain only grows, the head a code names can be found again later, so a code stays
checkable after further work in the store; it stops matching when the quarter's snapshot
changes (reopened, finalized again) or, for a draft, when the live grid changes.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Any

from plugins.engine import Engine
from plugins.i18n import Text, local_time
from plugins.manager import PluginHost
from store import AuditEntry, Quarter, Store
from store.audit import digest

CODE_RE = re.compile(
    r"(?<![0-9A-Za-z])(\d{4}Q[1-4])-(?:(DRAFT)-)?(\d{1,12})-"
    r"([0-9A-F]{4})-([0-9A-F]{4})-([0-9A-F]{4})-([0-9A-F]{4})(?![0-9A-Za-z])",
    re.IGNORECASE,
)
"""A report code anywhere in a text (case-insensitive)."""

CODE_EXAMPLE = "2026Q3-1234-9F2C-01AB-77DE-5A10"
_SNAPSHOT_ACTIONS = ("snapshot.save", "quarter.reopen")


def code_hash(quarter: Quarter, draft: bool, snapshot_sha256: str, seq: int, head: str) -> str:
    """The 16 upper-case hex digits a code carries, over the quarter's grid hash and chain head."""
    body = "\n".join(
        (
            "pingan-report",
            str(quarter),
            "draft" if draft else "final",
            snapshot_sha256,
            str(seq),
            head,
        )
    )
    return hashlib.sha256(body.encode()).hexdigest()[:16].upper()


def format_code(quarter: Quarter, draft: bool, seq: int, hex16: str) -> str:
    """The printed form of a code: quarter, DRAFT if so, audit seq, four groups of hex."""
    groups = "-".join(hex16[i : i + 4] for i in range(0, 16, 4))
    return f"{quarter}-{'DRAFT-' if draft else ''}{seq}-{groups}"


@dataclass(frozen=True, slots=True)
class Stamp:
    """What a report was made from: the quarter's grid hash and the audit chain head then.

    snapshot_sha256 is sha256 over the finalized snapshot's canonical JSON (the hash the
    store keeps for `pingan verify`), or, when draft, over the live grid document.
    """

    quarter: Quarter
    draft: bool
    snapshot_sha256: str
    audit_seq: int
    audit_head: str
    finalized_at: str = ""

    @property
    def code(self) -> str:
        hex16 = code_hash(
            self.quarter, self.draft, self.snapshot_sha256, self.audit_seq, self.audit_head
        )
        return format_code(self.quarter, self.draft, self.audit_seq, hex16)

    def lines(self, lang: str) -> list[str]:
        """The stamp as printed at the foot of a report: code, snapshot hash, chain head."""
        when = local_time(self.finalized_at)
        kind = (
            Text("草稿（实时数据，未定稿）", "DRAFT (live data, not finalized)")
            if self.draft
            else Text(f"定稿快照（{when} 定稿）", f"finalized snapshot ({when})")
        )
        return [
            Text("核验码：", "Check code: ").get(lang) + self.code,
            Text("数据：", "Data: ").get(lang) + kind.get(lang),
            Text("快照哈希（sha256）：", "Snapshot hash (sha256): ").get(lang)
            + self.snapshot_sha256,
            Text("审计链头：", "Audit chain head: ").get(lang)
            + f"#{self.audit_seq} {self.audit_head or '-'}",
            Text(
                f"核验：pingan verify --code {self.code}",
                f"To check: pingan verify --code {self.code}",
            ).get(lang),
        ]

    def to_doc(self) -> dict[str, Any]:
        return {
            "quarter": str(self.quarter),
            "draft": self.draft,
            "snapshot_sha256": self.snapshot_sha256,
            "audit_seq": self.audit_seq,
            "audit_head": self.audit_head,
            "finalized_at": self.finalized_at,
            "code": self.code,
        }


def grid_hash(store: Store, host: PluginHost, quarter: Quarter) -> tuple[str, bool, str]:
    """(sha256, draft, finalized at) of the quarter's grid: its locked snapshot, else live."""
    snap = store.snapshot(quarter)
    if snap and snap.get("locked"):
        return digest(snap), False, str(snap.get("at", ""))
    return digest(Engine(store, host).grid(quarter).to_doc()), True, ""


def stamp_of(store: Store, host: PluginHost, quarter: Quarter) -> Stamp:
    """The stamp of the quarter as the store holds it now."""
    sha, draft, at = grid_hash(store, host, quarter)
    meta = store.main().meta
    return Stamp(
        quarter,
        draft,
        sha,
        int(meta.get("audit_seq") or 0),
        str(meta.get("audit_head") or ""),
        at,
    )


def find_codes(text: str) -> list[str]:
    """Every report code in text, normalized (upper case), in order, without repeats."""
    found: list[str] = []
    for match in CODE_RE.finditer(text):
        quarter, draft, seq, *groups = match.groups()
        code = format_code(Quarter.parse(quarter), bool(draft), int(seq), "".join(groups).upper())
        if code not in found:
            found.append(code)
    return found


@dataclass(frozen=True, slots=True)
class CodeCheck:
    """Whether a code matches the store now; quarter and when, or why not, in both languages.

    genuine says the code was made from this store at some time even where it no longer
    matches (the snapshot changed since); matches is the verdict.
    """

    code: str
    matches: bool
    message: Text
    quarter: Quarter | None = None
    draft: bool = False
    genuine: bool = False
    made_at: str = ""


def _parse(code: str) -> tuple[Quarter, bool, int, str] | None:
    match = CODE_RE.fullmatch(code.strip())
    if match is None:
        return None
    quarter, draft, seq, *groups = match.groups()
    return Quarter.parse(quarter), bool(draft), int(seq), "".join(groups).upper()


def _snapshot_changes(entries: list[AuditEntry], quarter: Quarter) -> list[AuditEntry]:
    return [e for e in entries if e.action in _SNAPSHOT_ACTIONS and e.target == str(quarter)]


def _sha_then(changes: list[AuditEntry], seq: int) -> str:
    """The snapshot hash the audit log vouched for at entry seq, or empty."""
    sha = ""
    for entry in changes:
        if entry.seq <= seq and isinstance(entry.after, dict):
            sha = str(entry.after.get("sha256") or "")
    return sha


def _change_words(entry: AuditEntry) -> Text:
    when = local_time(entry.at)
    if entry.action == "quarter.reopen":
        return Text(f"{when} 重新打开", f"reopened {when}")
    return Text(f"{when} 重新定稿", f"finalized again {when}")


def check_code(store: Store, host: PluginHost, code: str) -> CodeCheck:
    """Whether code matches the store now: which quarter and when, or why it does not."""
    parsed = _parse(code)
    if parsed is None:
        return CodeCheck(
            code,
            False,
            Text(
                f"不是报告核验码（格式如 {CODE_EXAMPLE}）：{code}",
                f"not a report code (expected like {CODE_EXAMPLE}): {code}",
            ),
        )
    quarter, draft, seq, hex16 = parsed
    code = format_code(quarter, draft, seq, hex16)
    entries = store.audit_entries()
    last = entries[-1].seq if entries else 0
    if seq > last:
        return CodeCheck(
            code,
            False,
            Text(
                f"核验码指向审计记录 #{seq}，本库只有 #{last}：不是本库出具的",
                f"the code names audit entry #{seq}, this store's log ends at #{last}: "
                "it was not made from this store",
            ),
            quarter,
            draft,
        )
    at_seq = next((e for e in entries if e.seq == seq), None)
    head = at_seq.hash if at_seq is not None else ""
    made_at = at_seq.at if at_seq is not None else ""
    made = local_time(made_at) if made_at else "-"
    sha, now_draft, finalized_at = grid_hash(store, host, quarter)
    if draft == now_draft and code_hash(quarter, draft, sha, seq, head) == hex16:
        if draft:
            message = Text(
                f"相符：{quarter} 草稿（实时数据，未定稿），"
                f"出具时库状态为审计记录 #{seq}（{made}）",
                f"matches: a DRAFT of {quarter} (live data, not finalized), made from the "
                f"store as of audit entry #{seq} ({made})",
            )
        else:
            fin = local_time(finalized_at)
            message = Text(
                f"相符：{quarter} 定稿快照（{fin} 定稿），出具时库状态为审计记录 #{seq}（{made}）",
                f"matches: {quarter} as finalized {fin}, made from the store as of audit "
                f"entry #{seq} ({made})",
            )
        return CodeCheck(code, True, message, quarter, draft, True, made_at)
    changes = _snapshot_changes(entries, quarter)
    later = [e for e in changes if e.seq > seq]
    if not draft:
        then = _sha_then(changes, seq)
        if then and code_hash(quarter, False, then, seq, head) == hex16:
            since = "；".join(_change_words(e).zh for e in later)
            since_en = "; ".join(_change_words(e).en for e in later)
            return CodeCheck(
                code,
                False,
                Text(
                    f"不相符：此件出自 {quarter} 当时的定稿快照（审计记录 #{seq}，{made}），"
                    f"此后快照已变：{since or '已改动'}",
                    f"does not match: the copy shows {quarter}'s snapshot as of audit entry "
                    f"#{seq} ({made}); the snapshot changed since: {since_en or 'altered'}",
                ),
                quarter,
                draft,
                True,
                made_at,
            )
    elif not now_draft:
        fin = local_time(finalized_at)
        return CodeCheck(
            code,
            False,
            Text(
                f"不相符：此件是 {quarter} 的草稿，该季度已于 {fin} 定稿，请以定稿报告为准",
                f"does not match: the copy is a DRAFT of {quarter}, which was finalized "
                f"{fin}; use the finalized report",
            ),
            quarter,
            draft,
        )
    else:
        return CodeCheck(
            code,
            False,
            Text(
                f"不相符：{quarter} 的实时数据自此草稿出具后已变，或核验码有误",
                f"does not match: {quarter}'s live data changed since this draft was made, "
                "or the code is mistyped",
            ),
            quarter,
            draft,
        )
    return CodeCheck(
        code,
        False,
        Text(
            f"不相符：本库中 {quarter} 没有与此核验码对应的快照（抄错，或此件不是本库出具的）",
            f"does not match: no snapshot of {quarter} in this store gives this code "
            "(mistyped, or not made from this store)",
        ),
        quarter,
        draft,
    )
