"""One user's own preferences (the interface language), kept in the user's config folder."""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from plugins.i18n import LANGS
from store import location

FILE_NAME = "preferences.json"


def preferences_path() -> Path:
    """Where this user's preferences live."""
    return location.config_home() / FILE_NAME


def read_preferences() -> dict[str, Any]:
    """The stored preferences; an unreadable or damaged file counts as none set."""
    try:
        data = json.loads(preferences_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def user_lang() -> str | None:
    """The language this user chose, None if they never chose one."""
    lang = read_preferences().get("lang")
    return lang if lang in LANGS else None


def write_preferences(changes: dict[str, Any]) -> None:
    """Merge changes into the preferences file, replacing it whole (temp file, fsync, rename)."""
    path = preferences_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {**read_preferences(), **changes}
    fd, temp = tempfile.mkstemp(prefix=".preferences-", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle, ensure_ascii=False, indent=2)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
