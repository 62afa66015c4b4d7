"""Bilingual text: Chinese by default, English on request."""

from __future__ import annotations

from typing import NamedTuple

LANGS = ("zh", "en")


class Text(NamedTuple):
    """A label or message in both languages."""

    zh: str
    en: str

    def get(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh

    def format(self, **values: object) -> Text:
        return Text(self.zh.format(**values), self.en.format(**values))


def check_lang(lang: str) -> str:
    """Return lang if supported, else raise ValueError naming the choices."""
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}; choose one of {', '.join(LANGS)}")
    return lang


def local_time(stamp: str) -> str:
    """An ISO 8601 time stamp as people read it, `2024-01-03 09:30` in local time."""
    from datetime import datetime

    try:
        moment = datetime.fromisoformat(stamp)
    except ValueError:
        return stamp
    if moment.tzinfo is not None:
        moment = moment.astimezone()
    return moment.strftime("%Y-%m-%d %H:%M")
