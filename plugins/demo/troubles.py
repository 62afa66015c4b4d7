"""The evidence of each planned trouble: records that fail exactly the trouble's criteria.

Late resolutions fall in the next quarter so they fail only the quarter they
belong to; troubles of the key populations, patrols and the meeting are not
here, they change everyday records or become decisions.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from plugins.demo import texts
from plugins.demo.plan import Trouble
from plugins.demo.writer import RecordWriter, known
from store import Quarter

TroubleWriter = Callable[[RecordWriter, Quarter, str], None]


def _security_case(w: RecordWriter, q: Quarter, v: str) -> None:
    w.case(q, v, criminal=False, tags=(), summary=w.rng.choice(texts.SECURITY_NOTES))


def _criminal_case(w: RecordWriter, q: Quarter, v: str) -> None:
    summary, tags = w.rng.choice(texts.CRIMINAL_TAGGED)
    w.case(q, v, criminal=True, tags=tags, summary=summary)


def _tagged_case(criminal: bool, tag: str, summary: str) -> TroubleWriter:
    def write(w: RecordWriter, q: Quarter, v: str) -> None:
        w.case(q, v, criminal=criminal, tags=(tag,), summary=summary)

    return write


def _dispute_backlog(w: RecordWriter, q: Quarter, v: str) -> None:
    """Four disputes of which only one is resolved within the quarter."""
    w.resolved_dispute(q, v)
    later = known(q.next().start + timedelta(days=w.rng.randint(5, 40)))
    w.add(
        "judicial.dispute",
        w.day(q, first=30, last_margin=5),
        v,
        category="land",
        status="resolved" if later else "mediating",
        resolved_on=later,
        resolved_level="town" if later else None,
        turned_criminal=False,
    )
    for status in ("mediating", "open"):
        w.add(
            "judicial.dispute",
            w.day(q, first=20),
            v,
            category=w.dispute_category(),
            status=status,
            turned_criminal=False,
        )


def _dispute_escalated(criminal: bool) -> TroubleWriter:
    """A dispute resolved above the town; one that turned criminal brings its criminal case."""

    def write(w: RecordWriter, q: Quarter, v: str) -> None:
        day = w.day(q, last_margin=20)
        w.add(
            "judicial.dispute",
            day,
            v,
            category=w.dispute_category(),
            status="resolved",
            resolved_on=day + timedelta(days=w.rng.randint(5, 15)),
            resolved_level="above",
            turned_criminal=criminal,
        )
        if criminal:
            w.case(q, v, criminal=True, tags=(), summary="邻里纠纷激化引发故意伤害（民转刑）")

    return write


def _late_hazard(w: RecordWriter, q: Quarter, v: str, *, major: bool) -> None:
    """A hazard due in the quarter and rectified only in the next one (or not yet)."""
    found = w.day(q, last_margin=40)
    w.add(
        "emergency.hazard",
        found,
        v,
        deadline=found + timedelta(days=w.rng.randint(10, 25)),
        rectified_on=known(q.next().start + timedelta(days=w.rng.randint(5, 30))),
        major=major,
        summary=w.hazard_note(major),
    )


def _hazard_late(w: RecordWriter, q: Quarter, v: str) -> None:
    w.hazard_on_time(q, v)
    _late_hazard(w, q, v, major=False)


def _hazard_major(w: RecordWriter, q: Quarter, v: str) -> None:
    _late_hazard(w, q, v, major=True)


def _accident(w: RecordWriter, q: Quarter, v: str) -> None:
    category, summary = w.rng.choice(texts.ACCIDENTS)
    deaths = 1 if category in ("drowning", "traffic") and w.rng.random() < 0.3 else 0
    w.add(
        "emergency.accident",
        w.day(q),
        v,
        category=category,
        deaths=deaths,
        injuries=w.rng.randint(0 if deaths else 1, 3),
        summary=summary,
    )


def _skip_petition(w: RecordWriter, q: Quarter, v: str) -> None:
    w.add(
        "civil.petition",
        w.day(q),
        v,
        level=w.rng.choice(("district", "city")),
        skip_level=True,
        collective=False,
        abnormal=False,
        summary="越级上访反映征地补偿问题",
    )


def _collective_petition(w: RecordWriter, q: Quarter, v: str) -> None:
    w.add(
        "civil.petition",
        w.day(q),
        v,
        level="town",
        skip_level=False,
        collective=True,
        abnormal=False,
        summary="十余名村民集体到镇反映土地流转租金问题",
    )


def _mass_incident(w: RecordWriter, q: Quarter, v: str) -> None:
    w.add(
        "police.mass_incident",
        w.day(q),
        v,
        participants=w.rng.randint(15, 60),
        summary=w.rng.choice(texts.MASS_INCIDENT_NOTES),
    )


def _lawsuit(w: RecordWriter, q: Quarter, v: str) -> None:
    w.lawsuit(q, v)


TROUBLE_WRITERS: dict[Trouble, TroubleWriter] = {
    Trouble.SECURITY_CASE: _security_case,
    Trouble.CRIMINAL_CASE: _criminal_case,
    Trouble.GAMBLING: _tagged_case(False, "gambling", "聚众赌博"),
    Trouble.DRUGS: _tagged_case(False, "drugs", "吸食毒品"),
    Trouble.GANG: _tagged_case(True, "gang", "恶势力团伙强揽工程"),
    Trouble.CULT: _tagged_case(False, "cult", "散发邪教宣传品"),
    Trouble.HOMICIDE: _tagged_case(True, "homicide", "家庭矛盾激化引发命案"),
    Trouble.MASS_INCIDENT: _mass_incident,
    Trouble.LAWSUIT: _lawsuit,
    Trouble.ACCIDENT: _accident,
    Trouble.DISPUTE_BACKLOG: _dispute_backlog,
    Trouble.DISPUTE_CRIMINAL: _dispute_escalated(True),
    Trouble.DISPUTE_ABOVE: _dispute_escalated(False),
    Trouble.HAZARD_LATE: _hazard_late,
    Trouble.HAZARD_MAJOR: _hazard_major,
    Trouble.SKIP_PETITION: _skip_petition,
    Trouble.COLLECTIVE_PETITION: _collective_petition,
}
"""Troubles that add records of their own."""
