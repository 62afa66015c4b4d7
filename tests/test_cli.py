"""The `pingan` command line: a few runs through child processes, the rest through main()."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from wcwidth import wcwidth

from plugins.criteria import CRITERION_CODES
from plugins.manager import PluginHost
from store import Quarter, Store, Village
from store.storage import read_object
from tests.cli_support import (
    PROBLEM_RE,
    call_pingan,
    problems,
    run_pingan,
    write_csv,
    write_xlsx,
)

GRID_HEADER = "code,name,office,G1,G2,G3,G4,G5,G6,N1,N2,N3,N4,N5,N6,N7,N8,N9,complies"
STATE_LETTERS = {"P": "PASS", "F": "FAIL", "?": "PENDING", "E": "ERROR"}

Pingan = Callable[..., tuple[int, str, str]]


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "town.json"


@pytest.fixture
def pingan(db: Path, capsys: pytest.CaptureFixture[str]) -> Pingan:
    """Run `pingan --db DB ARGS` in this process; returns (exit code, stdout, stderr)."""

    def run(*args: str) -> tuple[int, str, str]:
        return call_pingan(["--db", str(db), *args], capsys)

    return run


def grid_rows(csv_text: str) -> dict[str, dict[str, str]]:
    return {row["code"]: row for row in csv.DictReader(io.StringIO(csv_text))}


def states(row: dict[str, str]) -> str:
    """A row's fifteen cells as letters: P pass, F fail, ? pending, E error."""
    letters = {v: k for k, v in STATE_LETTERS.items()}
    return " ".join(letters[row[c]] for c in CRITERION_CODES)


# child processes: the real entry point, exit codes and no tracebacks


