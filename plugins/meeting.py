"""The quarterly meeting's minutes (会议纪要) in Markdown, written from what the store holds.

Textual-free, so the command line, the TUI's meeting mode and the demo write the same minutes.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from plugins.api import STATE_NAMES, State
from plugins.criteria import BY_CODE
from plugins.engine import Engine, Grid, verdict_state
from plugins.i18n import Text, local_time
from plugins.manager import PluginHost
from plugins.offices import by_office
from store import Quarter, Store, Village


def _cell(text: str) -> str:
    """text made safe for one Markdown table cell."""
    return text.replace("|", "\\|").replace("\n", " ") or "—"


def minutes(
    store: Store,
    host: PluginHost,
    quarter: Quarter,
    held_on: date,
    attendees: Sequence[str],
    lang: str = "zh",
    grid: Grid | None = None,
) -> str:
    """The minutes: the date, who attended, the result and every decision with its reason.

    grid, when given, is the quarter's grid already computed.
    """
    town = store.settings().town
    grid = grid or Engine(store, host).grid(quarter)

    def say(zh: str, en: str) -> str:
        return Text(zh, en).get(lang)

    lines = [
        say(
            f"# {town} {quarter} 平安村创建领导小组会议纪要", f"# {town} {quarter} meeting minutes"
        ),
        "",
        say(f"- 时间：{held_on.isoformat()}", f"- Date: {held_on.isoformat()}"),
        say(f"- 出席：{'、'.join(attendees)}", f"- Present: {', '.join(attendees)}"),
        say(
            f"- 结果：达标 {grid.compliant}/{len(grid.villages)} 村",
            f"- Result: {grid.compliant}/{len(grid.villages)} villages comply",
        ),
        "",
        say("## 会议决定", "## Decisions"),
        "",
    ]
    decisions = sorted(store.decisions(quarter), key=lambda d: (d.village, d.criterion))
    if not decisions:
        lines.append(say("本次会议未作决定。", "No decisions were taken."))
        return "\n".join(lines).rstrip() + "\n"
    lines.append(
        say(
            "| 村 | 指标 | 决定 | 理由 | 决定人 | 时间 |",
            "| village | criterion | verdict | reason | by | at |",
        )
    )
    lines.append("|---|---|---|---|---|---|")
    names = {v.code: v.name for v in store.villages(active_only=False)}
    for d in decisions:
        criterion = BY_CODE[d.criterion].name.get(lang) if d.criterion in BY_CODE else ""
        parts = (
            f"{d.village} {names.get(d.village, '')}".strip(),
            f"{d.criterion} {criterion}".strip(),
            STATE_NAMES[verdict_state(d.passed)].get(lang),
            d.reason,
            d.actor,
            local_time(d.at),
        )
        lines.append("| " + " | ".join(_cell(p) for p in parts) + " |")
    return "\n".join(lines).rstrip() + "\n"


MEETING_CRITERIA: tuple[str, ...] = ("G1", "G2")
"""The criteria only the meeting decides."""


def needs_discussion(grid: Grid, village: str) -> bool:
    """Whether a village has FAIL or ERROR cells, or PENDING ones besides G1 and G2."""
    for criterion in grid.criteria:
        state = grid.cell(village, criterion).state
        if state in (State.FAIL, State.ERROR):
            return True
        if state is State.PENDING and criterion not in MEETING_CRITERIA:
            return True
    return False


def agenda(grid: Grid) -> list[Village]:
    """The meeting's order: villages to discuss office by office, then the rest for G1 and G2."""
    ordered = by_office(grid.villages)
    first = [v for v in ordered if needs_discussion(grid, v.code)]
    return first + [v for v in ordered if not needs_discussion(grid, v.code)]


def settled(store: Store, quarter: Quarter) -> set[str]:
    """The villages whose G1 and G2 the meeting has decided."""
    decided: dict[str, set[str]] = {}
    for d in store.decisions(quarter):
        decided.setdefault(d.village, set()).add(d.criterion)
    return {code for code, found in decided.items() if set(MEETING_CRITERIA) <= found}
