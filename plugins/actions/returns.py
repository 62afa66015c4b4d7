"""Filing and withdrawing a unit's quarterly return (季度报表)."""

from __future__ import annotations

from dataclasses import dataclass

from plugins.actions.context import ActionContext, audited, writing
from plugins.api import UnitSpec
from plugins.i18n import Text
from plugins.refusal import Refusal
from store import Quarter


@dataclass(frozen=True, slots=True)
class ReturnChanged:
    """A unit's return for a quarter; changed is False when it was already so."""

    unit: UnitSpec
    quarter: Quarter
    changed: bool


def returning_unit(ctx: ActionContext, code: str) -> UnitSpec:
    """The unit of that code if it files returns; else a Refusal naming the units that do."""
    units = ctx.host.registry.units
    filing = sorted(u.code for u in units.values() if u.files_returns)
    unit = units.get(code)
    if unit is None:
        raise Refusal(
            Text(
                f"没有单位 {code}；报送季度报表的单位：{'、'.join(filing)}",
                f"unknown unit {code}; units that file returns: {', '.join(filing)}",
            ),
            field="unit",
        )
    if not unit.files_returns:
        raise Refusal(
            Text(
                f"{code}（{unit.name.zh}）不报送季度报表；报送的单位：{'、'.join(filing)}",
                f"{code} ({unit.name.en}) files no quarterly returns; units that do: "
                f"{', '.join(filing)}",
            ),
            field="unit",
        )
    return unit


@audited
def file_return(ctx: ActionContext, unit_code: str, quarter: Quarter) -> ReturnChanged:
    """Record that the unit filed its return for the quarter (a zero report if nothing happened)."""
    unit = returning_unit(ctx, unit_code)
    ctx.require(unit.code, Text(f"报送 {unit.code} 的季度报表", f"file {unit.code}'s return"))
    ctx.require_not_future(quarter, Text("报送该季度报表", "file its return"))
    ctx.require_open(quarter)
    with writing(), ctx.store.transaction(ctx.actor.name) as tx:
        filed = tx.file_return(unit.code, quarter, at=ctx.now())
    return ReturnChanged(unit, quarter, filed)


@audited
def withdraw_return(ctx: ActionContext, unit_code: str, quarter: Quarter) -> ReturnChanged:
    """Take back a filed return, so the unit's cells wait for it again; refused if none."""
    unit = returning_unit(ctx, unit_code)
    ctx.require(unit.code, Text(f"撤回 {unit.code} 的季度报表", f"withdraw {unit.code}'s return"))
    ctx.require_open(quarter)
    with writing(), ctx.store.transaction(ctx.actor.name) as tx:
        if not tx.withdraw_return(unit.code, quarter):
            raise Refusal(
                Text(
                    f"{unit.code} 没有报送 {quarter} 季度报表，无可撤回",
                    f"{unit.code} has not filed {quarter}; nothing to withdraw",
                ),
                field="quarter",
            )
    return ReturnChanged(unit, quarter, True)
