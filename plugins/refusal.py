"""The one error every action raises when it refuses a change, in both languages."""

from __future__ import annotations

from pathlib import Path

from plugins.i18n import Text
from store import Quarter


class Refusal(Exception):
    """A change refused, with why in both languages and, where it applies, file, line and field.

    str() is the English, so logs and tracebacks stay readable; interfaces call `render`.
    """

    def __init__(
        self,
        message: Text,
        *,
        path: Path | str | None = None,
        line: int | None = None,
        field: str = "",
    ) -> None:
        self.message = message
        self.path = path
        self.line = line
        self.field = field
        self.audited = False
        """Whether the refusal is already in the audit log (set by the actions layer)."""
        super().__init__("\n".join(self.render("en")))

    def where(self) -> str:
        """`FILE:LINE: field: ` as far as known, else empty."""
        parts = []
        if self.path is not None:
            parts.append(str(self.path) if self.line is None else f"{self.path}:{self.line}")
        if self.field:
            parts.append(self.field)
        return "".join(f"{part}: " for part in parts)

    def render(self, lang: str) -> list[str]:
        """The lines an interface shows for this refusal, in lang."""
        return [self.where() + self.message.get(lang)]


def finalized(quarter: Quarter) -> Text:
    """Why a finalized quarter's data cannot change, and how to reopen it."""
    return Text(
        f"{quarter} 已定稿，数据已锁定；要修改请先用 `pingan reopen --quarter {quarter} "
        "--reason 理由` 重新打开",
        f"{quarter} is finalized and its data locked; reopen it first with "
        f"`pingan reopen --quarter {quarter} --reason TEXT`",
    )
