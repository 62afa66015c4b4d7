"""A quarter's life cycle: finalize (freeze and open rectification), reopen, report to the district.

Also the office's edits of rectification items (deadline, notes), which belong to the
quarter that opened them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from plugins.actions.context import ActionContext, audited, writing
from plugins.api import State
from plugins.i18n import Text
from plugins.manager import PluginHost
from plugins.quarters import FinalizePreview, preview, responsible_units, snapshot_doc
from plugins.refusal import Refusal
from store import Quarter, Store, Transaction

FINALIZE = Text("定稿季度", "finalize a quarter")
REOPEN = Text("重新打开已定稿的季度", "reopen a finalized quarter")
REPORT = Text("登记向区里上报", "record the district report")
RECTIFY = Text("修改整改事项", "change rectification items")


@dataclass(frozen=True, slots=True)
class Finalized:
    """A quarter frozen: its preview, and the rectification items it opened and closed."""

    preview: FinalizePreview
    opened: list[int]
    closed: list[int]
    pending_reason: str = ""


@dataclass(frozen=True, slots=True)
class Reopened:
    """A finalized quarter opened again for changes, with the reason given."""

    quarter: Quarter
    reason: str


@dataclass(frozen=True, slots=True)
class Reported:
    """The day a quarter was reported to the district, and the day recorded before (if any)."""

    quarter: Quarter
    on: date
    earlier: date | None


@dataclass(frozen=True, slots=True)
class RectificationChanged:
    """A rectification item after an edit."""

    id: int
    item: dict[str, Any]


def _pending_refusal(pv: FinalizePreview) -> Refusal:
    cells = sum(len(v) for v in pv.pending.values())
    villages = len(pv.pending)
    units = "、".join(pv.waiting_units)
    units_en = ", ".join(pv.waiting_units)
    return Refusal(
        Text(
            f"{pv.quarter} 还有 {cells} 格待定（{villages} 个村），未报送或未决定的单位：{units}；"
            "等他们报送，或用 --allow-pending --reason 理由 定稿（这些村按不达标计）",
            f"{pv.quarter} still has {cells} PENDING cells ({villages} villages); units not "
            f"filed or decided: {units_en}; wait for them, or finalize with --allow-pending "
            "--reason TEXT (those villages then do not comply)",
        ),
        field="quarter",
    )


def default_deadline(quarter: Quarter) -> date:
    """When an item a quarter opens is due: the end of the next quarter."""
    return quarter.next().end


@audited
def finalize(
    ctx: ActionContext, quarter: Quarter, allow_pending: bool = False, reason: str = ""
) -> Finalized:
    """Freeze the quarter's grid with its evidence, lock its data and open rectification items.

    Refused while cells are PENDING unless allow_pending with a reason; items of earlier
    quarters whose village now passes that criterion close with this quarter.
    """
    ctx.require(None, FINALIZE)
    ctx.require_not_future(quarter, Text("定稿", "finalize it"))
    if ctx.store.is_locked(quarter):
        raise Refusal(
            Text(f"{quarter} 已经定稿", f"{quarter} is already finalized"), field="quarter"
        )
    reason = reason.strip()
    pv = preview(ctx.store, ctx.host, quarter)
    if pv.pending and not allow_pending:
        raise _pending_refusal(pv)
    if pv.pending and not reason:
        raise Refusal(
            Text(
                "带待定格定稿须写明理由（--reason）",
                "finalizing with PENDING cells needs a reason (--reason)",
            ),
            field="reason",
        )
    with writing(), ctx.store.transaction(ctx.actor.name) as tx:
        if (tx.snapshot(quarter) or {}).get("locked"):
            raise Refusal(Text(f"{quarter} 已经定稿", f"{quarter} is already finalized"))
        return freeze(tx, ctx.store, ctx.host, pv, at=ctx.now(), reason=reason)


def freeze(
    tx: Transaction,
    store: Store,
    host: PluginHost,
    pv: FinalizePreview,
    *,
    at: str,
    reason: str = "",
) -> Finalized:
    """Inside tx: save the locked snapshot of pv's grid and open and close rectification items.

    The rules are finalize's; only the demo, which builds its history in one go, calls this
    directly.
    """
    reason = reason if pv.pending else ""
    grid_doc, evidence = snapshot_doc(pv.grid, store)
    tx.save_snapshot(
        pv.quarter,
        grid_doc,
        locked=True,
        at=at,
        actor=tx.actor,
        pending_reason=reason,
        evidence=evidence,
    )
    opened, closed = _rectify(host, tx, pv)
    return Finalized(pv, opened, closed, reason)


def _rectify(host: PluginHost, tx: Transaction, pv: FinalizePreview) -> tuple[list[int], list[int]]:
    """Open one item per FAIL cell and close earlier items the village now passes."""
    quarter, grid = pv.quarter, pv.grid
    label = str(quarter)
    items = tx.rectification_items()
    for item_id, item in items.items():
        if item.get("closed") == label:
            tx.update_rectification(item_id, {"closed": None})
            item["closed"] = None
        elif item.get("opened") == label and item.get("closed") is None:
            still = (item["village"], item["criterion"]) in grid.cells and grid.cell(
                item["village"], item["criterion"]
            ).state is State.FAIL
            if not still:
                tx.remove_rectification(item_id)
    items = tx.rectification_items()
    closed: list[int] = []
    for item_id, item in items.items():
        key = (item["village"], item["criterion"])
        if item.get("closed") is not None or Quarter.parse(item["opened"]) >= quarter:
            continue
        if key in grid.cells and grid.cells[key].state is State.PASS:
            tx.update_rectification(item_id, {"closed": label})
            closed.append(item_id)
    existing = {(i["village"], i["criterion"]) for i in items.values() if i.get("opened") == label}
    opened: list[int] = []
    for (village, criterion), cell in grid.cells.items():
        if cell.state is not State.FAIL or (village, criterion) in existing:
            continue
        failing_units = sorted({f.unit for f in cell.findings if f.state is State.FAIL})
        owners = responsible_units(host, criterion)
        unit = failing_units[0] if failing_units else (owners[0] if owners else "")
        item = {
            "village": village,
            "criterion": criterion,
            "unit": unit,
            "opened": label,
            "deadline": default_deadline(quarter).isoformat(),
            "closed": None,
            "notes": [],
        }
        opened.append(tx.open_rectification(item))
    return opened, closed


@audited
def reopen(ctx: ActionContext, quarter: Quarter, reason: str) -> Reopened:
    """Open a finalized quarter for changes again; the reason is required and audited."""
    ctx.require(None, REOPEN)
    reason = reason.strip()
    if not reason:
        raise Refusal(
            Text("重新打开须写明理由（--reason）", "reopening needs a reason (--reason)"),
            field="reason",
        )
    with writing(), ctx.store.transaction(ctx.actor.name) as tx:
        if not tx.unlock_snapshot(quarter, reason):
            raise Refusal(
                Text(f"{quarter} 没有定稿，无需重新打开", f"{quarter} is not finalized"),
                field="quarter",
            )
    return Reopened(quarter, reason)


@audited
def mark_reported(ctx: ActionContext, quarter: Quarter, on: date | None = None) -> Reported:
    """Record the day the finalized quarter was reported to the district (default: today)."""
    ctx.require(None, REPORT)
    day = on or ctx.today
    if not ctx.store.is_locked(quarter):
        raise Refusal(
            Text(
                f"{quarter} 尚未定稿，先用 `pingan finalize --quarter {quarter}` 定稿再上报",
                f"{quarter} is not finalized; finalize it first with "
                f"`pingan finalize --quarter {quarter}`",
            ),
            field="quarter",
        )
    if day <= quarter.end:
        raise Refusal(
            Text(
                f"上报日期 {day} 不能早于季度结束（{quarter.end}）",
                f"the report date {day} lies before the quarter ended ({quarter.end})",
            ),
            field="on",
        )
    with writing(), ctx.store.transaction(ctx.actor.name) as tx:
        earlier = tx.set_reported(quarter, day, at=ctx.now())
    was = date.fromisoformat(earlier["on"]) if earlier else None
    return Reported(quarter, day, was)


def _item(ctx: ActionContext, tx: Transaction, item_id: int) -> dict[str, Any]:
    item = tx.rectification_items().get(item_id)
    if item is None:
        raise Refusal(Text(f"没有整改事项 {item_id}", f"no rectification item {item_id}"))
    return item


@audited
def set_rectification_deadline(
    ctx: ActionContext, item_id: int, deadline: date
) -> RectificationChanged:
    """Move a rectification item's deadline."""
    ctx.require(None, RECTIFY)
    with writing(), ctx.store.transaction(ctx.actor.name) as tx:
        item = _item(ctx, tx, item_id)
        tx.update_rectification(item_id, {"deadline": deadline.isoformat()})
    return RectificationChanged(item_id, {**item, "deadline": deadline.isoformat()})


@audited
def add_rectification_note(ctx: ActionContext, item_id: int, note: str) -> RectificationChanged:
    """Add a dated note to a rectification item (what was done, what is agreed)."""
    ctx.require(None, RECTIFY)
    note = note.strip()
    if not note:
        raise Refusal(Text("备注不能为空", "the note is empty"), field="note")
    with writing(), ctx.store.transaction(ctx.actor.name) as tx:
        item = _item(ctx, tx, item_id)
        notes = [*item.get("notes", []), {"at": ctx.now(), "actor": ctx.actor.name, "text": note}]
        tx.update_rectification(item_id, {"notes": notes})
    return RectificationChanged(item_id, {**item, "notes": notes})
