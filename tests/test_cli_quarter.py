"""A year of quarters through the command line: decide, finalize, reopen, report, lists,
rectification and warnings, with the JSON formats the issue made a contract."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from plugins.criteria import CRITERION_CODES
from store import NewRecord, Store, Village
from tests.cli_support import call_pingan, run_pingan

Run = pytest.CaptureFixture[str]


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "town.json"
    monkeypatch.setenv("PINGAN_DB", str(path))
    monkeypatch.setenv("PINGAN_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("PINGAN_USER", "tester")
    store = Store(path)
    store.init("桑村镇")
    with store.transaction() as tx:
        tx.add_village(Village("V01", "东庄", "东办"))
        tx.add_village(Village("V02", "西庄", "西办"))
    return path


def ok(args: list[str], capsys: Run) -> str:
    code, out, err = call_pingan(args, capsys)
    assert code == 0, err
    return out


def meeting(quarter: str, capsys: Run, fail: tuple[str, str] | None = None) -> None:
    """The meeting of a quarter: one FAIL if given, then every other cell passes with --all."""
    if fail is not None:
        village, criterion = fail
        ok(["decide", "--quarter", quarter, "--village", village, "--criterion", criterion,
            "--fail", "--reason", "复核"], capsys)  # fmt: skip
    for criterion in CRITERION_CODES:
        ok(["decide", "--quarter", quarter, "--all", "--criterion", criterion, "--pass"], capsys)


def test_a_year_of_quarters_through_the_command_line(db: Path, capsys: Run) -> None:
    code, _, err = call_pingan(["--lang", "en", "finalize", "--quarter", "2023Q1"], capsys)
    assert code == 1 and "30 PENDING cells (2 villages)" in err and "--allow-pending" in err
    meeting("2023Q1", capsys, fail=("V02", "N8"))
    out = ok(["--lang", "en", "finalize", "--quarter", "2023Q1"], capsys)
    assert "1/2 villages comply" in out and "newly compliant: V01 东庄" in out
    assert "1 rectification items opened" in out

    code, _, err = call_pingan(
        ["returns", "file", "--unit", "police", "--quarter", "2023Q1"], capsys
    )
    assert code == 1 and "2023Q1" in err and "pingan reopen --quarter 2023Q1" in err
    code, _, err = call_pingan(["reopen", "--quarter", "2023Q1"], capsys)
    assert code == 2
    ok(["reopen", "--quarter", "2023Q1", "--reason", "补录报表"], capsys)
    ok(["returns", "file", "--unit", "police", "--quarter", "2023Q1"], capsys)
    ok(["finalize", "--quarter", "2023Q1"], capsys)
    ok(["reported", "--quarter", "2023Q1", "--on", "2023-04-05"], capsys)

    [item] = json.loads(ok(["rectification", "--format", "json"], capsys))
    assert item == {
        "id": 1,
        "village": "V02",
        "criterion": "N8",
        "unit": "police",
        "opened": "2023Q1",
        "deadline": "2023-06-30",
        "status": "overdue",
        "closed": None,
        "notes": [],
    }
    ok(["rectification", "note", "1", "已督促整改"], capsys)
    ok(["rectification", "deadline", "1", "2023-09-30"], capsys)

    meeting("2023Q2", capsys)
    out = ok(["--lang", "en", "finalize", "--quarter", "2023Q2"], capsys)
    assert "newly compliant: V02 西庄" in out and "1 closed" in out
    assert json.loads(ok(["rectification", "--open", "--format", "json"], capsys)) == []
    [closed] = json.loads(ok(["rectification", "--village", "V02", "--format", "json"], capsys))
    assert (closed["status"], closed["closed"], closed["deadline"]) == (
        "closed",
        "2023Q2",
        "2023-09-30",
    )
    assert [n["text"] for n in closed["notes"]] == ["已督促整改"]

    doc = json.loads(ok(["lists", "--quarter", "2023Q1", "--format", "json"], capsys))
    assert doc == {
        "quarter": "2023Q1",
        "finalized": True,
        "positive": [{"code": "V01", "name": "东庄", "office": "东办"}],
        "negative": [
            {
                "code": "V02",
                "name": "西庄",
                "office": "西办",
                "failing": ["N8"],
                "pending": [],
                "units": ["police"],
            }
        ],
        "supervision": [],
        "public_notice": [],
        "commendation": [],
        "target": {
            "year": 2023,
            "rate": 0.85,
            "compliant": 1,
            "active": 2,
            "needed": 1,
            "closest": [{"code": "V02", "failing": ["N8"], "pending": []}],
        },
        "pending": [],
    }
    plain = ok(["--lang", "en", "lists", "--quarter", "2023Q1"], capsys)
    assert "Negative list" in plain and "1 more needed; closest: V02 1 short (N8)" in plain
    assert ok(["lists", "--quarter", "2023Q1", "--format", "csv"], capsys).splitlines()[:2] == [
        "list,code,name,office,failing,pending,units,quarters",
        "positive,V01,东庄,东办,,,,",
    ]
    assert json.loads(ok(["warnings", "--quarter", "2023Q2", "--format", "json"], capsys)) == []


def test_decide_all_skips_decided_villages_and_refuses_both_forms(db: Path, capsys: Run) -> None:
    ok(["decide", "--quarter", "2023Q1", "--village", "V01", "--criterion", "G1", "--fail",
        "--reason", "复核"], capsys)  # fmt: skip
    out = ok(["--lang", "en", "decide", "--quarter", "2023Q1", "--all", "--criterion", "G1",
              "--pass"], capsys)  # fmt: skip
    assert "V02" in out and "V01" not in out
    out = ok(["--lang", "en", "decide", "--quarter", "2023Q1", "--all", "--criterion", "G1",
              "--pass"], capsys)  # fmt: skip
    assert "every village already has a decision" in out
    out = ok(["decide", "--quarter", "2023Q1", "--village", "V01", "--village", "V02",
              "--criterion", "G2", "--pass"], capsys)  # fmt: skip
    assert out.count("G2") == 2
    both = ["decide", "--quarter", "2023Q1", "--all", "--village", "V01", "--criterion", "G3"]
    assert call_pingan([*both, "--pass"], capsys)[0] == 2
    code, _, err = call_pingan(
        ["--lang", "en", "decide", "--quarter", "2023Q1", "--village", "V01", "--village", "V09",
         "--criterion", "G3", "--pass"], capsys)  # fmt: skip
    assert code == 1 and "no village V09" in err


def test_warnings_json_is_the_contract(db: Path, capsys: Run) -> None:
    store = Store(db)
    with store.transaction() as tx:
        tx.add_records(
            [NewRecord("judicial.dispute", "V01", date(2023, 1, 2), {"status": "open"}, "judicial")]
        )
    [warning] = json.loads(
        ok(["--lang", "en", "warnings", "--quarter", "2023Q1", "--format", "json"], capsys)
    )
    assert warning == {
        "village": "V01",
        "unit": "judicial",
        "rule": "judicial.old_disputes",
        "severity": "medium",
        "message": "dispute open for 88 days (registered 2023-01-02)",
        "records": [1],
    }


def test_minutes_are_recorded_from_the_command_line_and_shown_again(db: Path, capsys: Run) -> None:
    code, out, _ = call_pingan(["minutes", "--quarter", "2023Q1"], capsys)
    assert code == 1 and "--attendee" in out
    ok(["decide", "--quarter", "2023Q1", "--village", "V01", "--criterion", "G1", "--fail",
        "--reason", "履职不到位"], capsys)  # fmt: skip
    written = ok(["--lang", "en", "minutes", "--quarter", "2023Q1", "--attendee", "王建国",
                  "--attendee", "李强", "--on", "2023-04-03"], capsys)  # fmt: skip
    assert "- Date: 2023-04-03" in written and "- Present: 王建国, 李强" in written
    assert "| fail | 履职不到位 | tester |" in written
    assert ok(["--lang", "en", "minutes", "--quarter", "2023Q1"], capsys) == written


def test_lists_of_an_open_quarter_keep_villages_that_only_wait_off_the_negative_list(
    db: Path, tmp_path: Path
) -> None:
    argv = ["decide", "--quarter", "2023Q1", "--village", "V02", "--criterion", "G1", "--fail"]
    done = run_pingan([*argv, "--reason", "履职不到位"], home=tmp_path, db=db)
    assert done.returncode == 0, done.stderr
    done = run_pingan(["--lang", "en", "lists", "--quarter", "2023Q1"], home=tmp_path, db=db)
    assert done.returncode == 0, done.stderr
    assert "Negative list 1" in done.stdout
    assert "Pending (failing nowhere, waiting) 1" in done.stdout
    assert "closest: V01 only pending (G1 G2 " in done.stdout
    assert "; V02 1 short (G1), pending G2 " in done.stdout
