"""The store's safety tools on the command line: verify, audit, backup, restore, plugins."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import pytest

from store import Store, Village
from tests.cli_support import call_pingan
from tests.store_support import note


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A store with two villages and one record each, chosen by $PINGAN_DB."""
    path = tmp_path / "town.json"
    monkeypatch.setenv("PINGAN_DB", str(path))
    store = Store(path)
    store.init("桑村镇")
    with store.transaction("li") as tx:
        tx.add_village(Village("V01", "东庄", "东办"))
        tx.add_village(Village("V02", "西庄", "西办"))
    with store.transaction("wang") as tx:
        tx.add_records([note("V01", date(2023, 5, 1))])
        tx.add_records([note("V02", date(2023, 5, 2))])
    return path


def test_verify_passes_then_names_a_changed_byte(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = call_pingan(["--lang", "en", "verify"], capsys)
    assert code == 0 and "intact" in out
    [log] = Store(db).layout.audit_logs()
    data = bytearray(log.read_bytes())
    at = data.index(b'"wang"') + 1
    data[at] = ord("x")
    log.write_bytes(bytes(data))
    code, _, err = call_pingan(["--lang", "en", "verify"], capsys)
    assert code == 1 and str(log) in err


def test_audit_filters_and_formats(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = call_pingan(["audit", "--village", "V02", "--format", "json"], capsys)
    assert code == 0
    entries = json.loads(out)
    assert [e["action"] for e in entries] == ["village.add", "record.add"]
    code, out, _ = call_pingan(["audit", "--user", "li", "--format", "csv"], capsys)
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and {r["actor"] for r in rows} == {"li"} and len(rows) == 2
    code, out, _ = call_pingan(["--lang", "en", "audit", "--since", "2000-01-01"], capsys)
    assert code == 0 and "record:" in out and "operator" in out
    code, out, _ = call_pingan(["audit", "--since", "2999-01-01", "--format", "json"], capsys)
    assert code == 0 and json.loads(out) == []
    code, _, _ = call_pingan(["audit", "--since", "yesterday"], capsys)
    assert code == 2


def test_backup_then_restore_sets_the_current_store_aside(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "copy.zip"
    code, out, _ = call_pingan(["--lang", "en", "backup", "-o", str(target)], capsys)
    assert code == 0 and str(target) in out and target.is_file()
    with Store(db).transaction("li") as tx:
        tx.add_village(Village("V03", "南庄", "东办"))
    code, out, _ = call_pingan(["--lang", "en", "restore", str(target)], capsys)
    assert code == 0 and "set-aside" in out
    assert [v.code for v in Store(db).open().villages()] == ["V01", "V02"]
    assert any(p.name.startswith("town.json.set-aside-") for p in tmp_path.iterdir())
    code, out, _ = call_pingan(["verify"], capsys)
    assert code == 0
    garbage = tmp_path / "garbage.zip"
    garbage.write_bytes(b"not a zip")
    code, _, err = call_pingan(["--lang", "en", "restore", str(garbage)], capsys)
    assert code == 1 and str(garbage) in err


def test_plugins_shows_each_file_and_its_hash(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = call_pingan(["--lang", "en", "plugins", "--wide"], capsys)
    assert code == 0 and "sha256" in out.splitlines()[0]
    police = next(line for line in out.splitlines() if line.startswith("police"))
    assert "plugins/builtin/police.py" in police.replace("\\", "/")
