"""The demo town 桑村镇: forty villages, 2021Q3 to 2023Q4, compliance rising past the targets.

Everything comes from one seeded random source, so two builds store the same
villages, records, returns and decisions; only the store's own timestamps differ.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from plugins.actions.quarter import freeze
from plugins.demo.events import generate_records
from plugins.demo.plan import LAST_QUARTER, QUARTERS, Trouble, TroublePlan, make_plan
from plugins.demo.villages import TOWN, make_villages
from plugins.demo.writer import RawRecord
from plugins.engine import Engine
from plugins.importing import new_record
from plugins.manager import PluginHost
from plugins.meeting import minutes
from plugins.quarters import QuarterGrid, preview, rows_of
from store import Decision, NewRecord, Quarter, Refused, Store, Village

__all__ = [
    "ATTENDEES",
    "DEMO_ACTOR",
    "DEMO_SEED",
    "LAST_QUARTER",
    "PENDING_UNIT",
    "QUARTERS",
    "RETURN_UNITS",
    "TOWN",
    "FINALIZED",
    "LATE_QUARTER",
    "DemoTown",
    "build_demo",
    "report_day",
]

DEMO_SEED = 20210702
"""The seed of the demo's random source (the date of the town's notice)."""

DEMO_ACTOR = "demo"
RETURN_UNITS: tuple[str, ...] = ("police", "judicial", "emergency", "civil")
PENDING_UNIT = "civil"
"""The unit that has not yet filed its return for the latest quarter."""
FINALIZED: tuple[Quarter, ...] = QUARTERS[:-1]
"""The quarters the meeting finalized and reported; the latest is open, its meeting ahead."""
LATE_QUARTER = Quarter(2022, 2)
"""The one quarter reported to the district after its deadline."""

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


ATTENDEES: tuple[str, ...] = (
    "镇党委副书记 王建国",
    "派出所所长 李强",
    "司法所所长 赵敏",
    "应急办主任 孙涛",
    "民政办主任 周丽",
    "综治办主任 吴刚",
)
"""Who sits in the demo's quarterly meetings of the leadership group."""
FOLLOW_UP_NOTE = "办公室已约谈村两委，责任单位上门督导，制定整改方案"
EXTENSION_NOTE = "整改涉及工程施工，经领导小组同意延期一个季度"


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


def _stamp(day: date, clock: str) -> str:
    return f"{day.isoformat()}T{clock}+08:00"


def _filed_time(quarter: Quarter) -> str:
    """When the units entered the quarter's records and filed its return: two days after it."""
    return _stamp(quarter.end + timedelta(days=2), "16:00:00")


def _finalized_time(quarter: Quarter) -> str:
    """When the meeting finalized the quarter: the end of the meeting's morning."""
    return _stamp(quarter.end + timedelta(days=3), "11:30:00")


def report_day(quarter: Quarter) -> date:
    """The day the quarter went to the district: on the deadline, except the late one."""
    deadline = quarter.report_deadline
    return deadline + timedelta(days=5) if quarter == LATE_QUARTER else deadline - timedelta(days=1)


def _decisions(rng: random.Random, villages: list[Village], plan: TroublePlan) -> list[Decision]:
    """G1 and G2 for every village and quarter, then the meeting's overrides against the data."""
    out: list[Decision] = []
    for quarter in FINALIZED:
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
        tx.clock = _stamp(QUARTERS[0].start, "08:30:00")
        if not tx.settings().town:
            tx.update_settings(town=TOWN)
        tx.set_meta(demo_seed=seed)
        for village in town.villages:
            tx.add_village(village)
        for quarter in QUARTERS:
            batch = [r for r in records if Quarter.of(r.date) == quarter]
            tx.clock = _filed_time(quarter)
            tx.add_records(batch, note=f"demo town {quarter}", at=_filed_time(quarter))
            for unit in RETURN_UNITS:
                if not (quarter == LAST_QUARTER and unit == PENDING_UNIT):
                    tx.file_return(unit, quarter, at=_filed_time(quarter))
        tx.clock = max((d.at for d in town.decisions), default=tx.clock)
        tx.add_decisions(town.decisions, note="demo meetings")
    _finalize(store, host)


def _finalize(store: Store, host: PluginHost) -> None:
    """Finalize and report every quarter but the latest, in the demo's own time, in one go.

    Each meeting's first two new rectification items get a note from the follow-up visit;
    the last item of the latest finalized quarter had its deadline extended by a quarter.
    """
    engine = Engine(store, host)
    previous: QuarterGrid | None = None
    previews = []
    for quarter in FINALIZED:
        grid = engine.grid(quarter)
        previews.append(preview(store, host, quarter, grid=grid, previous=previous))
        previous = QuarterGrid(quarter, True, rows_of(grid), grid.target)
    with store.transaction(DEMO_ACTOR) as tx:
        for pv in previews:
            quarter = pv.quarter
            held_on = quarter.end + timedelta(days=3)
            tx.clock = _stamp(held_on, "11:00:00")
            tx.record_meeting(
                {
                    "quarter": str(quarter),
                    "held_on": held_on.isoformat(),
                    "attendees": list(ATTENDEES),
                    "minutes": minutes(store, host, quarter, held_on, ATTENDEES, grid=pv.grid),
                    "actor": DEMO_ACTOR,
                    "at": _stamp(held_on, "11:00:00"),
                }
            )
            tx.clock = _finalized_time(quarter)
            done = freeze(tx, store, host, pv, at=_finalized_time(quarter))
            visit = quarter.end + timedelta(days=13)
            note = {"at": _stamp(visit, "15:00:00"), "actor": DEMO_ACTOR, "text": FOLLOW_UP_NOTE}
            tx.clock = note["at"]
            for item_id in done.opened[:2]:
                tx.update_rectification(item_id, {"notes": [note]})
            if quarter == FINALIZED[-1] and done.opened:
                longer = {"at": note["at"], "actor": DEMO_ACTOR, "text": EXTENSION_NOTE}
                tx.update_rectification(
                    done.opened[-1],
                    {"deadline": quarter.next().next().end.isoformat(), "notes": [longer]},
                )
            day = report_day(quarter)
            tx.clock = _stamp(day, "10:00:00")
            tx.set_reported(quarter, day, at=tx.clock)
