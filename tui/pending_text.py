"""Why a quarter's rate is not final, in words: which units' returns and the meeting it waits on."""

from __future__ import annotations

from rich.cells import cell_len

from plugins.i18n import Text
from plugins.manager import PluginHost
from plugins.summary import PendingCauses
from tui.text import tr

PENDING = Text("待定 {villages} 个村：{causes}", "{villages} villages pending: {causes}")
WAITING_RETURN = Text("{count} 村等{unit}报表", "{count} await {unit}'s return")
WAITING_MEETING = Text("{count} 村等会议决定", "{count} the meeting")
CAUSE_SEPARATOR = Text("，", ", ")


def pending_phrase(causes: PendingCauses, host: PluginHost, lang: str) -> str:
    """'待定 40 个村：36 村等民政办报表，40 村等会议决定', or '' when nothing is pending."""
    if not causes.villages:
        return ""
    units = host.registry.units
    parts = [
        tr(
            WAITING_RETURN,
            lang,
            count=count,
            unit=tr(units[code].name, lang) if code in units else code,
        )
        for code, count in causes.returns
    ]
    if causes.meeting:
        parts.append(tr(WAITING_MEETING, lang, count=causes.meeting))
    return tr(PENDING, lang, villages=causes.villages, causes=tr(CAUSE_SEPARATOR, lang).join(parts))


def join_phrases(phrases: list[str], width: int, gap: str = "    ") -> str:
    """phrases on as few lines of width cells as fit, breaking only between whole phrases."""
    lines: list[str] = []
    for phrase in (p for p in phrases if p):
        if lines and cell_len(lines[-1] + gap + phrase) <= width:
            lines[-1] += gap + phrase
        else:
            lines.append(phrase)
    return "\n".join(lines)
