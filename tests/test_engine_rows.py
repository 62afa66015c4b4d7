"""A grid brought up to date row by row equals the grid computed whole, after any change."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from plugins import actions
from plugins.actions import ActionContext, Actor, Refusal
from plugins.engine import Engine, Grid
from plugins.manager import PluginHost
from store import Quarter, Store, Village

Q1, Q2 = Quarter(2022, 1), Quarter(2022, 2)
VILLAGES = tuple(Village(f"V{n:02d}", f"村{n}", f"片{n % 2}") for n in range(6))
STEPS = 60


def random_record(rng: random.Random, quarter: Quarter) -> tuple[str, dict[str, Any]]:
    """A record of a type some check reads, with fields that pass or fail it."""
    village = rng.choice(VILLAGES).code
    day = quarter.start + timedelta(days=rng.randrange(85))
    kind = rng.randrange(6)
    base: dict[str, Any] = {"village": village, "date": day}
    if kind == 0:
        return "police.patrol", base
    if kind == 1:
        tags = rng.sample(["gang", "drugs", "cult", "homicide"], rng.randrange(2))
        return "police.case", {**base, "kind": rng.choice(["criminal", "security"]), "tags": tags}
    if kind == 2:
        return "emergency.accident", {**base, "category": "fire"}
    if kind == 3:
        deadline = day + timedelta(days=rng.randrange(-10, 60))
        rectified = day + timedelta(days=rng.randrange(0, 90)) if rng.random() < 0.6 else None
        fields = {**base, "deadline": deadline, "major": rng.random() < 0.3}
        if rectified is not None:
            fields["rectified_on"] = rectified
        return "emergency.hazard", fields
    if kind == 4:
        fields = {**base, "category": "land", "status": rng.choice(["open", "resolved"])}
        if rng.random() < 0.2:
            fields["turned_criminal"] = True
        return "judicial.dispute", fields
    return "civil.petition", {**base, "level": "town", "skip_level": rng.random() < 0.3}


def change(ctx: ActionContext, rng: random.Random) -> tuple[Quarter, tuple[str, ...] | None]:
    """One random change through the actions: the quarter it touched and the villages it
    touched (None when it touches every row: a return filed or withdrawn).
    """
    quarter = rng.choice((Q1, Q2))
    roll = rng.random()
    if roll < 0.6:
        type_name, fields = random_record(rng, quarter)
        saved = actions.add_record(ctx, type_name, fields)
        return quarter, (saved.record.village,)
    if roll < 0.7:
        stored = ctx.store.records(quarter)
        if stored:
            record = rng.choice(stored)
            actions.delete_record(ctx, record.id, reason="test", expected_rev=record.rev)
            return quarter, (record.village,)
        return quarter, ()
    if roll < 0.85:
        decided = ctx.store.decisions(quarter)
        if decided and rng.random() < 0.3:
            d = rng.choice(decided)
            actions.withdraw_decision(ctx, quarter, d.village, d.criterion)
            return quarter, (d.village,)
        village = rng.choice(VILLAGES).code
        criterion = rng.choice(["G1", "G2", "G4", "N7"])
        actions.decide(ctx, quarter, village, criterion, rng.random() < 0.5, "test", replace=True)
        return quarter, (village,)
    filed = sorted(ctx.store.filed_units(quarter))
    if filed and rng.random() < 0.3:
        actions.withdraw_return(ctx, rng.choice(filed), quarter)
    else:
        actions.file_return(ctx, rng.choice(["police", "judicial", "emergency", "civil"]), quarter)
    return quarter, None


def same(a: Grid, b: Grid) -> bool:
    return a.villages == b.villages and a.cells == b.cells and a.errors == b.errors


def test_rows_recomputed_after_random_changes_equal_a_full_recompute(
    store: Store, host: PluginHost
) -> None:
    rng = random.Random(20221)
    ctx = ActionContext(store, host, Actor("tester"), today=date(2023, 1, 15))
    with store.transaction("setup") as tx:
        for village in VILLAGES:
            tx.add_village(village)
    engine = Engine(store, host)
    grids = {q: engine.grid(q) for q in (Q1, Q2)}
    rows_only = 0
    for step in range(STEPS):
        try:
            quarter, villages = change(ctx, rng)
        except Refusal:
            continue
        for shown in (Q1, Q2):
            if villages is None or shown < quarter:
                touched: tuple[str, ...] = ()
            else:
                touched = villages
            updated = engine.update_rows(grids[shown], touched)
            full = engine.grid(shown)
            assert same(updated, full), f"step {step}: {shown} row by row differs from whole"
            rows_only += updated.basis == grids[shown].basis
            grids[shown] = updated
    assert rows_only > STEPS, "too few changes were brought up to date row by row"
