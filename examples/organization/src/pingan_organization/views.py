"""The organization office's data view: a Textual widget, imported only when the TUI opens it."""

from __future__ import annotations

from typing import ClassVar

from plugins.builtin.views import RecordsView


class ViolationLog(RecordsView):
    """The quarter's cadre violations, filterable by village."""

    RECORD_TYPES: ClassVar[tuple[str, ...]] = ("organization.cadre_violation",)
