"""Headless Chromium for tests that look at a page: find the browser, render HTML to PNG.

Debian's `chromium` is the one this project uses (`apt-get install chromium`); a test that
needs it is marked `requires_chromium` and is skipped, with the reason, where it is missing.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
RENDER_TIMEOUT = 120.0
"""How long one render may take; only a hung browser should ever reach it."""

# The machine has no network: without the background-networking flags Chromium keeps
# trying to reach its services, and as root it needs --no-sandbox to start at all.
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--force-device-scale-factor=1",
)


def find_chromium() -> str | None:
    """The path of the first headless-capable Chromium on PATH, or None."""
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    return None


MISSING_REASON = (
    "headless Chromium not found (looked for " + ", ".join(BROWSERS) + " on PATH); "
    "install Debian's package: apt-get install chromium"
)

requires_chromium = pytest.mark.skipif(find_chromium() is None, reason=MISSING_REASON)
"""Mark a test that renders a page; it is skipped with the reason where Chromium is missing."""


def has_cjk_font() -> bool:
    """Whether fontconfig knows a font with Chinese glyphs (without one they render as boxes)."""
    if shutil.which("fc-list") is None:
        return False
    listed = subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True, check=False)
    return bool(listed.stdout.strip())


requires_cjk_font = pytest.mark.skipif(
    not has_cjk_font(),
    reason="no font with Chinese glyphs (fc-list :lang=zh is empty); install Debian's "
    "package: apt-get install fonts-noto-cjk",
)
"""Mark a test that measures how Chinese text renders; skipped, with the reason, without a font."""


def _run(browser_args: list[str]) -> subprocess.CompletedProcess[str]:
    """Run the browser once with a fresh profile folder of its own."""
    browser = find_chromium()
    if browser is None:
        pytest.skip(MISSING_REASON)
    with tempfile.TemporaryDirectory(prefix="pingan-chromium-") as profile:
        return subprocess.run(
            [browser, *FLAGS, f"--user-data-dir={profile}", *browser_args],
            capture_output=True,
            text=True,
            timeout=RENDER_TIMEOUT,
            check=False,
        )


def render_png(html: Path, png: Path, *, width: int, height: int) -> Path:
    """Render the HTML file to a PNG screenshot of width × height CSS pixels and return png.

    Skips the calling test when Chromium is missing; raises AssertionError with the
    browser's output when it ran but wrote no picture.
    """
    png.parent.mkdir(parents=True, exist_ok=True)
    png.unlink(missing_ok=True)
    result = _run(
        [
            f"--window-size={width},{height}",
            f"--screenshot={png.resolve()}",
            html.resolve().as_uri(),
        ]
    )
    if not png.is_file() or png.stat().st_size == 0:
        raise AssertionError(
            f"Chromium wrote no PNG for {html} (exit {result.returncode}):\n"
            f"{result.stdout}\n{result.stderr}"
        )
    return png


def png_size(png: Path) -> tuple[int, int]:
    """The (width, height) in pixels written in a PNG file's header."""
    header = png.read_bytes()[:24]
    if header[:8] != b"\x89PNG\r\n\x1a\n":
        raise AssertionError(f"{png} is not a PNG file")
    return int.from_bytes(header[16:20], "big"), int.from_bytes(header[20:24], "big")


def print_pdf(html: Path, pdf: Path) -> Path:
    """Print the HTML file to a PDF as the browser's print dialog would (its @page size), no
    header or footer; returns pdf. Skips the calling test when Chromium is missing."""
    pdf.parent.mkdir(parents=True, exist_ok=True)
    pdf.unlink(missing_ok=True)
    result = _run(
        ["--no-pdf-header-footer", f"--print-to-pdf={pdf.resolve()}", html.resolve().as_uri()]
    )
    if not pdf.is_file() or pdf.stat().st_size == 0:
        raise AssertionError(
            f"Chromium wrote no PDF for {html} (exit {result.returncode}):\n"
            f"{result.stdout}\n{result.stderr}"
        )
    return pdf


_PAGE = re.compile(rb"/Type\s*/Page(?![A-Za-z])")


def pdf_page_count(pdf: Path) -> int:
    """How many pages a PDF that Chromium printed has (its page objects are not compressed)."""
    return len(_PAGE.findall(pdf.read_bytes()))


_MEDIA_BOX = re.compile(rb"/MediaBox\s*\[\s*([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s*\]")


def pdf_page_sizes(pdf: Path) -> set[tuple[int, int]]:
    """The distinct (width, height) of a Chromium-printed PDF's pages, in whole points."""
    return {
        (round(float(x1) - float(x0)), round(float(y1) - float(y0)))
        for x0, y0, x1, y1 in _MEDIA_BOX.findall(pdf.read_bytes())
    }
