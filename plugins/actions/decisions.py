"""The meeting's decisions on cells: a fail or one against the data only with a reason."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from plugins.actions.context import ActionContext, audited, writing
from plugins.api import STATE_NAMES, State
from plugins.criteria import CRITERION_CODES
from plugins.engine import Engine, verdict_state
from plugins.i18n import Text, local_time
from plugins.refusal import Refusal
from store import Decision, Quarter, Transaction, Village

DECIDE = Text("登记会议决定", "record meeting decisions")


@dataclass(frozen=True, slots=True)
class DecisionMade:
    """A decision as stored, the one it replaced (if any) and what the data said."""

    decision: Decision
    village: Village
    replaced: Decision | None
    data_state: State


@dataclass(frozen=True, slots=True)
class DecisionWithdrawn:
    """The decision that was taken back; the cell follows the data again."""

    decision: Decision
    village: Village


def _village(ctx: ActionContext, code: str) -> Village:
    village = ctx.store.village(code)
    if village is None:
        raise Refusal(Text(f"没有代码为 {code} 的村", f"no village {code}"), field="village")
    return village


def _criterion(code: str) -> str:
    upper = code.strip().upper()
    if upper not in CRITERION_CODES:
        raise Refusal(
            Text(
                f"没有指标 {code!r}；可用：{'、'.join(CRITERION_CODES)}",
                f"unknown criterion {code!r}; valid: {', '.join(CRITERION_CODES)}",
            ),
            field="criterion",
        )
    return upper


def verdict_words(passed: bool) -> Text:
    """达标/不达标 (pass/fail) for a decision."""
    return STATE_NAMES[verdict_state(passed)]


def _prepared(
    ctx: ActionContext, quarter: Quarter, village: Village, code: str, passed: bool, reason: str
) -> tuple[Decision, State]:
    """The decision to store and what the data says.

    Refused without a reason (blank counts as none) when it fails the cell or goes against
    the data, so that the minutes and the report can say why a village was failed.
    """
    cell = Engine(ctx.store, ctx.host).cell(quarter, village.code, code)
    data_says = STATE_NAMES[cell.data_state]
    where = f"{quarter} {village.code} {code}"
    if not passed and not reason and not cell.against_data(passed):
        raise Refusal(
            Text(
                f"{where}：判为不达标须写明理由（--reason），理由不能为空",
                f"{where}: a fail needs a reason (--reason); the reason cannot be blank",
            ),
            field="reason",
        )
    if cell.against_data(passed) and not reason:
        raise Refusal(
            Text(
                f"{where}：数据显示{data_says.zh}，与此决定相反，请写明理由（--reason）",
                f"{where}: the data says {data_says.en}; a decision against the data "
                "needs a reason (--reason)",
            ),
            field="reason",
        )
    decision = Decision(quarter, village.code, code, passed, reason, ctx.actor.name, ctx.now())
    return decision, cell.data_state


def _store(tx: Transaction, decision: Decision, replace: bool) -> Decision | None:
    """Store decision inside tx; refused when it would replace one and replace is not set."""
    where = f"{decision.quarter} {decision.village} {decision.criterion}"
    earlier = tx.decision(decision.quarter, decision.village, decision.criterion)
    if earlier is not None and not replace:
        was, when = verdict_words(earlier.passed), local_time(earlier.at)
        raise Refusal(
            Text(
                f"{where} 已有会议决定：{was.zh}（{earlier.actor}，{when}）；"
                "要改为新的决定请加 --replace",
                f"{where} already has a decision: {was.en} ({earlier.actor}, {when}); "
                "add --replace to replace it",
            ),
            field="criterion",
        )
    tx.decide(decision)
    return earlier


@audited
def decide(
    ctx: ActionContext,
    quarter: Quarter,
    village_code: str,
    criterion: str,
    passed: bool,
    reason: str = "",
    *,
    replace: bool = False,
) -> DecisionMade:
    """Record the meeting's verdict on one cell.

    A fail or a verdict against the data needs a reason; one that would replace an earlier decision
    is refused, naming it, unless replace is set.
    """
    [made] = decide_many(ctx, quarter, [village_code], criterion, passed, reason, replace=replace)
    return made


@audited
def decide_many(
    ctx: ActionContext,
    quarter: Quarter,
    village_codes: Sequence[str],
    criterion: str,
    passed: bool,
    reason: str = "",
    *,
    replace: bool = False,
) -> list[DecisionMade]:
    """Record one verdict on one criterion for several villages, all of them or none."""
    ctx.require(None, DECIDE)
    code = _criterion(criterion)
    villages = [_village(ctx, c) for c in village_codes]
    ctx.require_not_future(quarter, Text("登记该季度的会议决定", "decide on it"))
    ctx.require_open(quarter)
    reason = reason.strip()
    prepared = [(v, *_prepared(ctx, quarter, v, code, passed, reason)) for v in villages]
    made: list[DecisionMade] = []
    with writing(), ctx.store.transaction(ctx.actor.name) as tx:
        for village, decision, data_state in prepared:
            earlier = _store(tx, decision, replace)
            made.append(DecisionMade(decision, village, earlier, data_state))
    return made


def undecided(ctx: ActionContext, quarter: Quarter, criterion: str) -> list[str]:
    """The active villages without a decision on criterion in quarter (what --all decides)."""
    code = _criterion(criterion)
    decided = {d.village for d in ctx.store.decisions(quarter) if d.criterion == code}
    return [v.code for v in ctx.store.villages(active_only=True) if v.code not in decided]


@audited
def withdraw_decision(
    ctx: ActionContext, quarter: Quarter, village_code: str, criterion: str
) -> DecisionWithdrawn:
    """Take back the meeting's decision on a cell; refused if there is none."""
    ctx.require(None, DECIDE)
    code = _criterion(criterion)
    village = _village(ctx, village_code)
    ctx.require_open(quarter)
    with writing(), ctx.store.transaction(ctx.actor.name) as tx:
        earlier = tx.decision(quarter, village.code, code)
        if earlier is None:
            raise Refusal(
                Text(
                    f"{quarter} {village.code} {code} 没有会议决定，无可撤回",
                    f"{quarter} {village.code} {code} has no decision to withdraw",
                ),
                field="criterion",
            )
        tx.withdraw_decision(quarter, village.code, code)
    return DecisionWithdrawn(earlier, village)
