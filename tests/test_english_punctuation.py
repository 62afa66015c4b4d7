"""English texts use ASCII punctuation: no full-width colon, comma or parentheses."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from plugins.manager import PluginHost
from store import Store
from tests.tui_support import build_town, make_app, screen_text, settle
from tui.screens.evidence import EvidenceScreen
from tui.text import CATALOGUE

FULL_WIDTH = "：，（）"
ROOT = Path(__file__).resolve().parent.parent
SOURCES = ("plugins", "tui", "examples")
PAIRED = frozenset({"Text", "t", "say", "warn", "text"})
"""Calls whose first two arguments are the Chinese and the English of one text."""


def english_literals(path: Path) -> list[tuple[int, str]]:
    """The string pieces of every English argument of a (zh, en) call in path."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call) or len(node.args) < 2:
            continue
        name = getattr(node.func, "id", getattr(node.func, "attr", ""))
        if name not in PAIRED:
            continue
        for piece in ast.walk(node.args[1]):
            if isinstance(piece, ast.Constant) and isinstance(piece.value, str):
                found.append((piece.lineno, piece.value))
    return found


def test_no_english_half_in_the_sources_uses_full_width_punctuation() -> None:
    files = [p for folder in SOURCES for p in sorted((ROOT / folder).rglob("*.py"))]
    assert len(files) > 100
    bad = [
        f"{path.relative_to(ROOT)}:{line}: {text!r}"
        for path in files
        for line, text in english_literals(path)
        if any(c in text for c in FULL_WIDTH)
    ]
    assert not bad, "\n".join(bad)


def test_no_english_catalogue_entry_uses_full_width_punctuation() -> None:
    bad = {key: t.en for key, t in CATALOGUE.items() if any(c in t.en for c in FULL_WIDTH)}
    assert not bad


@pytest.fixture
def town(tmp_path: Path, host: PluginHost) -> Store:
    return build_town(tmp_path / "town.json", host)


async def test_the_evidence_of_a_decided_cell_and_of_a_records_cell_reads_in_ascii(
    town: Store, host: PluginHost
) -> None:
    """西王庄 (SC002): G1 decided against the data's silence, N9 failed by a criminal case."""
    app = make_app(town, host, lang="en")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("down", "enter")
        await settle(pilot)
        assert isinstance(app.screen, EvidenceScreen)
        decided = screen_text(app)
        assert "Meeting decision: " in decided
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press(*["right"] * 14, "enter")
        await settle(pilot)
        assert isinstance(app.screen, EvidenceScreen)
        records = screen_text(app)
        assert "N9" in records and "Village: " in records
    for shown in (decided, records):
        assert not [c for c in shown if c in FULL_WIDTH], shown
