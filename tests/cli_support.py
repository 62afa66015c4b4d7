"""Helpers for command-line and import tests: run `pingan`, write CSV/XLSX files, read problems."""

from __future__ import annotations

import csv
import io
import os
import re
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from tui.cli.main import main

PROBLEM_RE = re.compile(r"^(?P<file>.+?):(?P<line>\d+): (?P<field>[^:]+): (?P<reason>.+)$")


def run_pingan(
    args: Sequence[str], *, home: Path, db: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """Run `python -m tui.cli.main ARGS` in a child process with its data folder under home."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PINGAN_")}
    env.update(PINGAN_HOME=str(home), PINGAN_USER="tester")
    if db is not None:
        env["PINGAN_DB"] = str(db)
    return subprocess.run(
        [sys.executable, "-m", "tui.cli.main", *args],
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
    )


def call_pingan(args: Sequence[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """Run `pingan ARGS` in this process; returns (exit code, stdout, stderr)."""
    capsys.readouterr()
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def write_csv(path: Path, rows: Sequence[Sequence[Any]], *, bom: bool = False) -> Path:
    """Write rows as a UTF-8 CSV file (with a byte-order mark if bom) and return its path."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + buffer.getvalue().encode("utf-8"))
    return path


def write_xlsx(path: Path, rows: Sequence[Sequence[Any]]) -> Path:
    """Write rows into the first sheet of a new workbook and return its path."""
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(list(row))
    workbook.save(path)
    return path


def problems(text: str, path: Path | str) -> set[tuple[int, str]]:
    """The (line, field) pairs of every `FILE:LINE: field: reason` line about path in text."""
    found: set[tuple[int, str]] = set()
    for line in text.splitlines():
        match = PROBLEM_RE.match(line)
        if match and match["file"] == str(path):
            found.add((int(match["line"]), match["field"]))
    return found
