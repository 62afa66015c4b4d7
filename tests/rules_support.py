"""Test helpers for the rules: the test kit's town (plugins.testkit) with villages V01 and V02."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from plugins.manager import PluginHost
from plugins.schema import Kind
from plugins.testkit import Row, message, row
from plugins.testkit import Town as KitTown
from store import Quarter, Store

__all__ = ["Row", "Town", "ids", "message", "q", "row", "schema"]

VILLAGES = ("V01", "V02")


def q(text: str) -> Quarter:
    return Quarter.parse(text)


class Town(KitTown):
    """The test kit's town with the villages V01 and V02 unless told otherwise."""

    def __init__(self, store: Store, host: PluginHost, villages: Sequence[str] = VILLAGES) -> None:
        super().__init__(store, host, villages)


def ids(all_ids: Sequence[int], positions: Iterable[int]) -> tuple[int, ...]:
    """The ids at positions, sorted, as a cell lists its evidence."""
    return tuple(sorted(all_ids[i] for i in positions))


def schema(host: PluginHost, record_type: str) -> dict[str, tuple[Kind, bool, tuple[str, ...]]]:
    """A record type's fields as {name: (kind, required, enum values)}, to compare with DESIGN."""
    rtype = host.registry.record_types[record_type]
    return {f.name: (f.kind, f.required, f.choice_values()) for f in rtype.all_fields()}