def test_the_command_line_and_the_plugins_never_import_textual() -> None:
    probe = (
        "import sys, tui.cli.main; from plugins.manager import PluginHost; PluginHost.load(); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'textual'))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_first_steps_through_the_installed_command(tmp_path: Path) -> None:
    home, db = tmp_path / "home", tmp_path / "town.json"

    missing = run_pingan([], home=home, db=db)
    assert missing.returncode == 1
    assert "pingan init --town" in missing.stderr and "Traceback" not in missing.stderr

    assert run_pingan(["init", "--town", "桑村镇"], home=home, db=db).returncode == 0
    again = run_pingan(["init", "--town", "桑村镇"], home=home, db=db)
    assert again.returncode == 1 and "Traceback" not in again.stderr

    villages = write_xlsx(
        tmp_path / "villages.xlsx",
        [["code", "name", "office"], ["V01", "东庄村", "东片"], ["V02", "西庄村", "西片"]],
    )
    done = run_pingan(["villages", "import", str(villages)], home=home, db=db)
    assert done.returncode == 0, done.stderr

    bad = write_csv(
        tmp_path / "bad.csv",
        [
            ["date", "village", "kind"],
            ["2022-02-30", "V01", "security"],
            ["2022-03-01", "V09", "x"],
        ],
        bom=True,
    )
    refused = run_pingan(["records", "import", str(bad), "--type", "police.case"], home=home, db=db)
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    assert problems(refused.stderr, bad) == {(2, "date"), (3, "village"), (3, "kind")}

    good = write_csv(
        tmp_path / "cases.csv", [["date", "village", "kind"], ["2022-08-01", "V01", "刑事"]]
    )
    stored = run_pingan(["records", "import", str(good), "--type", "police.case"], home=home, db=db)
    assert stored.returncode == 0 and "2022Q3" in stored.stdout

    filed = run_pingan(
        ["returns", "file", "--unit", "police", "--quarter", "2022Q3"], home=home, db=db
    )
    assert filed.returncode == 0

    grid = run_pingan(["grid", "--format", "csv"], home=home, db=db)
    assert grid.returncode == 0
    assert grid.stdout.splitlines()[0] == GRID_HEADER
    rows = grid_rows(grid.stdout)
    assert (rows["V01"]["N9"], rows["V02"]["N9"], rows["V01"]["complies"]) == ("FAIL", "PASS", "no")

    assert run_pingan(["grid", "--quarter", "2022Q9"], home=home, db=db).returncode == 2
    assert run_pingan(["bogus"], home=home, db=db).returncode == 2


BROKEN_PLUGIN = "raise RuntimeError('the config file is missing')\n"
QA_PLUGIN = """
from plugins import Check, Text, UnitSpec, hookimpl


@hookimpl
def register_units(register):
    register(UnitSpec("qa", Text("质检", "Quality"), ("N1",)))


@hookimpl
def register_checks(register):
    def explode(ctx):
        raise ZeroDivisionError("qa rule divided by zero")

    register(Check("N1", "qa", "qa.N1", explode))
"""


def plugin_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "more-plugins"
    folder.mkdir()
    (folder / "broken.py").write_text(BROKEN_PLUGIN, encoding="utf-8")
    (folder / "qa.py").write_text(QA_PLUGIN, encoding="utf-8")
    return folder


def test_plugins_json_lists_every_plugin_with_a_failing_folder_plugin(tmp_path: Path) -> None:
    folder = plugin_folder(tmp_path)
    done = run_pingan(["--plugins-dir", str(folder), "plugins", "--json"], home=tmp_path / "home")
    assert done.returncode == 0, done.stderr
    by_name = {doc["name"]: doc for doc in json.loads(done.stdout)}
    assert by_name["broken"]["status"] == "failed"
    assert by_name["broken"]["source"] == "folder"
    assert "the config file is missing" in by_name["broken"]["reason"]
    assert (by_name["qa"]["status"], by_name["qa"]["unit"]) == ("loaded", "qa")
    assert (by_name["police"]["source"], by_name["police"]["unit"]) == ("built-in", "police")
    assert by_name["formats"]["status"] == "loaded"


def test_demo_fills_a_new_store_once_and_prints_its_grid(tmp_path: Path) -> None:
    home, db = tmp_path / "home", tmp_path / "demo.json"
    assert run_pingan(["demo", "--no-tui"], home=home, db=db).returncode == 0
    revision = Store(db).revision()
    again = run_pingan(["demo", "--no-tui"], home=home, db=db)
    assert again.returncode == 0 and "demo.json" in again.stdout
    assert Store(db).revision() == revision
    grid = run_pingan(["grid", "--quarter", "2023Q4", "--format", "json"], home=home, db=db)
    doc = json.loads(grid.stdout)
    assert doc["quarter"] == "2023Q4" and doc["total"] == len(doc["villages"]) > 0


# in-process: the rules end to end from files


def hand_made_files(folder: Path) -> dict[str, Path]:
    """A small town for 2022Q3 whose grid follows from DESIGN.md's rules by hand."""
    q3_days = [f"2022-07-{day:02d}" for day in range(1, 7)]
    files = {
        "villages": write_csv(
            folder / "villages.csv",
            [
                ["code", "name", "office"],
                ["V01", "东庄村", "东片"],
                ["V02", "西庄村", "东片"],
                ["V03", "南庄村", "西片"],
                ["V04", "北庄村", "西片"],
            ],
            bom=True,
        ),
        "police.case": write_csv(
            folder / "cases.csv",
            [
                ["date", "village", "kind", "tags"],
                ["2022-07-15", "V01", "security", "gambling"],
                ["2022-09-30", "V02", "criminal", "homicide"],
                ["2022-10-01", "V03", "criminal", "gang"],
                ["2022-06-30", "V03", "criminal", "cult"],
            ],
        ),
        "police.patrol": write_csv(
            folder / "patrols.csv",
            [["date", "village"]]
            + [[day, v] for v in ("V02", "V03", "V04") for day in q3_days]
            + [[day, "V01"] for day in q3_days[:5]],
        ),
        "police.mass_incident": write_csv(
            folder / "incidents.csv", [["date", "village"], ["2022-08-08", "V03"]]
        ),
        "judicial.dispute": write_csv(
            folder / "disputes.csv",
            [["date", "village", "category", "status", "resolved_on", "resolved_level"]]
            + [["2022-07-02", "V03", "land", "resolved", "2022-09-30", "village"]] * 9
            + [
                ["2022-09-29", "V03", "family", "open", "", ""],
                ["2022-07-03", "V01", "neighbour", "resolved", "2022-07-20", "town"],
                ["2022-07-04", "V01", "neighbour", "mediating", "", ""],
                ["2022-07-05", "V02", "labour", "resolved", "2022-08-01", "above"],
            ],
        ),
        "judicial.lawsuit": write_csv(
            folder / "lawsuits.csv", [["date", "village"], ["2022-08-08", "V02"]]
        ),
        "emergency.hazard": write_xlsx(
            folder / "hazards.xlsx",
            [
                ["date", "village", "deadline", "rectified_on", "major"],
                ["2022-05-10", "V03", "2022-06-30", None, "是"],
                ["2022-07-05", "V04", "2022-09-30", "2022-09-30", "否"],
            ],
        ),
        "emergency.accident": write_csv(
            folder / "accidents.csv",
            [["date", "village", "category"], ["2022-08-20", "V01", "traffic"]],
        ),
        "civil.petition": write_csv(
            folder / "petitions.csv",
            [
                ["date", "village", "level", "skip_level"],
                ["2022-08-01", "V02", "district", "是"],
                ["2022-08-01", "V04", "town", "否"],
            ],
        ),
        "civil.key_population": write_csv(
            folder / "key.csv",
            [
                ["date", "village", "category", "registered", "served", "incidents"],
                ["2022-08-01", "V01", "mental_disorder", "3", "2", "0"],
                ["2022-08-01", "V04", "community_correction", "2", "2", "0"],
            ],
        ),
    }
    return files


@pytest.fixture
def hand_made_town(pingan: Pingan, tmp_path: Path) -> Pingan:
    """The hand-made town imported through the command line, three of four units filed."""
    files = hand_made_files(tmp_path)
    assert pingan("init", "--town", "桑村镇")[0] == 0
    assert pingan("villages", "import", str(files.pop("villages")))[0] == 0
    for record_type, path in files.items():
        code, _, err = pingan("records", "import", str(path), "--type", record_type)
        assert code == 0, err
    for unit in ("police", "judicial", "emergency"):
        assert pingan("returns", "file", "--unit", unit, "--quarter", "2022Q3")[0] == 0
    return pingan


def test_importing_a_hand_made_town_gives_the_grid_the_rules_imply(hand_made_town: Pingan) -> None:
    pingan = hand_made_town
    for args in (
        ("V04", "G1", "--pass"),
        ("V04", "G2", "--pass"),
        ("V01", "G1", "--fail", "--reason", "缺席"),
    ):
        village, criterion, *verdict = args
        code, _, err = pingan(
            "decide",
            "--quarter",
            "2022Q3",
            "--village",
            village,
            "--criterion",
            criterion,
            *verdict,
        )
        assert code == 0, err

    code, out, _ = pingan("grid", "--quarter", "2022Q3", "--format", "csv")
    assert code == 0
    rows = grid_rows(out)
    #                              G1 G2 G3 G4 G5 G6 N1 N2 N3 N4 N5 N6 N7 N8 N9
    assert states(rows["V01"]) == "F ? F F P F P F P P ? P F F P"
    assert states(rows["V02"]) == "? ? F F P ? P P P F F P P P F"
    assert states(rows["V03"]) == "? ? P P F ? P P P P ? F P P P"
    assert states(rows["V04"]) == "P P P P P ? P P P P ? P P P P"
    assert {r["complies"] for r in rows.values()} == {"no"}

    assert pingan("returns", "file", "--unit", "civil", "--quarter", "2022Q3")[0] == 0
    code, out, _ = pingan("grid", "--quarter", "2022Q3", "--format", "json")
    doc = json.loads(out)
    rows = {row["code"]: row for row in doc["villages"]}
    assert states(rows["V04"]) == "P P P P P P P P P P P P P P P"
    assert (rows["V04"]["complies"], rows["V03"]["complies"]) == ("yes", "no")
    assert (rows["V02"]["G6"], rows["V02"]["N5"], rows["V03"]["G6"]) == ("PASS", "FAIL", "PASS")
    assert (doc["compliant"], doc["total"], doc["rate"], doc["target"]) == (1, 4, 0.25, 0.7)


def test_a_decision_against_the_data_needs_a_reason(hand_made_town: Pingan, db: Path) -> None:
    pingan = hand_made_town
    base = ("decide", "--quarter", "2022Q3", "--village", "V02", "--criterion", "N9")
    code, _, err = pingan(*base, "--pass")
    assert code == 1 and "--reason" in err
    assert Store(db).decisions(Quarter(2022, 3)) == []

    code, out, _ = pingan(*base, "--pass", "--reason", "经复核为外来人员作案")
    assert code == 0 and "N9" in out
    (decision,) = Store(db).decisions(Quarter(2022, 3))
    assert (decision.village, decision.criterion, decision.passed) == ("V02", "N9", True)
    assert decision.reason == "经复核为外来人员作案" and decision.actor == "tester"
    code, out, _ = pingan("grid", "--quarter", "2022Q3", "--format", "csv")
    assert grid_rows(out)["V02"]["N9"] == "PASS"

    code, _, err = pingan(
        "decide", "--quarter", "2022Q3", "--village", "V03", "--criterion", "N3", "--fail"
    )
    assert code == 1 and "--reason" in err
    code, _, err = pingan(
        "decide", "--quarter", "2022Q3", "--village", "V99", "--criterion", "G1", "--pass"
    )
    assert code == 1 and "V99" in err


def test_grid_for_people_in_chinese_and_english(hand_made_town: Pingan) -> None:
    pingan = hand_made_town
    code, out, _ = pingan("grid", "--quarter", "2022Q3")
    assert code == 0
    assert out.rstrip().splitlines()[-1] == "达标 0/4 村，达标率 0.0%，2022 年目标 70%"
    table_lines = [line for line in out.splitlines() if line.startswith(("V0", "代码"))]
    assert len(table_lines) == 5
    assert table_lines[1].split() == [
        "V01",
        "东庄村",
        "东片",
        "?",
        "?",
        "✘",
        "✘",
        "✔",
        "✘",
        "✔",
        "✘",
        "✔",
        "✔",
        "?",
        "✔",
        "✘",
        "✘",
        "✔",
        "否",
    ]
    assert "G1 党员干部引领好" in out

    code, md, _ = pingan("--lang", "en", "grid", "--quarter", "2022Q3", "--format", "md")
    assert code == 0
    assert md.rstrip().splitlines()[-1] == "Compliant 0/4 villages, rate 0.0%, 2022 target 70%"
    md_rows = [line for line in md.splitlines() if line.startswith("|")]
    assert len(md_rows) == 6 and md_rows[1].startswith("|---")
    assert "N9 No criminal cases" in md


def display_cells(line: str, spans: list[tuple[int, int]]) -> list[str]:
    """The text of line under each span of display columns (a CJK character is two wide)."""
    cells = []
    for start, end in spans:
        position, chars = 0, []
        for char in line:
            if start <= position < end:
                chars.append(char)
            position += wcwidth(char)
        cells.append("".join(chars).strip())
    return cells


def test_grid_columns_align_with_chinese_names(pingan: Pingan, tmp_path: Path) -> None:
    villages = write_csv(
        tmp_path / "v.csv",
        [["code", "name", "office"], ["1", "东", "北部办事处"], ["022", "何家湾村", "南"]],
    )
    pingan("init", "--town", "桑村镇")
    pingan("villages", "import", str(villages))
    code, out, _ = pingan("grid", "--quarter", "2022Q1")
    assert code == 0
    lines = out.splitlines()
    top = next(i for i, line in enumerate(lines) if line.startswith("代码"))
    header, rule, *rows = lines[top : top + 4]
    spans = [(m.start(), m.end()) for m in re.finditer(r"-+", rule)]
    assert display_cells(header, spans) == ["代码", "村", "办事处", *CRITERION_CODES, "达标"]
    _, machine, _ = pingan("grid", "--quarter", "2022Q1", "--format", "csv")
    symbols = {"PASS": "✔", "FAIL": "✘", "PENDING": "?", "ERROR": "!"}
    by_code = grid_rows(machine)
    for line, (village, name, office) in zip(
        rows, [("022", "何家湾村", "南"), ("1", "东", "北部办事处")], strict=True
    ):
        cells = [symbols[by_code[village][c]] for c in CRITERION_CODES]
        assert display_cells(line, spans) == [village, name, office, *cells, "否"]


def test_language_comes_from_the_store_settings(hand_made_town: Pingan, db: Path) -> None:
    with Store(db).transaction() as tx:
        tx.update_settings(lang="en")
    code, out, _ = hand_made_town("grid", "--quarter", "2022Q3")
    assert out.rstrip().endswith("2022 target 70%")
    code, out, _ = hand_made_town("--lang", "zh", "grid", "--quarter", "2022Q3")
    assert out.rstrip().endswith("2022 年目标 70%")


def test_a_crashing_check_gives_error_cells_and_names_the_plugin(
    hand_made_town: Pingan, tmp_path: Path
) -> None:
    folder = plugin_folder(tmp_path)
    code, out, err = hand_made_town(
        "--plugins-dir", str(folder), "grid", "--quarter", "2022Q3", "--format", "csv"
    )
    assert code == 0
    assert {row["N1"] for row in grid_rows(out).values()} == {"ERROR"}
    assert "broken" in err and "the config file is missing" in err
    assert "qa" in err and "ZeroDivisionError: qa rule divided by zero" in err and "4" in err


# in-process: refusals and small commands


def test_records_import_refusals_and_the_empty_file(hand_made_town: Pingan, tmp_path: Path) -> None:
    pingan = hand_made_town
    empty = write_csv(tmp_path / "empty.csv", [["date", "village", "kind"]])
    code, out, _ = pingan("records", "import", str(empty), "--type", "police.case")
    assert code == 0 and "0" in out

    code, _, err = pingan("records", "import", str(empty), "--type", "police.burglary")
    assert code == 1 and "police.case" in err and "judicial.dispute" in err

    bad = write_csv(
        tmp_path / "bad.csv",
        [
            ["date", "village", "kind", "tags"],
            ["2022-07-01", "V01", "security", "gang;robbery"],
            ["2022-07-02", "V01", "", ""],
        ],
    )
    code, _, err = pingan("records", "import", str(bad), "--type", "police.case")
    assert code == 1
    assert problems(err, bad) == {(2, "tags"), (3, "kind")}
    assert err.rstrip().splitlines()[-1] == f"{bad}：共 2 处问题，未导入任何数据"


def test_import_refusals_read_in_the_language_of_the_command_line(
    pingan: Pingan, tmp_path: Path
) -> None:
    assert pingan("init", "--town", "桑村镇")[0] == 0
    villages = write_csv(
        tmp_path / "v.csv", [["code", "name", "office"], ["V01", "东庄村", "东片"]]
    )
    assert pingan("villages", "import", str(villages))[0] == 0
    bad = write_csv(
        tmp_path / "bad.csv",
        [
            ["date", "village", "kind", "colour"],
            ["2022-07-01", "V01", "security", ""],
            ["2022-02-30", "V09", "fire", ""],
        ],
    )
    expected = {
        "zh": [
            f"{bad}:1: colour: 记录类型 police.case 没有这一列；可用的列：date（日期）、",
            f"{bad}:3: date: 不是日期：'2022-02-30'（可写 2023-07-05、2023/7/5、2023.7.5、"
            "2023年7月5日 或 20230705）",
            f"{bad}:3: village: 没有这个村（代码或村名）：'V09'",
            f"{bad}:3: kind: 'fire' 不是可选值之一：criminal（刑事）、security（治安）",
            f"{bad}：共 4 处问题，未导入任何数据",
        ],
        "en": [
            f"{bad}:1: colour: unknown column for police.case (known: date, village, kind, ",
            f"{bad}:3: date: not a date: '2022-02-30' (write 2023-07-05, 2023/7/5, 2023.7.5, "
            "2023年7月5日 or 20230705)",
            f"{bad}:3: village: no village with code or name 'V09'",
            f"{bad}:3: kind: 'fire' is not one of criminal, security",
            f"{bad}: 4 problems; nothing was imported",
        ],
    }
    for lang, (header, *lines) in expected.items():
        chosen = ("--lang", lang) if lang == "en" else ()  # Chinese is the default
        code, _, err = pingan(*chosen, "records", "import", str(bad), "--type", "police.case")
        assert code == 1
        assert err.splitlines()[0].startswith(header) and err.splitlines()[1:] == lines
        assert problems(err, bad) == {(1, "colour"), (3, "date"), (3, "village"), (3, "kind")}
        date_problem = PROBLEM_RE.match(lines[0])
        assert date_problem is not None
        assert date_problem["reason"] == lines[0].removeprefix(f"{bad}:3: date: ")

    code, _, err = pingan("records", "import", str(bad), "--type", "police.burglary")
    assert code == 1 and err.startswith("没有记录类型 'police.burglary'；可用的类型：")
    wrong = tmp_path / "cases.txt"
    wrong.write_text("date,village\n", encoding="utf-8")
    code, _, err = pingan("records", "import", str(wrong), "--type", "police.case")
    assert code == 1 and err.splitlines()[0] == f"{wrong}: 不支持的文件类型 .txt；支持：.csv, .xlsx"


def test_villages_import_duplicate_codes_store_nothing(
    pingan: Pingan, db: Path, tmp_path: Path
) -> None:
    pingan("init", "--town", "桑村镇")
    path = write_csv(
        tmp_path / "v.csv",
        [["code", "name", "office"], ["V01", "东庄村", "东片"], ["V01", "西庄村", "东片"]],
    )
    code, _, err = pingan("villages", "import", str(path))
    assert code == 1 and problems(err, path) == {(3, "code")}
    assert Store(db).villages(active_only=False) == []
    code, out, _ = pingan("villages", "list")
    assert code == 0 and "pingan villages import" in out


def test_villages_list_shows_the_imported_villages(hand_made_town: Pingan) -> None:
    code, out, _ = hand_made_town("villages", "list")
    assert code == 0
    assert [line.split()[:3] for line in out.splitlines()[2:]] == [
        ["V01", "东庄村", "东片"],
        ["V02", "西庄村", "东片"],
        ["V03", "南庄村", "西片"],
        ["V04", "北庄村", "西片"],
    ]


def test_returns_file_only_for_units_that_file_them(
    hand_made_town: Pingan, db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PINGAN_LOAD_PLUGINS", "")  # the built-in units, whatever is installed
    pingan = hand_made_town
    code, _, err = pingan("returns", "file", "--unit", "office", "--quarter", "2022Q3")
    assert code == 1 and "police" in err
    code, _, err = pingan("returns", "file", "--unit", "fire", "--quarter", "2022Q3")
    assert code == 1 and "fire" in err
    code, out, _ = pingan("returns", "file", "--unit", "police", "--quarter", "2022Q3")
    assert code == 0
    assert Store(db).filed_units(Quarter(2022, 3)) == {"police", "judicial", "emergency"}
    code, out, _ = pingan("returns", "list", "--quarter", "2022Q3")
    status = {line.split()[0]: line.split()[2] for line in out.splitlines()[3:]}
    assert status == {
        "civil": "未报送",
        "emergency": "已报送",
        "judicial": "已报送",
        "police": "已报送",
    }


def test_a_finalized_quarter_refuses_new_records(
    hand_made_town: Pingan, db: Path, tmp_path: Path
) -> None:
    with Store(db).transaction() as tx:
        tx.save_snapshot(Quarter(2022, 3), {}, locked=True)
    path = write_csv(tmp_path / "late.csv", [["date", "village"], ["2022-09-01", "V01"]])
    code, _, err = hand_made_town("records", "import", str(path), "--type", "judicial.lawsuit")
    assert code == 1 and problems(err, path) == {(2, "date")}
    code, _, err = hand_made_town("returns", "file", "--unit", "civil", "--quarter", "2022Q3")
    assert code == 1 and "2022Q3" in err


def test_usage_errors_exit_2(pingan: Pingan) -> None:
    for args in (
        ("grid", "--format", "xml"),
        ("decide", "--quarter", "2022Q3", "--village", "V01", "--criterion", "G1"),
        ("decide", "--quarter", "2022Q3", "--village", "V01", "--criterion", "G7", "--pass"),
        ("records", "import", "x.csv"),
    ):
        code, out, err = pingan(*args)
        assert (code, out) == (2, "") and err


def test_a_store_path_that_cannot_be_read_is_refused_naming_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "a-folder.json"
    folder.mkdir()
    code, _, err = call_pingan(["--db", str(folder), "grid"], capsys)
    assert code == 1 and str(folder) in err


def test_a_command_reads_the_store_file_once(
    hand_made_town: Pingan, db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reads: list[Path] = []

    def counted(path: Path) -> dict[str, Any] | None:
        reads.append(path)
        return read_object(path)

    monkeypatch.setattr("store.cache.read_object", counted)
    code, _, _ = hand_made_town("grid", "--quarter", "2022Q3", "--format", "csv")
    assert code == 0
    assert reads.count(db.absolute()) == 1


# opening the TUI


class FakeApp:
    """Stands in for tui.app.PinganApp and records how it was opened."""

    opened: list[tuple[Path, str, bool]] = []

    def __init__(
        self,
        store: Store,
        host: PluginHost,
        *,
        lang: str = "zh",
        actor: object = None,
        **options: object,
    ) -> None:
        self.call = (store.path, lang, "police" in host.registry.units)
        self.actor = actor

    def run(self) -> None:
        FakeApp.opened.append(self.call)


@pytest.fixture
def fake_app(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Path, str, bool]]:
    module = types.ModuleType("tui.app")
    module.PinganApp = FakeApp  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "tui.app", module)
    FakeApp.opened = []
    return FakeApp.opened


def test_pingan_alone_opens_the_tui_on_the_store(
    pingan: Pingan, db: Path, fake_app: list[tuple[Path, str, bool]]
) -> None:
    code, _, err = pingan()
    assert code == 1 and "pingan init --town" in err and fake_app == []
    pingan("init", "--town", "桑村镇")
    assert pingan("--lang", "en")[0] == 0
    assert fake_app == [(db.absolute(), "en", True)]


def test_demo_refuses_a_store_with_data_and_fills_an_empty_one(
    pingan: Pingan,
    db: Path,
    monkeypatch: pytest.MonkeyPatch,
    fake_app: list[tuple[Path, str, bool]],
) -> None:
    def fake_build(store: Store, host: PluginHost) -> None:
        with store.transaction() as tx:
            tx.put_village(Village("D01", "示范村", "示范片"))

    monkeypatch.setattr("plugins.demo.build_demo", fake_build)
    pingan("init", "--town", "桑村镇")
    code, out, _ = pingan("demo")
    assert code == 0 and "1" in out
    assert fake_app == [(db.absolute(), "zh", True)]

    revision = Store(db).revision()
    code, _, err = pingan("demo", "--no-tui")
    assert code == 1 and str(db) in err
    assert Store(db).revision() == revision and len(fake_app) == 1


def test_demo_on_a_store_with_accounts_leaves_the_login_to_the_tui(
    pingan: Pingan,
    db: Path,
    fake_app: list[tuple[Path, str, bool]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert pingan("demo", "--no-tui")[0] == 0
    monkeypatch.setenv("PINGAN_PASSWORD", "secret-pass-1")
    assert pingan("users", "add", "boss", "--role", "office")[0] == 0
    monkeypatch.delenv("PINGAN_PASSWORD")
    monkeypatch.delenv("PINGAN_USER", raising=False)
    code, _, err = pingan("demo")
    assert (code, err) == (0, "") and fake_app == [(db.absolute(), "zh", True)]
