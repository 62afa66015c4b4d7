"""A read-only view of the records one quarter's grid reads, taken once for the whole grid."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from store.cache import Partition
from store.models import Record
from store.quarter import Quarter


@dataclass(frozen=True, slots=True)
class QuarterWindow:
    """A quarter's records by type and by (village, type), and the history up to its end.

    The partitions are taken when the window is made, so thirty thousand reads of it cost no
    path building or `stat` each; records come as tuples so a reader cannot edit them.
    """

    quarter: Quarter
    _current: Partition
    _history: tuple[Partition, ...]

    def records(self, record_type: str) -> Sequence[Record]:
        """The quarter's records of one type, every village's."""
        return tuple(self._current.by_type.get(record_type, ()))

    def village_records(self, village: str, record_type: str) -> Sequence[Record]:
        """The quarter's records of one type for one village."""
        return tuple(self._current.by_village_type.get((village, record_type), ()))

    def history(self, village: str, record_type: str) -> Sequence[Record]:
        """One village's records of one type in every quarter up to and including this one."""
        key = (village, record_type)
        return tuple(r for part in self._history for r in part.by_village_type.get(key, ()))
