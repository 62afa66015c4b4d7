"""Imports as batches: repeats refused, natural keys refused or updated, batches undone exactly."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from plugins.actions import (
    ActionContext,
    Actor,
    Refusal,
    Role,
    import_records,
    import_villages,
    undo_import,
)
from plugins.engine import Engine
from plugins.importing import ImportRefused
from plugins.manager import PluginHost
from plugins.spreadsheet import safe_cell
from store import Quarter, Store, Village
from tests.cli_support import call_pingan, write_csv
from tests.store_support import audit_entries, data_revision

Q3 = Quarter(2023, 3)
CASES = [
    ["日期", "村", "性质", "案号"],
    ["2023/7/5", "V01", "刑事", "A-1"],
    ["2023/7/6", "V02", "治安", ""],
]
PATROLS = [["日期", "村", "人数"], *[[f"2023/7/{day}", "V01", "3"] for day in (1, 2, 3)]]


@pytest.fixture
def town(store: Store, host: PluginHost, tmp_path: Path) -> Store:
    rows = [["code", "name", "office"], ["V01", "东庄村", "东片"], ["V02", "西庄村", "东片"]]
    import_villages(ActionContext(store, host), write_csv(tmp_path / "villages.csv", rows))
    return store


def grid_doc(store: Store, host: PluginHost) -> dict[str, object]:
    return Engine(store, host).grid(Q3).to_doc()


def test_the_same_content_twice_is_refused_naming_the_batch_unless_again(
    town: Store, host: PluginHost, tmp_path: Path
) -> None:
    ctx = ActionContext(town, host)
    first = import_records(ctx, write_csv(tmp_path / "p.csv", PATROLS), "police.patrol")
    (batch,) = town.import_batches()
    assert (batch.id, batch.file, batch.rows, batch.actor, batch.record_type) == (
        first.batch,
        "p.csv",
        3,
        "tester",
        "police.patrol",
    )
    assert len(batch.sha256) == 64 and batch.at and batch.added == (1, 2, 3)
    assert {r.batch for r in town.records(Q3)} == {batch.id}
    copy = write_csv(tmp_path / "copy.csv", PATROLS)
    revision = data_revision(town)
    with pytest.raises(ImportRefused) as info:
        import_records(ctx, copy, "police.patrol")
    (problem,) = info.value.problems
    assert f"batch {batch.id} (p.csv, 3 rows)" in problem.reason and "--again" in problem.reason
    assert f"批次 {batch.id}" in problem.message.zh
    assert data_revision(town) == revision and len(town.records(Q3)) == 3
    again = import_records(ctx, copy, "police.patrol", again=True)
    assert again.batch == batch.id + 1 and len(town.records(Q3)) == 6


def test_a_stored_case_number_is_refused_or_updated_and_audited(
    town: Store, host: PluginHost, tmp_path: Path
) -> None:
    ctx = ActionContext(town, host)
    import_records(ctx, write_csv(tmp_path / "a.csv", CASES), "police.case")
    before = grid_doc(town, host)
    changed = [CASES[0], ["2023/7/5", "V01", "治安", "A-1"], ["2023/7/9", "V02", "治安", "A-3"]]
    path = write_csv(tmp_path / "b.csv", changed)
    revision = data_revision(town)
    with pytest.raises(ImportRefused) as info:
        import_records(ctx, path, "police.case")
    assert [(p.line, p.field) for p in info.value.problems] == [(2, "case_no")]
    assert "--update" in info.value.problems[0].reason
    assert data_revision(town) == revision
    result = import_records(ctx, path, "police.case", update=True)
    assert (result.total, result.replaced) == (1, 1)
    case = next(r for r in town.records(Q3) if r.text("case_no") == "A-1")
    assert case.text("kind") == "security" and case.rev == 2 and case.batch == result.batch
    assert any(e["action"] == "record.update" for e in audit_entries(town.layout))
    assert grid_doc(town, host) != before

    assert result.batch is not None
    undo_import(ctx, result.batch, reason="wrong sheet")
    assert grid_doc(town, host) == before
    restored = next(r for r in town.records(Q3) if r.text("case_no") == "A-1")
    assert restored.text("kind") == "criminal"
    assert sorted(r.text("case_no") for r in town.records(Q3)) == ["", "A-1"]


def test_a_case_number_twice_in_one_file_names_the_first_line(
    town: Store, host: PluginHost, tmp_path: Path
) -> None:
    rows = [*CASES, ["2023/7/8", "V02", "治安", "A-1"]]
    with pytest.raises(ImportRefused) as info:
        import_records(
            ActionContext(town, host), write_csv(tmp_path / "c.csv", rows), "police.case"
        )
    (problem,) = info.value.problems
    assert (problem.line, problem.field) == (4, "case_no") and "line 2" in problem.reason


def test_undo_restores_the_grid_exactly_and_is_audited_once(
    town: Store, host: PluginHost, tmp_path: Path
) -> None:
    ctx = ActionContext(town, host)
    with town.transaction() as tx:
        tx.file_return("police", Q3)
    import_records(ctx, write_csv(tmp_path / "p1.csv", PATROLS), "police.patrol")
    before = grid_doc(town, host)
    more = [PATROLS[0], *[[f"2023/8/{day}", "V01", "2"] for day in (1, 2, 3)]]
    result = import_records(ctx, write_csv(tmp_path / "p2.csv", more), "police.patrol")
    assert grid_doc(town, host) != before
    assert result.batch is not None
    with pytest.raises(Refusal) as info:
        undo_import(ctx, result.batch, reason=" ")
    assert info.value.field == "reason"
    undone = undo_import(ctx, result.batch, reason="imported twice")
    assert undone.removed == 3 and undone.batch.undone is not None
    assert grid_doc(town, host) == before
    (entry,) = [e for e in audit_entries(town.layout) if e["action"] == "import.undo"]
    assert entry["after"]["reason"] == "imported twice" and len(entry["before"]["removed"]) == 3
    with pytest.raises(Refusal, match="undone already"):
        undo_import(ctx, result.batch, reason="again")
    import_records(ctx, write_csv(tmp_path / "p3.csv", more), "police.patrol")


def test_undo_is_refused_for_another_unit_and_in_a_finalized_quarter(
    town: Store, host: PluginHost, tmp_path: Path
) -> None:
    ctx = ActionContext(town, host)
    result = import_records(ctx, write_csv(tmp_path / "p.csv", PATROLS), "police.patrol")
    assert result.batch is not None
    civil = ActionContext(town, host, Actor("李四", "civil", Role.UNIT))
    with pytest.raises(Refusal, match="may not undo police.patrol imports"):
        undo_import(civil, result.batch, reason="x")
    with town.transaction() as tx:
        tx.save_snapshot(Q3, {}, locked=True)
    revision = data_revision(town)
    with pytest.raises(Refusal, match="finalized"):
        undo_import(ctx, result.batch, reason="x")
    with pytest.raises(Refusal, match="no import batch 99"):
        undo_import(ctx, 99, reason="x")
    assert data_revision(town) == revision and len(town.records(Q3)) == 3


def test_imports_list_undo_and_records_list_on_the_command_line(
    town: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = ["--db", str(town.path)]
    rows = [*CASES, ["2023/7/7", "V01", "治安", '=HYPERLINK("http://x")']]
    path = tmp_path / "cases.csv"
    path.write_bytes("\r\n".join(",".join(r) for r in rows).encode("gbk"))
    code, out, _ = call_pingan(
        [*db, "records", "import", str(path), "--type", "police.case"], capsys
    )
    assert code == 0 and "GB18030/GBK" in out and "（批次 1）" in out
    code, _, err = call_pingan(
        [*db, "records", "import", str(path), "--type", "police.case"], capsys
    )
    assert code == 1 and "批次 1" in err and "--again" in err

    code, out, _ = call_pingan([*db, "--lang", "en", "imports", "list"], capsys)
    assert code == 0 and "cases.csv" in out and "police.case" in out

    listing = [*db, "records", "list", "--quarter", "2023Q3"]
    code, out, _ = call_pingan([*listing, "--format", "json"], capsys)
    docs = json.loads(out)
    assert [d["village_name"] for d in docs] == ["东庄村", "西庄村", "东庄村"]
    code, out, _ = call_pingan([*listing, "--type", "police.case", "--format", "csv"], capsys)
    table = list(csv.DictReader(io.StringIO(out)))
    assert [r["case_no"] for r in table] == ["A-1", "", '\'=HYPERLINK("http://x")']
    assert table[0]["kind"] == "criminal" and table[0]["batch"] == "1"
    code, out, _ = call_pingan([*listing, "--village", "V02"], capsys)
    assert code == 0 and "西庄村" in out and "东庄村" not in out

    undo = [*db, "--lang", "en", "imports", "undo", "1", "--reason", "wrong file"]
    code, out, _ = call_pingan(undo, capsys)
    assert code == 0 and "removed 3 records" in out
    code, _, err = call_pingan(undo, capsys)
    assert code == 1 and "undone already" in err
    code, out, _ = call_pingan([*listing, "--format", "json"], capsys)
    assert json.loads(out) == []


@pytest.mark.parametrize(
    ("cell", "shown"),
    [
        ('=HYPERLINK("x")', '\'=HYPERLINK("x")'),
        ("+1", "'+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("东庄村", "东庄村"),
        ("a=b", "a=b"),
        (-5, -5),
    ],
)
def test_formula_like_cells_are_escaped(cell: object, shown: object) -> None:
    assert safe_cell(cell) == shown


def test_the_grid_csv_shows_a_formula_village_name_as_text(
    town: Store, capsys: pytest.CaptureFixture[str]
) -> None:
    with town.transaction() as tx:
        tx.put_village(Village("V03", '=HYPERLINK("http://evil","点我")', "@东片"))
    code, out, _ = call_pingan(
        ["--db", str(town.path), "grid", "--quarter", "2023Q3", "--format", "csv"], capsys
    )
    rows = {r["code"]: r for r in csv.DictReader(io.StringIO(out))}
    assert code == 0
    assert rows["V03"]["name"] == '\'=HYPERLINK("http://evil","点我")'
    assert rows["V03"]["office"] == "'@东片"


def test_progress_is_told_as_rows_are_checked(
    town: Store, host: PluginHost, tmp_path: Path
) -> None:
    rows = [PATROLS[0], *[["2023/7/1", "V01", "1"] for _ in range(450)]]
    told: list[tuple[int, int]] = []
    path = write_csv(tmp_path / "big.csv", rows)
    result = import_records(
        ActionContext(town, host), path, "police.patrol", progress=lambda *p: told.append(p)
    )
    assert result.total == 450
    assert told == [(0, 450), (200, 450), (400, 450), (450, 450)]


def test_a_batch_whose_records_a_later_batch_replaced_waits_for_that_one(
    town: Store, host: PluginHost, tmp_path: Path
) -> None:
    ctx = ActionContext(town, host)
    first = import_records(ctx, write_csv(tmp_path / "a.csv", CASES), "police.case")
    fixed = [CASES[0], ["2023/7/5", "V01", "治安", "A-1"]]
    second = import_records(ctx, write_csv(tmp_path / "b.csv", fixed), "police.case", update=True)
    assert first.batch is not None and second.batch is not None
    with pytest.raises(Refusal, match=f"undo batch {second.batch} first"):
        undo_import(ctx, first.batch, reason="x")
    undo_import(ctx, second.batch, reason="x")
    undo_import(ctx, first.batch, reason="x")
    assert town.records(Q3) == []


def test_every_csv_or_workbook_writer_goes_through_the_formula_escape() -> None:
    root = Path(__file__).parent.parent
    writers = ("csv.writer(", "csv.DictWriter(", "Workbook(", "to_csv(")
    for package in ("plugins", "store", "tui"):
        for source in (root / package).rglob("*.py"):
            text = source.read_text(encoding="utf-8")
            if any(w in text for w in writers):
                assert "plugins.spreadsheet import" in text, source
