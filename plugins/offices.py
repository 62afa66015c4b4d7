"""The order offices are listed in: the town's own, that is the order their first village was
imported in, and by pinyin for an office no village names.

Sorting by character code puts 东部 before 北部 before 城区; a town lists its offices its own way.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from store import Village


def pinyin_key(name: str) -> str:
    """name in toneless pinyin, for sorting Chinese names as people look them up."""
    from pypinyin import lazy_pinyin

    return " ".join(lazy_pinyin(name))


def office_ranks(villages: Sequence[Village]) -> dict[str, int]:
    """Each office's place in the town's order: where its first village stands in villages."""
    ranks: dict[str, int] = {}
    for village in villages:
        ranks.setdefault(village.office, len(ranks))
    return ranks


def sort_offices(offices: Iterable[str], villages: Sequence[Village]) -> list[str]:
    """offices, each once, in the town's order; those no village names follow, by pinyin."""
    ranks = office_ranks(villages)
    return sorted(set(offices), key=lambda o: (ranks.get(o, len(ranks)), pinyin_key(o), o))


def by_office(villages: Sequence[Village]) -> list[Village]:
    """villages grouped office by office in the town's order, by code within an office."""
    ranks = office_ranks(villages)
    return sorted(villages, key=lambda v: (ranks[v.office], v.code))
