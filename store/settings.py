"""Town settings: name, yearly targets, rule thresholds, language and key map."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

DEFAULT_TARGETS: dict[str, float] = {"2021": 0.60, "2022": 0.70, "2023": 0.85}


@dataclass(frozen=True, slots=True)
class Settings:
    """A read-only view of the settings document."""

    town: str = ""
    targets: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_TARGETS))
    thresholds: dict[str, float] = field(default_factory=dict)
    lang: str = "zh"
    keymap: dict[str, str] = field(default_factory=dict)
    backups_kept: int = 14
    disabled_plugins: tuple[str, ...] = ()
    """Plugins this town turned off (`pingan plugins disable NAME`), by name."""

    def target(self, year: int) -> float:
        """The target for a year: its own, else the latest earlier one, else the first."""
        known = sorted((int(y), rate) for y, rate in self.targets.items())
        if not known:
            return 0.0
        chosen = known[0][1]
        for known_year, rate in known:
            if known_year <= year:
                chosen = rate
        return chosen

    def threshold(self, name: str, default: float) -> float:
        return float(self.thresholds.get(name, default))

    def to_doc(self) -> dict[str, Any]:
        return {
            "town": self.town,
            "targets": self.targets,
            "thresholds": self.thresholds,
            "lang": self.lang,
            "keymap": self.keymap,
            "backups_kept": self.backups_kept,
            "disabled_plugins": list(self.disabled_plugins),
        }

    @classmethod
    def from_doc(cls, doc: dict[str, Any] | None) -> Settings:
        doc = doc or {}
        return cls(
            town=doc.get("town", ""),
            targets={str(k): float(v) for k, v in (doc.get("targets") or DEFAULT_TARGETS).items()},
            thresholds={str(k): float(v) for k, v in (doc.get("thresholds") or {}).items()},
            lang=doc.get("lang", "zh"),
            keymap=dict(doc.get("keymap") or {}),
            backups_kept=_positive(doc.get("backups_kept", 14)),
            disabled_plugins=tuple(sorted({str(n) for n in doc.get("disabled_plugins") or ()})),
        )


def _positive(value: Any) -> int:
    """A whole number of at least 1; ValueError otherwise."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"backups_kept must be a whole number of at least 1, not {value!r}")
    return value
