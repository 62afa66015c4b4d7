"""Messages the TUI's widgets and screens post to each other."""

from __future__ import annotations

from textual.message import Message

from plugins.engine import Grid
from store import Quarter


class DataChanged(Message):
    """The store changed (a record, return or decision) at quarter, or anywhere when None."""

    def __init__(self, quarter: Quarter | None = None) -> None:
        super().__init__()
        self.quarter = quarter


class QuarterChanged(Message):
    """The quarter on screen changed."""

    def __init__(self, quarter: Quarter) -> None:
        super().__init__()
        self.quarter = quarter


class GridReady(Message):
    """A grid computed in a worker; `request` orders it, `revision` is the store's it read."""

    def __init__(self, grid: Grid, request: int, revision: int = 0) -> None:
        super().__init__()
        self.grid = grid
        self.request = request
        self.revision = revision


class StoreMoved(Message):
    """Another process changed the store: its revision is newer than the grid on screen."""

    def __init__(self, revision: int) -> None:
        super().__init__()
        self.revision = revision


class GridFailed(Message):
    """Computing the grid of a quarter raised; `reason` says why in one line."""

    def __init__(self, quarter: Quarter, request: int, reason: str) -> None:
        super().__init__()
        self.quarter = quarter
        self.request = request
        self.reason = reason


class GridsSettled(Message):
    """The grid on screen and the previous quarter's, prefetched, are in: the app is idle."""
