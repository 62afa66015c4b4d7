"""Who acts, where and when, and the rules every action shares (permission, quarter state)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from plugins.i18n import Text
from plugins.manager import PluginHost
from plugins.refusal import Refusal, finalized
from store import Conflict, NotFound, Quarter, Refused, Store, default_actor, now_text

OFFICE_UNIT = "office"


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
        """Refuse unless the operator may change data of unit (None: the office's own data)."""
        actor = self.actor
        if actor.role is Role.OFFICE:
            return
        if actor.role is Role.UNIT and unit is not None and unit == actor.unit:
            return
        raise Refusal(
            Text(
                f"{actor.name}（{actor.unit}，{actor.role}）无权{what.zh}",
                f"{actor.name} ({actor.unit}, {actor.role}) may not {what.en}",
            )
        )

    def require_not_future(self, quarter: Quarter, what: Text) -> None:
        """Refuse a quarter that has not begun yet: nobody can file or decide it in advance."""
        current = Quarter.of(self.today)
        if quarter > current:
            raise Refusal(
                Text(
                    f"{quarter} 尚未开始（本季度是 {current}），不能{what.zh}",
                    f"{quarter} has not begun (this is {current}); cannot {what.en}",
                ),
                field="quarter",
            )

    def require_open(self, quarter: Quarter) -> None:
        """Refuse a finalized quarter, saying how to reopen it."""
        if self.store.is_locked(quarter):
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
