"""The fifteen criteria of 六好九无, in the order the notice gives them."""

from __future__ import annotations

from dataclasses import dataclass

from plugins.i18n import Text


@dataclass(frozen=True, slots=True)
class Criterion:
    """One criterion: its code, bilingual name and the unit that owns its data by default."""

    code: str
    name: Text
    owner: str


CRITERIA: tuple[Criterion, ...] = (
    Criterion("G1", Text("党员干部引领好", "Party cadres lead well"), "office"),
    Criterion("G2", Text("居民道德风尚好", "Good civic morals"), "office"),
    Criterion("G3", Text("矛盾纠纷化解好", "Disputes resolved well"), "judicial"),
    Criterion("G4", Text("社会治安防控好", "Public security prevention good"), "police"),
    Criterion("G5", Text("事故隐患治理好", "Hazards managed well"), "emergency"),
    Criterion("G6", Text("重点人群服务好", "Key populations served well"), "civil"),
    Criterion("N1", Text("无黑恶", "No gang or evil forces"), "police"),
    Criterion("N2", Text("无黄赌毒", "No pornography, gambling, drugs"), "police"),
    Criterion("N3", Text("无邪教", "No cults"), "police"),
    Criterion("N4", Text("无诉讼", "No litigation"), "judicial"),
    Criterion("N5", Text("无越级上访", "No skip-level petitions"), "civil"),
    Criterion("N6", Text("无群体性事件", "No mass incidents"), "police"),
    Criterion("N7", Text("无安全事故", "No safety accidents"), "emergency"),
    Criterion("N8", Text("无治安案件", "No public-security cases"), "police"),
    Criterion("N9", Text("无刑事案件", "No criminal cases"), "police"),
)

CRITERION_CODES: tuple[str, ...] = tuple(c.code for c in CRITERIA)
BY_CODE: dict[str, Criterion] = {c.code: c for c in CRITERIA}


def criterion(code: str) -> Criterion:
    """The criterion with this code (case-insensitive); ValueError naming the valid codes."""
    found = BY_CODE.get(code.upper())
    if found is None:
        raise ValueError(f"unknown criterion {code!r}; valid: {', '.join(CRITERION_CODES)}")
    return found
