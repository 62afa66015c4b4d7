"""All the demo's raw records: each village's everyday quarter plus its planned troubles."""

from __future__ import annotations

import random

from plugins.demo.plan import Trouble, TroublePlan
from plugins.demo.troubles import TROUBLE_WRITERS
from plugins.demo.writer import RawRecord, RecordWriter
from store import Quarter, Village


def generate_records(
    rng: random.Random, villages: list[Village], plan: TroublePlan, quarters: tuple[Quarter, ...]
) -> list[RawRecord]:
    """Every raw record of the demo, quarter by quarter and village by village."""
    w = RecordWriter(rng)
    for quarter in quarters:
        for village in villages:
            code = village.code
            troubles = plan.troubles_of(quarter, code)
            few = Trouble.FEW_PATROLS in troubles
            w.patrols(quarter, code, rng.randint(2, 5) if few else rng.randint(6, 9))
            for _ in range(rng.choice((0, 1, 1, 2, 2, 3))):
                w.resolved_dispute(quarter, code)
            for _ in range(rng.choice((0, 1, 1, 2, 3))):
                w.hazard_on_time(quarter, code)
            for _ in range(rng.choice((0, 0, 0, 1, 1, 2))):
                w.petition(quarter, code)
            w.key_population(
                quarter,
                code,
                unserved=Trouble.KEY_POP_UNSERVED in troubles,
                incident=Trouble.KEY_POP_INCIDENT in troubles,
            )
            for kind in troubles:
                write = TROUBLE_WRITERS.get(kind)
                if write is not None:
                    write(w, quarter, code)
    return w.out
