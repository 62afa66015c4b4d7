"""The emergency office's (应急办) accidents and hazards of the quarter on screen."""

from __future__ import annotations

from typing import ClassVar

from plugins.builtin.views import RecordsView


class EmergencyRecords(RecordsView):
    """The quarter's accidents and hazards, filterable by village and record type."""

    RECORD_TYPES: ClassVar[tuple[str, ...]] = ("emergency.accident", "emergency.hazard")
