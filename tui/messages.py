"""Messages the TUI's widgets and screens post to each other."""

from __future__ import annotations

from textual.message import Message

from store import Quarter


class DataChanged(Message):
    """The store changed (a record, return or decision); grids and dashboards recompute."""

    def __init__(self, quarter: Quarter | None = None) -> None:
        super().__init__()
        self.quarter = quarter


class QuarterChanged(Message):
    """The quarter on screen changed."""

    def __init__(self, quarter: Quarter) -> None:
        super().__init__()
        self.quarter = quarter


class LanguageChanged(Message):
    """The interface language changed to zh or en."""

    def __init__(self, lang: str) -> None:
        super().__init__()
        self.lang = lang
