"""The fence around plugin data views: whatever a view's code raises ends the view, not the app.

Textual 8.2.8 hands every exception raised in a widget's compose, message handlers, timers,
callbacks or workers to the private `App._handle_exception`, which always exits. The public
hooks reach only the view's own events (`on_event`) and painting (`render`, `render_lines`),
not its messages, its children or its workers, so `FencedApp` overrides that one private
method: when the failing code belongs to a fenced view (the view, any widget inside it, or a
worker one of them started) the view's screen gets `ViewCrashed` and the app stays up. The
widget that raised stops processing messages, as Textual leaves it; the screen then replaces
the whole view with an error panel. A child widget that raises while painting is the one
case left: painting runs in the screen's loop, outside the view.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual import events
from textual._context import active_message_pump
from textual.app import App, RenderResult
from textual.dom import NoScreen
from textual.geometry import Region
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget
from textual.worker import NoActiveWorker, WorkerFailed, get_current_worker


class ViewCrashed(Message):
    """A fenced view (or something inside it) raised; posted to the screen showing the view."""

    def __init__(self, view: Widget, error: BaseException) -> None:
        super().__init__()
        self.view = view
        self.error = error


_FENCED: dict[type[Widget], type[Any]] = {}


def fence(cls: type[Widget]) -> Callable[..., Widget]:
    """A subclass of cls that `FencedApp` recognises; its own events and painting cannot raise.

    Painting runs outside the view's message loop, and a view failing in its own on_mount
    would otherwise never leave the DOM.
    """
    known = _FENCED.get(cls)
    if known is not None:
        return known
    base: Any = cls

    class FencedView(base):  # type: ignore[misc]
        async def on_event(self, event: events.Event) -> None:
            try:
                await super().on_event(event)
            except Exception as exc:  # noqa: BLE001 - plugin code may raise anything
                report(self, exc)

        def render(self) -> RenderResult:
            try:
                result: RenderResult = super().render()
            except Exception as exc:  # noqa: BLE001 - plugin code may raise anything
                report(self, exc)
                return ""
            return result

        def render_lines(self, crop: Region) -> list[Strip]:
            try:
                lines: list[Strip] = super().render_lines(crop)
            except Exception as exc:  # noqa: BLE001 - plugin code may raise anything
                report(self, exc)
                return [Strip.blank(crop.width)] * crop.height
            return lines

    FencedView.__name__ = cls.__name__
    FencedView.__qualname__ = cls.__qualname__
    FencedView.__module__ = cls.__module__
    _FENCED[cls] = FencedView
    return FencedView


def report(view: Widget, error: BaseException) -> None:
    """Tell the screen showing view that it raised error (nothing if it is no longer shown)."""
    view.log.error(f"view {type(view).__name__} raised", error)
    try:
        screen = view.screen
    except NoScreen:
        return
    screen.post_message(ViewCrashed(view, error))


def fenced_view(node: object) -> Widget | None:
    """The fenced view that node is or lies inside, if any."""
    if not isinstance(node, Widget):
        return None
    fenced = set(_FENCED.values())
    return next(
        (n for n in node.ancestors_with_self if isinstance(n, Widget) and type(n) in fenced), None
    )


def failing_node(error: Exception) -> object | None:
    """Whose code raised error: a failed worker's node, else the message pump running now."""
    if isinstance(error, WorkerFailed):
        try:
            return get_current_worker().node
        except NoActiveWorker:
            return None
    return active_message_pump.get(None)


class FencedApp(App[None]):
    """An app whose fenced plugin views cannot end it; every other error still does."""

    def _handle_exception(self, error: Exception) -> None:
        view = fenced_view(failing_node(error))
        if view is None:
            super()._handle_exception(error)
            return
        report(view, error.error if isinstance(error, WorkerFailed) else error)
