"""A small hand-built town for the report tests: figures known by heart."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from plugins.actions import ActionContext, Actor
from plugins.actions.quarter import finalize
from plugins.manager import PluginHost
from store import Decision, NewRecord, Quarter, Store, Village

Q1, Q2 = Quarter(2024, 1), Quarter(2024, 2)
TODAY = date(2024, 5, 10)
UNITS = ("police", "judicial", "emergency", "civil")


def small_town(folder: Path, host: PluginHost) -> ActionContext:
    """Three villages in 2024Q1, finalized: 西关 complies, 东庄 has a criminal case (N9),
    南楼 an accident (N7); 2024Q2 is open with nothing filed."""
    store = Store(folder / "town.json")
    store.init("桑村镇")
    villages = (
        ("V01", "西关", "城区办事处"),
        ("V02", "东庄", "东部办事处"),
        ("V03", "南楼", "城区办事处"),
    )
    with store.transaction("setup") as tx:
        for code, name, office in villages:
            tx.add_village(Village(code, name, office))
    records = [
        NewRecord("police.patrol", code, date(2024, 2, day), {"participants": 2}, "police")
        for code, _, _ in villages
        for day in range(1, 7)
    ]
    records.append(
        NewRecord(
            "police.case",
            "V02",
            date(2024, 2, 9),
            {"kind": "criminal", "tags": ["fraud"], "case_no": "XA-2024-0042"},
            "police",
        )
    )
    records.append(
        NewRecord("emergency.accident", "V03", date(2024, 3, 2), {"category": "fire"}, "emergency")
    )
    with store.transaction("setup") as tx:
        tx.add_records(records)
        for unit in UNITS:
            tx.file_return(
                unit,
                Q1,
                at="2024-04-02T10:00:00+08:00" if unit != "civil" else "2024-04-08T09:00:00+08:00",
            )
        for code, _, _ in villages:
            for criterion in ("G1", "G2"):
                tx.decide(Decision(Q1, code, criterion, True, "", "t", "2024-04-03T09:00:00+08:00"))
    ctx = ActionContext(store.open(), host, Actor("tester"), TODAY)
    finalize(ctx, Q1)
    return ctx
