"""The demo town 桑村镇: forty villages, 2021Q3 to 2023Q4, compliance rising past the targets.

Everything comes from one seeded random source, so two builds store the same
villages, records, returns and decisions; only the store's own timestamps differ.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from plugins.demo.events import generate_records
from plugins.demo.plan import LAST_QUARTER, QUARTERS, Trouble, TroublePlan, make_plan
from plugins.demo.villages import TOWN, make_villages
from plugins.demo.writer import RawRecord
from plugins.importing import new_record
from plugins.manager import PluginHost
from store import Decision, NewRecord, Quarter, Refused, Store, Village

__all__ = [
    "DEMO_ACTOR",
    "DEMO_SEED",
    "LAST_QUARTER",
    "PENDING_UNIT",
    "QUARTERS",
    "RETURN_UNITS",
    "TOWN",
    "DemoTown",
    "build_demo",
]

DEMO_SEED = 20210702
"""The seed of the demo's random source (the date of the town's notice)."""

DEMO_ACTOR = "demo"
RETURN_UNITS: tuple[str, ...] = ("police", "judicial", "emergency", "civil")
PENDING_UNIT = "civil"
"""The unit that has not yet filed its return for the latest quarter."""

_CADRES_REASONS = (
    "村党支部书记履职不到位，组织生活不规范",
    "村干部在低保评定中优亲厚友，群众反映强烈",
    "党员“三会一课”落实不到位",
)
_MORALS_REASONS = (
    "婚丧大操大办问题突出，移风易俗工作不力",
    "村内发生多起赡养纠纷，孝老爱亲氛围不浓",
    "环境卫生整治不力，乱搭乱建问题反弹",
)


class DemoTown:
    """The demo before it is stored: villages, trouble plan, raw records and meeting decisions."""

    def __init__(self, seed: int = DEMO_SEED) -> None:
        rng = random.Random(seed)
        self.villages: list[Village] = make_villages(rng)
        self.plan: TroublePlan = make_plan(rng, self.villages)
        self.raw_records: list[RawRecord] = generate_records(
            rng, self.villages, self.plan, QUARTERS
        )
        self.decisions: list[Decision] = _decisions(rng, self.villages, self.plan)


def _meeting_time(quarter: Quarter) -> str:
    """When the quarter's meeting sat: the third day after the quarter, in the morning."""
    day: date = quarter.end + timedelta(days=3)
    return f"{day.isoformat()}T09:30:00+08:00"


def _decisions(rng: random.Random, villages: list[Village], plan: TroublePlan) -> list[Decision]:
    """G1 and G2 for every village and quarter, then the meeting's overrides against the data."""
    out: list[Decision] = []
    for quarter in QUARTERS:
        at = _meeting_time(quarter)
        for village in villages:
            troubles = plan.troubles_of(quarter, village.code)
            for criterion, trouble, reasons in (
                ("G1", Trouble.CADRES_FAIL, _CADRES_REASONS),
                ("G2", Trouble.MORALS_FAIL, _MORALS_REASONS),
            ):
                failed = trouble in troubles
                reason = rng.choice(reasons) if failed else ""
                out.append(
                    Decision(quarter, village.code, criterion, not failed, reason, DEMO_ACTOR, at)
                )
    for o in plan.overrides:
        out.append(
            Decision(
                o.quarter,
                o.village,
                o.criterion,
                o.passed,
                o.reason,
                DEMO_ACTOR,
                _meeting_time(o.quarter),
            )
        )
    return out


def _validated(town: DemoTown, host: PluginHost) -> list[NewRecord]:
    """Each raw record parsed by its record type's schema; a refusal is a bug in the demo."""
    known = {v.code for v in town.villages}
    types = host.registry.record_types
    out: list[NewRecord] = []
    for type_name, raw in town.raw_records:
        record_type = types.get(type_name)
        if record_type is None:
            raise Refused(f"demo needs record type {type_name}, which no loaded plugin provides")
        clean, errors = record_type.validate(raw, known)
        if errors:
            reasons = "; ".join(f"{e.field}: {e.reason}" for e in errors)
            raise ValueError(f"demo generated an invalid {type_name} record: {reasons}")
        out.append(new_record(record_type, clean))
    return out


def build_demo(store: Store, host: PluginHost, seed: int = DEMO_SEED) -> None:
    """Fill an initialised, empty store with the demo town in one transaction.

    Every record is first validated by its record type's schema, so the demo
    never stores what an import would refuse.
    """
    missing = [u for u in RETURN_UNITS if u not in host.registry.units]
    if missing:
        raise Refused(f"demo needs the built-in units {', '.join(missing)}, which are not loaded")
    town = DemoTown(seed)
    records = _validated(town, host)
    with store.transaction(DEMO_ACTOR) as tx:
        if store.holds_data():
            raise Refused(
                f"{store.path}: the store already holds data; the demo needs an empty one"
            )
        if not tx.settings().town:
            tx.update_settings(town=TOWN)
        tx.set_meta(demo_seed=seed)
        for village in town.villages:
            tx.add_village(village)
        tx.add_records(records, note="demo town")
        for quarter in QUARTERS:
            for unit in RETURN_UNITS:
                if not (quarter == LAST_QUARTER and unit == PENDING_UNIT):
                    tx.file_return(unit, quarter)
        for decision in town.decisions:
            tx.decide(decision)
