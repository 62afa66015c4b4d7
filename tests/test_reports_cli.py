"""`pingan report` and `pingan verify --report/--code` in real child processes; the html report
rendered in headless Chromium."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from plugins.actions import ActionContext
from plugins.actions.quarter import finalize, reopen
from plugins.actions.reports import write_report
from plugins.manager import PluginHost
from plugins.reports.stamp import stamp_of
from tests.chromium_support import (
    pdf_page_count,
    pdf_page_sizes,
    print_pdf,
    render_png,
    requires_chromium,
    requires_cjk_font,
)
from tests.cli_support import run_pingan
from tests.report_support import Q1, Q2, small_town


@pytest.fixture
def town(tmp_path: Path, host: PluginHost) -> ActionContext:
    return small_town(tmp_path, host)


def test_report_writes_the_file_and_its_code_verifies(tmp_path: Path, town: ActionContext) -> None:
    db, home = town.store.path, tmp_path / "home"
    out = tmp_path / "报告.docx"
    done = run_pingan(["report", "--quarter", "2024Q1", "-o", str(out)], home=home, db=db)
    assert done.returncode == 0, done.stderr
    code = stamp_of(town.store, town.host, Q1).code
    assert f"核验码：{code}" in done.stdout and str(out) in done.stdout
    assert "定稿，docx" in done.stdout
    checked = run_pingan(["--lang", "en", "verify", "--report", str(out)], home=home, db=db)
    assert checked.returncode == 0, checked.stderr
    assert f"{code}: matches: 2024Q1 as finalized" in checked.stdout
    by_code = run_pingan(["verify", "--code", code.lower()], home=home, db=db)
    assert by_code.returncode == 0 and "相符：2024Q1 定稿快照" in by_code.stdout

    reopen(town, Q1, "复核")
    finalize(town, Q1)
    changed = run_pingan(["--lang", "en", "verify", "--report", str(out)], home=home, db=db)
    assert changed.returncode == 1
    assert "does not match" in changed.stderr and "the snapshot changed since" in changed.stderr


def test_the_format_comes_from_the_suffix_and_english_on_request(
    tmp_path: Path, town: ActionContext
) -> None:
    with town.store.transaction() as tx:
        tx.file_return("police", Q2)
    out = tmp_path / "report.html"
    args = ["report", "--quarter", "2024Q2", "-o", str(out), "--lang", "en"]
    done = run_pingan(args, home=tmp_path / "home", db=town.store.path)
    assert done.returncode == 0, done.stderr
    assert "DRAFT" in done.stdout or "草稿" in done.stdout
    html = out.read_text(encoding="utf-8")
    assert '<html lang="en">' in html and "-DRAFT-" in html


def test_bad_arguments_are_refused_and_nothing_is_written(
    tmp_path: Path, town: ActionContext
) -> None:
    db, home = town.store.path, tmp_path / "home"
    out = tmp_path / "out"
    out.mkdir()
    bad_quarter = run_pingan(
        ["report", "--quarter", "2024Q5", "-o", str(out / "r.md")], home=home, db=db
    )
    assert bad_quarter.returncode == 2 and "2024Q5" in bad_quarter.stderr
    bad_format = run_pingan(
        ["report", "--quarter", "2024Q1", "--format", "pdf", "-o", str(out / "r.pdf")],
        home=home,
        db=db,
    )
    assert bad_format.returncode == 2 and "pdf" in bad_format.stderr
    no_format = run_pingan(
        ["--lang", "en", "report", "--quarter", "2024Q1", "-o", str(out / "x.pdf")],
        home=home,
        db=db,
    )
    assert no_format.returncode == 1, no_format.stderr
    assert "x.pdf: the suffix .pdf names no report format" in no_format.stderr
    assert "md, csv, xlsx, docx, html" in no_format.stderr or "docx" in no_format.stderr
    nowhere = out / "missing" / "r.md"
    unwritable = run_pingan(
        ["--lang", "en", "report", "--quarter", "2024Q1", "-o", str(nowhere)], home=home, db=db
    )
    assert unwritable.returncode == 1
    assert f"{nowhere}: the folder {nowhere.parent} does not exist" in unwritable.stderr
    both = run_pingan(["verify", "--report", "x", "--code", "y"], home=home, db=db)
    assert both.returncode == 2
    assert list(out.iterdir()) == []


def test_an_existing_file_is_kept_unless_overwrite_is_given(
    tmp_path: Path, town: ActionContext
) -> None:
    db, home = town.store.path, tmp_path / "home"
    out = tmp_path / "r.md"
    out.write_text("the copy sent to the district", encoding="utf-8")
    args = ["--lang", "en", "report", "--quarter", "2024Q1", "-o", str(out)]
    refused = run_pingan(args, home=home, db=db)
    assert refused.returncode == 1
    assert f"{out}: overwrite: the file exists and was left as it is" in refused.stderr
    assert "--overwrite" in refused.stderr
    assert out.read_text(encoding="utf-8") == "the copy sent to the district"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
    replaced = run_pingan([*args, "--overwrite"], home=home, db=db)
    assert replaced.returncode == 0, replaced.stderr
    assert stamp_of(town.store, town.host, Q1).code in out.read_text(encoding="utf-8")


def test_verify_says_why_a_file_or_code_does_not_match(tmp_path: Path, town: ActionContext) -> None:
    db, home = town.store.path, tmp_path / "home"
    plain = tmp_path / "note.md"
    plain.write_text("# 没有核验码\n", encoding="utf-8")
    none = run_pingan(["--lang", "en", "verify", "--report", str(plain)], home=home, db=db)
    assert none.returncode == 1 and "no check code found" in none.stderr
    missing = run_pingan(
        ["--lang", "en", "verify", "--report", str(tmp_path / "gone.docx")], home=home, db=db
    )
    assert missing.returncode == 1 and "cannot read the report" in missing.stderr
    garbage = run_pingan(["--lang", "en", "verify", "--code", "12345"], home=home, db=db)
    assert garbage.returncode == 1 and "not a report code" in garbage.stderr


WATERMARK_PIXELS = 3000
"""At least this many more light-grey pixels where the draft's watermark lies over the page."""


@requires_chromium
@requires_cjk_font
def test_the_html_report_renders_in_chromium_with_its_draft_mark(
    tmp_path: Path, town: ActionContext
) -> None:
    """Looked at once by hand: an A4-wide page, the boxed 草稿 banner, the grey diagonal 草稿
    watermark over the summary table, the title and the numbered sections."""
    shades = {}
    for quarter in (Q1, Q2):
        html = write_report(town, quarter, "html", tmp_path / f"{quarter}.html", "zh")
        png = render_png(html, tmp_path / f"{quarter}.png", width=900, height=1300)
        with Image.open(png) as image:
            assert image.size == (900, 1300)
            counts = image.convert("L").histogram()
        assert sum(counts[:60]) > 0, "black text was drawn"
        shades[quarter] = sum(counts[212:231])
    assert shades[Q2] > shades[Q1] + WATERMARK_PIXELS, shades


A4_POINTS = (595, 842)


@requires_chromium
def test_the_html_report_prints_on_a4_pages(tmp_path: Path, town: ActionContext) -> None:
    html = write_report(town, Q1, "html", tmp_path / "report.html", "zh")
    pdf = print_pdf(html, tmp_path / "report.pdf")
    assert pdf_page_sizes(pdf) == {A4_POINTS}
    assert pdf_page_count(pdf) >= 2
