"""The quarter summary the dashboard and reports share: counts, history, returns, no Textual."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from plugins.manager import PluginHost
from plugins.summary import QuarterResult, ResultCache, compute
from store import Quarter, Store
from tests.rules_support import Town, q, row

ROOT = Path(__file__).parent.parent
Q = q("2022Q2")


def test_the_summary_module_never_imports_textual() -> None:
    probe = (
        "import sys, plugins.summary; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'textual'))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert done.stdout.strip() == "[]"


def test_a_summary_counts_failures_pending_history_and_returns(
    store: Store, host: PluginHost
) -> None:
    town = Town(store, host)
    town.add(row("emergency.accident", "2022-01-10", category="fire"))
    town.add(row("emergency.accident", "2022-05-01", category="fire"))
    town.file(Q, "emergency")
    summary = compute(store, host, town.engine, Q, ResultCache())
    assert [r.quarter for r in summary.history] == [Quarter(2022, 1), Q]
    result = summary.current
    assert (result.quarter, result.total, result.compliant) == (Q, 2, 0)
    assert result.failures["N7"] == 1
    assert result.pending["N1"] == 2
    assert result.undecided == 1
    filed = {r.code: r.filed for r in summary.returns}
    assert filed["emergency"] and not filed["police"]
    assert "office" not in filed


def test_missing_counts_the_villages_still_needed_for_the_target() -> None:
    result = QuarterResult(Q, compliant=5, total=10, target=0.7)
    assert (result.rate, result.missing) == (0.5, 2)
    assert QuarterResult(Q, compliant=0, total=0, target=0.7).missing == 0
