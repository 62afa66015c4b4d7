"""`pingan` help, usage errors and exit codes: Chinese by default, English on request."""

from __future__ import annotations

import argparse
import sys
import types
from pathlib import Path

import pytest

from plugins.criteria import CRITERION_CODES
from plugins.i18n import Text
from plugins.refusal import Refusal
from store import Quarter, Store
from tests.cli_support import call_pingan, run_pingan
from tui.cli import commands_data, commands_report

BUILT_IN_TYPES = ("police.case", "judicial.dispute", "emergency.accident", "civil.petition")


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty store for 桑村镇, chosen through $PINGAN_DB."""
    path = tmp_path / "town.json"
    monkeypatch.setenv("PINGAN_DB", str(path))
    Store(path).init("桑村镇")
    return path


def test_help_is_chinese_by_default_and_english_with_lang_en(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = call_pingan(["--help"], capsys)
    assert (code, err) == (0, "")
    assert out.startswith("用法：pingan [选项] [命令 [参数]...]")
    assert "选项：" in out and "命令：" in out and "不带子命令时打开界面" in out
    for name in ("--db", "--plugins-dir", "--lang", "--version", "init", "decide", "grid"):
        assert name in out
    code, out, _ = call_pingan(["--lang", "en", "-h"], capsys)
    assert code == 0 and out.startswith("Usage: pingan [OPTIONS] [COMMAND [ARGS]...]")
    assert "Options:" in out and "Commands:" in out and "opens the TUI" in out

    code, out, _ = call_pingan(["grid", "--help"], capsys)
    assert code == 0 and out.startswith("用法：pingan grid [选项]") and "季度达标表" in out
    code, out, _ = call_pingan(["--lang=en", "grid", "--help"], capsys)
    assert code == 0 and out.startswith("Usage: pingan grid [OPTIONS]")
    assert "compliance grid" in out and "default: plain" in out


def test_help_lists_the_values_a_user_has_to_type(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = call_pingan(["returns", "file", "--help"], capsys)
    assert code == 0
    for unit in ("police（", "judicial（", "emergency（", "civil（"):
        assert unit in out
    assert "office" not in out  # the leadership office files no returns
    code, out, _ = call_pingan(["records", "import", "--help"], capsys)
    assert code == 0 and all(name in out for name in BUILT_IN_TYPES)
    code, out, _ = call_pingan(["grid", "--help"], capsys)
    assert "plain, md, csv, json" in " ".join(out.split())
    code, out, _ = call_pingan(["decide", "--help"], capsys)
    assert ", ".join(CRITERION_CODES) in " ".join(out.split())
    assert "--replace" in out and "--withdraw" in out
    code, out, _ = call_pingan(["--help"], capsys)
    assert "zh, en" in out


def test_help_lists_units_of_a_plugin_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "more"
    folder.mkdir()
    (folder / "qa.py").write_text(
        "from plugins import Text, UnitSpec, hookimpl\n\n\n@hookimpl\n"
        "def register_units(register):\n"
        "    register(UnitSpec('qa', Text('质检', 'Quality'), ('N1',)))\n",
        encoding="utf-8",
    )
    code, out, _ = call_pingan(
        ["--lang", "en", "--plugins-dir", str(folder), "returns", "file", "-h"], capsys
    )
    assert code == 0 and "qa (Quality)" in out


def test_help_language_follows_the_preference_then_the_store(
    db: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    with Store(db).transaction() as tx:
        tx.update_settings(lang="en")
    assert call_pingan(["grid", "--help"], capsys)[1].startswith("Usage: pingan grid")
    assert call_pingan(["--lang", "zh", "grid", "-h"], capsys)[1].startswith("用法：")
    preferences = types.ModuleType("plugins.preferences")
    preferences.user_lang = lambda: "zh"  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "plugins.preferences", preferences)
    assert call_pingan(["grid", "--help"], capsys)[1].startswith("用法：")
    assert call_pingan(["--lang", "en", "grid", "-h"], capsys)[1].startswith("Usage:")


USAGE_ERRORS = [
    (("grid", "--format", "xml"), "--format 的值无效", "invalid value for --format", "plain"),
    (
        ("grid", "--quarter", "2022Q9"),
        "--quarter 的值无效",
        "invalid value for --quarter",
        "2022Q9",
    ),
    (
        ("decide", "--quarter", "2022Q3", "--village", "V01", "--criterion", "G7", "--pass"),
        "--criterion 的值无效：没有准则 'G7'",
        "invalid value for --criterion: unknown criterion 'G7'",
        "N9",
    ),
    (
        ("decide", "--quarter", "2022Q3", "--village", "V01", "--criterion", "G1"),
        "需要 --pass 或 --fail",
        "one of --pass, --fail",
        "--withdraw",
    ),
    (("records", "import", "x.csv"), "缺少选项 --type", "missing option --type", "police.case"),
    (("records", "import"), "缺少参数 FILE", "missing argument FILE", "FILE"),
    (("grid", "--formt", "csv"), "没有选项 --formt", "no such option --formt", "--format"),
    (("bogus",), "没有命令 'bogus'", "no such command 'bogus'", "decide"),
    (("villages",), "缺少子命令", "missing command", "import"),
    (("villages", "list", "extra"), "多余的参数：extra", "unexpected extra arguments: extra", ""),
    (("--db",), "选项 --db 需要一个值", "option --db requires a value", ""),
]


@pytest.mark.parametrize(("args", "zh", "en", "names"), USAGE_ERRORS)
def test_usage_errors_exit_2_in_either_language_and_store_nothing(
    db: Path,
    capsys: pytest.CaptureFixture[str],
    args: tuple[str, ...],
    zh: str,
    en: str,
    names: str,
) -> None:
    before = Store(db).revision()
    code, out, err = call_pingan(list(args), capsys)
    assert (code, out) == (2, "")
    assert f"错误：{zh}" in err and names in err and "Traceback" not in err
    code, out, err = call_pingan(["--lang", "en", *args], capsys)
    assert (code, out) == (2, "")
    assert f"Error: {en}" in err and names in err
    assert Store(db).revision() == before


def test_an_unknown_language_is_a_usage_error_naming_the_choices(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, _, err = call_pingan(["--lang", "xx", "grid"], capsys)
    assert code == 2
    assert err.startswith("用法：pingan [选项]")
    assert "错误：--lang 的值无效：'xx' 不是可选值之一：zh、en" in err


def test_decide_withdraw_and_pass_together_are_a_usage_error(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = ["decide", "--quarter", "2022Q3", "--village", "V01", "--criterion", "G1"]
    code, _, err = call_pingan([*base, "--withdraw", "--pass"], capsys)
    assert code == 2 and "--pass、--fail、--withdraw 只能用一个" in err
    code, _, err = call_pingan(["--lang", "en", *base, "--fail", "--pass"], capsys)
    assert code == 2 and "use only one of --pass, --fail, --withdraw" in err


def test_decide_and_returns_withdraw_hand_their_options_to_the_command(
    db: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[argparse.Namespace] = []

    def record(session: object, args: argparse.Namespace) -> int:
        seen.append(args)
        return 0

    monkeypatch.setattr(commands_data, "run_decide", record)
    monkeypatch.setattr(commands_data, "run_returns_withdraw", record)
    base = ["decide", "--quarter", "2022q3", "--village", "V01", "--criterion", "g1"]
    assert call_pingan([*base, "--pass", "--replace", "--reason", "复核"], capsys)[0] == 0
    assert call_pingan([*base, "--withdraw"], capsys)[0] == 0
    assert (
        call_pingan(["returns", "withdraw", "--unit", "police", "--quarter", "2022Q3"], capsys)[0]
        == 0
    )
    replace, withdraw, returns = seen
    assert (replace.quarter, replace.criterion, replace.passed) == (Quarter(2022, 3), "G1", True)
    assert (replace.replace, replace.withdraw, replace.reason) == (True, False, "复核")
    assert (withdraw.withdraw, withdraw.replace, withdraw.passed) == (True, False, None)
    assert (returns.unit, returns.quarter) == ("police", Quarter(2022, 3))


def test_records_types_lists_the_values_each_column_allows(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = call_pingan(["--lang", "en", "records", "types"], capsys)
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["type", "name", "columns", "(*", "required)", "values"]
    rows = {line.split()[0]: line for line in lines[2:] if line.strip()}
    assert rows["police.case"].split()[-6:] == [
        "date*",
        "date",
        "such",
        "as",
        "2023-07-05,",
        "2023/7/5",
    ]
    assert "kind*                   criminal, security (Public security)" in out
    assert "any of, separated by ;: gang" in out
    assert "yes/no (true/false, 1/0, Y/N)" in out and "whole number, at least 0" in out

    code, out, _ = call_pingan(["records", "types"], capsys)
    assert code == 0 and out.splitlines()[0].split() == [
        "类型",
        "名称",
        "列（*",
        "必填）",
        "可填的值",
    ]
    assert (
        "criminal（刑事）、security（治安）" in out and "可多选，用 ; 分隔：gang（涉黑恶）" in out
    )
    assert "是/否" in out and "整数，不小于 0" in out and "village*" in out


def test_help_and_usage_errors_through_the_installed_command(tmp_path: Path) -> None:
    home = tmp_path / "home"
    shown = run_pingan(["--lang", "en", "decide", "--help"], home=home)
    assert shown.returncode == 0 and shown.stdout.startswith("Usage: pingan decide [OPTIONS]")
    assert "G1, G2" in shown.stdout
    refused = run_pingan(["grid", "--format", "xml"], home=home, db=tmp_path / "town.json")
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
    assert "错误：--format 的值无效：'xml' 不是可选值之一：plain、md、csv、json" in refused.stderr
    version = run_pingan(["--version"], home=home)
    assert version.returncode == 0 and version.stdout.startswith("pingan ")


def test_a_refusal_exits_1_with_its_lines_and_ctrl_c_exits_130(
    db: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(session: object, args: argparse.Namespace) -> int:
        raise Refusal(Text("拒绝：第一行", "refused: line one"), field="quarter")

    monkeypatch.setattr(commands_report, "run_grid", refuse)
    assert call_pingan(["grid"], capsys) == (1, "", "quarter: 拒绝：第一行\n")
    assert call_pingan(["--lang", "en", "grid"], capsys) == (1, "", "quarter: refused: line one\n")

    def interrupted(session: object, args: argparse.Namespace) -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr(commands_report, "run_grid", interrupted)
    assert call_pingan(["grid"], capsys)[0] == 130
