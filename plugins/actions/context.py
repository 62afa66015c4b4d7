"""Who acts, where and when, and the rules every action shares (permission, quarter state)."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import ParamSpec, TypeVar

from plugins.i18n import Text
from plugins.manager import PluginHost
from plugins.refusal import Refusal, finalized
from store import (
    Conflict,
    NotFound,
    Quarter,
    Refused,
    Store,
    StoreError,
    default_actor,
    now_text,
)

OFFICE_UNIT = "office"
P = ParamSpec("P")
R = TypeVar("R")


class Role(StrEnum):
    """What an operator may do: the office everything, a unit its own data, a viewer nothing."""

    OFFICE = "office"
    UNIT = "unit"
    VIEWER = "viewer"


@dataclass(frozen=True, slots=True)
class Actor:
    """The operator making a change: a name, the unit they work for and their role."""

    name: str
    unit: str = OFFICE_UNIT
    role: Role = Role.OFFICE

    @classmethod
    def current(cls) -> Actor:
        """The single-user operator: PINGAN_USER, else the login name, acting as the office."""
        return cls(default_actor())

    @classmethod
    def from_account(cls, account: dict[str, object]) -> Actor:
        """The operator of a stored account (name, unit, role)."""
        return cls(str(account["name"]), str(account["unit"]), Role(str(account["role"])))


@dataclass(slots=True)
class ActionContext:
    """Everything an action needs: the store, the loaded plugins, the operator and today."""

    store: Store
    host: PluginHost
    actor: Actor = field(default_factory=Actor.current)
    today: date = field(default_factory=date.today)
    now: Callable[[], str] = now_text
    """When a change is stamped: the clock, or a story's own time (the demo's meetings)."""

    def require(self, unit: str | None, what: Text) -> None:
        """Refuse unless the operator may change data of unit (None: the office's own data).

        The refusal is audited, so attempts beyond one's role leave a trace.
        """
        actor = self.actor
        if self.store.accounts_on() and not self._has_account():
            raise self.refused(
                what,
                Text(
                    f"{actor.name} 不是启用中的操作员账号（{actor.unit}，{actor.role}）；请先登录",
                    f"{actor.name} is not an active operator account ({actor.unit}, "
                    f"{actor.role}); log in first",
                ),
            )
        if actor.role is Role.OFFICE:
            return
        if actor.role is Role.UNIT and unit is not None and unit == actor.unit:
            return
        raise self.refused(
            what,
            Text(
                f"{actor.name}（{actor.unit}，{actor.role}）无权{what.zh}",
                f"{actor.name} ({actor.unit}, {actor.role}) may not {what.en}",
            ),
        )

    def _has_account(self) -> bool:
        """Whether the actor is an active account of the store, with that unit and role."""
        actor = self.actor
        return any(
            doc.get("name") == actor.name
            and doc.get("unit") == actor.unit
            and doc.get("role") == str(actor.role)
            and doc.get("active", True)
            for doc in self.store.users()
        )

    def refused(self, what: Text, why: Text, *, field: str = "") -> Refusal:
        """The Refusal of what, after writing an audit entry `refused` in its own transaction.

        A store that cannot take the entry (busy, full, missing) does not hide the refusal.
        """
        actor = self.actor
        try:
            with self.store.transaction(actor.name) as tx:
                tx.audit(
                    "refused",
                    what.en,
                    None,
                    {"unit": actor.unit, "role": str(actor.role), "what": what.en, "why": why.en},
                )
        except StoreError:
            pass
        refusal = Refusal(why, field=field)
        refusal.audited = True
        return refusal

    def require_not_future(self, quarter: Quarter, what: Text) -> None:
        """Refuse a quarter that has not begun yet: nobody can file or decide it in advance."""
        current = Quarter.of(self.today)
        if quarter > current:
            raise self.refused(
                what,
                Text(
                    f"{quarter} 尚未开始（本季度是 {current}），不能{what.zh}",
                    f"{quarter} has not begun (this is {current}); cannot {what.en}",
                ),
                field="quarter",
            )

    def require_open(self, quarter: Quarter) -> None:
        """Refuse a finalized quarter, saying how to reopen it."""
        if self.store.is_locked(quarter):
            raise self.refused(
                Text(f"修改 {quarter} 的数据", f"change {quarter}'s data"),
                finalized(quarter),
                field="quarter",
            )


def audited(action: Callable[P, R]) -> Callable[P, R]:
    """The action (its first argument an ActionContext), auditing every refusal it raises.

    Refusals of permission and quarter state are audited where they are raised; this adds
    the rest (a bad field, an unknown village, a stale edit), named after the action.
    """

    @functools.wraps(action)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return action(*args, **kwargs)
        except Refusal as refusal:
            ctx = args[0] if args else kwargs.get("ctx")
            if isinstance(ctx, ActionContext) and not refusal.audited:
                name = action.__name__.replace("_", " ")
                ctx.refused(Text(name, name), refusal.message)
                refusal.audited = True
            raise

    return run


def ensure_open(store: Store, quarter: Quarter) -> None:
    """Refuse a finalized quarter before work on it starts (meeting mode, finalizing)."""
    if store.is_locked(quarter):
        raise Refusal(finalized(quarter), field="quarter")


@contextmanager
def writing() -> Iterator[None]:
    """Turn the store's own refusals inside a transaction into a bilingual Refusal."""
    try:
        yield
    except Conflict as exc:
        raise Refusal(
            Text(
                f"这条记录刚被别人修改过，未保存（{exc}）。请关闭后重新打开再改。",
                f"Someone else changed this record meanwhile; nothing was saved ({exc}). "
                "Close and reopen it.",
            )
        ) from None
    except (NotFound, Refused) as exc:
        raise Refusal(Text(f"未保存：{exc.message.zh}", f"not saved: {exc.message.en}")) from None
