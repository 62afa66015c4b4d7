"""The judicial office's (司法所) disputes and lawsuits of the quarter on screen."""

from __future__ import annotations

from typing import ClassVar

from plugins.builtin.views import RecordsView


class JudicialRecords(RecordsView):
    """The quarter's disputes and lawsuits, filterable by village and record type."""

    RECORD_TYPES: ClassVar[tuple[str, ...]] = ("judicial.dispute", "judicial.lawsuit")
