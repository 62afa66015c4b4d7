"""A read-only view of the records one quarter's grid reads, taken once for the whole grid."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from store.cache import Partition
from store.history import ByVillage
from store.models import Record
from store.quarter import Quarter


@dataclass(frozen=True, slots=True)
class QuarterWindow:
    """A quarter's records by type and by (village, type), and the history up to its end.

    The quarter's partition is taken when the window is made, so thirty thousand reads of it
    cost no path building or `stat` each; the history of a record type is read on the first
    ask and kept for the window's life. Records come as tuples so a reader cannot edit them.
    """

    quarter: Quarter
    _current: Partition
    _history: Callable[[str], Sequence[ByVillage]]
    """The records of a type in each quarter up to this one, by village (the store reads them)."""
    _read: dict[str, Sequence[ByVillage]] = field(default_factory=dict)

    def records(self, record_type: str) -> Sequence[Record]:
        """The quarter's records of one type, every village's."""
        return tuple(self._current.by_type.get(record_type, ()))

    def village_records(self, village: str, record_type: str) -> Sequence[Record]:
        """The quarter's records of one type for one village."""
        return tuple(self._current.by_village_type.get((village, record_type), ()))

    def history(self, village: str, record_type: str) -> Sequence[Record]:
        """One village's records of one type in every quarter up to and including this one."""
        quarters = self._read.get(record_type)
        if quarters is None:
            quarters = self._read[record_type] = self._history(record_type)
        return tuple(r for by_village in quarters for r in by_village.get(village, ()))
