"""`pingan settings`: thresholds, targets, language and key overrides change what pingan does."""

from __future__ import annotations

from pathlib import Path

import pytest

from store import Store, Village
from tests.cli_support import call_pingan
from tests.store_support import data_revision


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A store with one village whose police filed 2022Q2 with 6 patrols."""
    path = tmp_path / "town.json"
    monkeypatch.setenv("PINGAN_DB", str(path))
    store = Store(path)
    store.init("桑村镇")
    with store.transaction() as tx:
        tx.add_village(Village("V01", "东庄", "东办"))
    return path


def _g4(capsys: pytest.CaptureFixture[str], quarter: str = "2022Q2") -> str:
    code, out, _ = call_pingan(["grid", "--quarter", quarter, "--format", "csv"], capsys)
    assert code == 0
    header, row = out.splitlines()[:2]
    return dict(zip(header.split(","), row.split(","), strict=True))["G4"]


def test_a_threshold_set_on_the_command_line_changes_the_grid(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    patrols = tmp_path / "patrols.csv"
    patrols.write_text("date,village,participants\n" + "2022-05-10,V01,3\n" * 6, encoding="utf-8")
    assert (
        call_pingan(["records", "import", str(patrols), "--type", "police.patrol"], capsys)[0] == 0
    )
    assert (
        call_pingan(["returns", "file", "--unit", "police", "--quarter", "2022Q2"], capsys)[0] == 0
    )
    assert _g4(capsys) == "PASS"
    assert call_pingan(["settings", "set", "threshold.police.min_patrols", "7"], capsys)[0] == 0
    assert _g4(capsys) == "FAIL"
    assert call_pingan(["settings", "unset", "threshold.police.min_patrols"], capsys)[0] == 0
    assert _g4(capsys) == "PASS"


def test_targets_language_and_keys_are_stored(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for name, value in (("target.2024", "90%"), ("lang", "en"), ("key.quarter.next", "ctrl+n")):
        assert call_pingan(["settings", "set", name, value], capsys)[0] == 0
    settings = Store(db).settings()
    assert settings.target(2024) == pytest.approx(0.9)
    assert (settings.lang, settings.keymap) == ("en", {"quarter.next": "ctrl+n"})
    code, out, _ = call_pingan(["settings", "show"], capsys)
    assert code == 0 and "target.2024" in out and "threshold.police.min_patrols" in out


@pytest.mark.parametrize(
    ("name", "value", "says"),
    [
        ("threshold.police.max_patrols", "3", "no such threshold"),
        ("threshold.judicial.min_resolved_ratio", "1.5", "out of range"),
        ("threshold.police.min_patrols", "many", "not a number"),
        ("target.24", "0.9", "expected a year"),
        ("target.2024", "120%", "between 0 and 1"),
        ("lang", "fr", "fr"),
        ("key.next", "n", "binds no id"),
        ("key.grid.next_quarter", "n", "quarter.next"),
        ("colour", "red", "colour"),
    ],
)
def test_bad_settings_are_refused_and_nothing_changes(
    db: Path, capsys: pytest.CaptureFixture[str], name: str, value: str, says: str
) -> None:
    before = data_revision(Store(db))
    code, _, err = call_pingan(["--lang", "en", "settings", "set", name, value], capsys)
    assert code == 1 and says in err
    assert data_revision(Store(db)) == before
    assert Store(db).settings().target(2023) == pytest.approx(0.85)
