"""Recording the quarterly meeting: who attended, when, and its minutes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from plugins.actions.context import ActionContext, audited, writing
from plugins.i18n import Text
from plugins.meeting import minutes
from plugins.refusal import Refusal
from store import Quarter

MEET = Text("登记会议", "record a meeting")


@dataclass(frozen=True, slots=True)
class MeetingRecorded:
    """A meeting as stored: its id and the minutes written from the quarter's decisions."""

    id: int
    quarter: Quarter
    held_on: date
    attendees: tuple[str, ...]
    minutes: str


@audited
def record_meeting(
    ctx: ActionContext,
    quarter: Quarter,
    attendees: Sequence[str],
    held_on: date | None = None,
    lang: str = "zh",
) -> MeetingRecorded:
    """Store the meeting with its attendees and its minutes (Markdown), before finalizing."""
    ctx.require(None, MEET)
    ctx.require_open(quarter)
    people = tuple(dict.fromkeys(a.strip() for a in attendees if a.strip()))
    if not people:
        raise Refusal(
            Text("请写明出席人员（--attendee）", "name who attended (--attendee)"),
            field="attendee",
        )
    day = held_on or ctx.today
    if day <= quarter.start:
        raise Refusal(
            Text(
                f"会议日期 {day} 早于 {quarter} 开始",
                f"the meeting day {day} lies before {quarter} began",
            ),
            field="on",
        )
    text = minutes(ctx.store, ctx.host, quarter, day, people, lang)
    doc = {
        "quarter": str(quarter),
        "held_on": day.isoformat(),
        "attendees": list(people),
        "minutes": text,
        "actor": ctx.actor.name,
        "at": ctx.now(),
    }
    with writing(), ctx.store.transaction(ctx.actor.name) as tx:
        meeting_id = tx.record_meeting(doc)
    return MeetingRecorded(meeting_id, quarter, day, people, text)
