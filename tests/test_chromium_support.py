"""The headless-Chromium helper renders a page to a PNG of the size asked for."""

from __future__ import annotations

from pathlib import Path

from tests.chromium_support import png_size, render_png, requires_chromium


@requires_chromium
def test_render_png_writes_a_picture_of_the_asked_size(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(
        '<!doctype html><meta charset="utf-8"><body>平安村 ✔ ✘</body>', encoding="utf-8"
    )
    png = render_png(page, tmp_path / "out" / "page.png", width=640, height=360)
    assert png_size(png) == (640, 360)
