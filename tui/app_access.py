"""The running app typed as PinganApp, for widgets and screens that read its store or language.

PinganApp is imported only for type checking, so modules that tui.app imports can use this too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual.dom import DOMNode

if TYPE_CHECKING:
    from tui.app import PinganApp


def pingan_app(node: DOMNode) -> PinganApp:
    """The PinganApp that node runs in."""
    return cast("PinganApp", node.app)


class PinganAccess:
    """A mixin for a widget or screen: `pingan` is its running app, typed as PinganApp."""

    __slots__ = ()

    @property
    def pingan(self) -> PinganApp:
        """The running app, with its store, plugins, engine, quarter and language."""
        return pingan_app(cast(DOMNode, self))
