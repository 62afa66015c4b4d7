"""The plugin guide's examples, put together as one folder plugin, load and work as documented."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from plugins.actions import ActionContext, import_records
from plugins.api import Severity, State
from plugins.engine import Engine
from plugins.manager import PluginHost, Source, Status
from plugins.reports.sections import SectionContext, unit_sections
from plugins.warnings import warnings
from store import NewRecord, Quarter, Store, Village
from tests.cli_support import call_pingan

GUIDE = Path(__file__).parent.parent / "docs" / "plugins.md"


def hook_examples() -> str:
    """The python blocks of the guide's `### register_*` sections and the one putting them
    together, as one module."""
    text = GUIDE.read_text(encoding="utf-8")
    blocks: list[str] = []
    for section in re.split(r"^### ", text, flags=re.MULTILINE)[1:]:
        if section.startswith(("register_", "Putting it together")):
            blocks.extend(re.findall(r"```python\n(.*?)```", section, flags=re.DOTALL))
    return "\n\n".join(blocks)


def test_the_guide_examples_make_a_working_unit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "plugins"
    folder.mkdir()
    (folder / "traffic.py").write_text(hook_examples(), encoding="utf-8")
    host = PluginHost.load(plugin_dirs=[folder], entry_points=False)
    info = next(i for i in host.infos if i.name == "traffic")
    assert (info.source, info.status, info.units) == (Source.FOLDER, Status.LOADED, ["traffic"])
    registry = host.registry
    assert "traffic.accident" in registry.record_types
    assert [v.key for v in registry.views if v.unit == "traffic"] == ["accidents"]
    importer = registry.importer_for(".tsv")
    assert importer is not None and importer.name == "tsv"

    store = Store(tmp_path / "town.json")
    store.init("测试镇")
    with store.transaction() as tx:
        tx.add_village(Village("V01", "东庄", "东办"))
    data = tmp_path / "accidents.tsv"
    data.write_text(
        "date\tvillage\tseverity\tinjuries\n2024-02-01\tV01\t重大\t2\n", encoding="utf-8"
    )
    imported = import_records(ActionContext(store, host), data, "traffic.accident")
    assert imported.counts == {Quarter(2024, 1): 1}

    cell = Engine(store, host).cell(Quarter(2024, 1), "V01", "N7")
    [record] = store.records(Quarter(2024, 1))
    assert (cell.state, cell.evidence) == (State.FAIL, (record.id,))
    assert "traffic" in {f.plugin for f in cell.findings}
    with store.transaction() as tx:
        tx.add_records(
            [
                NewRecord(
                    "traffic.accident", "V01", date(2024, 2, 9), {"severity": "major"}, "traffic"
                )
            ]
        )
    report = warnings(store, host, Quarter(2024, 1), date(2024, 3, 1))
    [warned] = [w for w in report.warnings if w.unit == "traffic"]
    assert (warned.rule, warned.warning.village, warned.warning.severity) == (
        "traffic.repeated_accidents",
        "V01",
        Severity.HIGH,
    )
    assert len(warned.warning.records) == 2 and not report.errors
    [section] = [s for s in host.registry.report_sections if s.unit == "traffic"]
    body = section.function(SectionContext(store, Quarter(2024, 1), False, {}))
    assert [p.zh for p in body.paragraphs] == ["本季度交通事故共 2 起。"]
    [table] = body.tables
    assert table.rows == (("major", 2),)
    sections, failed = unit_sections(store, host, Quarter(2024, 1), False, "en")
    [worded] = [s for s in sections if s.unit == "traffic"]
    assert (worded.title, worded.paragraphs, failed) == (
        "Traffic safety",
        ["2 accidents this quarter."],
        [],
    )
    quiet = Quarter(2024, 2)
    with store.transaction() as tx:
        tx.file_return("emergency", quiet)
    assert Engine(store, host).cell(quiet, "V01", "N7").waiting_for == ("traffic",)
    with store.transaction() as tx:
        tx.file_return("traffic", quiet)
    assert Engine(store, host).cell(quiet, "V01", "N7").state is State.PASS

    before = len(store.records(Quarter(2024, 1), "traffic.accident"))
    argv = ["--db", str(store.path), "--plugins-dir", str(folder), "--lang", "en", "traffic"]
    code, out, err = call_pingan(
        [*argv, "accident", "--village", "V01", "--date", "2024-03-05", "--severity", "重大"],
        capsys,
    )
    assert (code, err) == (0, "") and out.startswith("Recorded accident #")
    assert len(store.records(Quarter(2024, 1), "traffic.accident")) == before + 1
    code, _, err = call_pingan(
        [*argv, "accident", "--village", "V09", "--date", "2024-03-05", "--severity", "major"],
        capsys,
    )
    assert code == 1 and "V09" in err
    assert len(store.records(Quarter(2024, 1), "traffic.accident")) == before + 1
