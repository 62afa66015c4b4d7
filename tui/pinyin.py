"""Finding villages by name, code or pinyin (full or initials, e.g. `dz` for 东庄)."""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from functools import lru_cache

from store import Village

MAX_READINGS = 16


@lru_cache(maxsize=8192)
def readings(name: str) -> tuple[tuple[str, str], ...]:
    """The (initials, full pinyin) readings of a name, every reading of a polyphonic character.

    pypinyin's phrase dictionary alone reads 长岭 as zhangling; a villager types `cl`, so
    every reading counts (capped at MAX_READINGS combinations).
    """
    from pypinyin import Style, pinyin

    syllables = pinyin(name, style=Style.NORMAL, heteronym=True, errors="default")
    options = [list(dict.fromkeys(s.lower() for s in group if s)) or [""] for group in syllables]
    out: list[tuple[str, str]] = []
    for combo in itertools.islice(itertools.product(*options), MAX_READINGS):
        out.append(("".join(s[:1] for s in combo), "".join(combo)))
    return tuple(dict.fromkeys(out))


def rank(village: Village, query: str) -> int | None:
    """How well village matches query (lower is better), or None when it does not match."""
    text = query.strip().lower()
    if not text:
        return 9
    code = village.code.lower()
    if code == text:
        return 0
    if village.name == query.strip():
        return 1
    if code.startswith(text):
        return 2
    if village.name.startswith(query.strip()):
        return 3
    found = readings(village.name)
    if any(initials == text for initials, _ in found):
        return 4
    if any(initials.startswith(text) or full.startswith(text) for initials, full in found):
        return 5
    if query.strip() in village.name or text in code:
        return 6
    if any(text in initials or text in full for initials, full in found):
        return 7
    return None


def match_villages(villages: Iterable[Village], query: str, limit: int = 50) -> list[Village]:
    """The villages matching query, best first, then by code."""
    ranked: list[tuple[int, str, Village]] = []
    for village in villages:
        score = rank(village, query)
        if score is not None:
            ranked.append((score, village.code, village))
    ranked.sort(key=lambda item: (item[0], item[1]))
    return [village for _, _, village in ranked[:limit]]
