"""The civil affairs office's (民政办) petitions and key-population rows of the quarter."""

from __future__ import annotations

from typing import ClassVar

from plugins.builtin.views import RecordsView


class CivilRecords(RecordsView):
    """The quarter's petitions and key-population rows, filterable by village and record type."""

    RECORD_TYPES: ClassVar[tuple[str, ...]] = ("civil.petition", "civil.key_population")
