"""The chart of the rate per quarter against the target: SVG for html, PNG for docx.

Bars are the rates, a dashed step line the year's target; a quarter not finalized has a
hollow dashed bar. It reads in black and white. The PNG holds only digits and quarter names
(ASCII), so it never depends on a CJK font being installed; its words go in the caption.
Pillow draws the PNG: a well-kept imaging library, no browser or plotting stack needed.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from xml.sax.saxutils import escape

from PIL import Image, ImageDraw, ImageFont

from plugins.reports.model import RatePoint

WIDTH, HEIGHT = 640, 300
LEFT, RIGHT, TOP, BOTTOM = 52, 16, 28, 44
STEPS = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)


@dataclass(frozen=True, slots=True)
class Bar:
    """One quarter laid out: its bar's box, its target segment and its labels' anchors."""

    point: RatePoint
    x0: float
    x1: float
    y: float
    target_y: float
    slot0: float
    slot1: float


def _y(value: float) -> float:
    value = min(max(value, 0.0), 1.0)
    return TOP + (1 - value) * (HEIGHT - TOP - BOTTOM)


def layout(points: list[RatePoint]) -> list[Bar]:
    """Each quarter's bar and target segment in a WIDTH × HEIGHT box."""
    if not points:
        return []
    slot = (WIDTH - LEFT - RIGHT) / len(points)
    bars = []
    for index, point in enumerate(points):
        slot0 = LEFT + index * slot
        bars.append(
            Bar(
                point,
                slot0 + slot * 0.2,
                slot0 + slot * 0.8,
                _y(point.rate),
                _y(point.target),
                slot0,
                slot0 + slot,
            )
        )
    return bars


def percent(value: float) -> str:
    return f"{value * 100:.1f}%"


def svg(points: list[RatePoint], title: str, rate_word: str, target_word: str) -> str:
    """The chart as an inline SVG element, its legend in the report's words."""
    bars = layout(points)
    base = _y(0)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT + 24}" '
        f'role="img" aria-label="{escape(title)}" class="rate-chart">',
        f"<title>{escape(title)}</title>",
    ]
    for step in STEPS:
        y = _y(step)
        parts.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" '
            'stroke="#bbb" stroke-width="0.6"/>'
        )
        parts.append(
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11">'
            f"{int(step * 100)}%</text>"
        )
    for bar in bars:
        width = bar.x1 - bar.x0
        style = (
            'fill="#555" stroke="#000"'
            if bar.point.finalized
            else 'fill="#fff" stroke="#000" stroke-dasharray="4 3"'
        )
        parts.append(
            f'<rect x="{bar.x0:.1f}" y="{bar.y:.1f}" width="{width:.1f}" '
            f'height="{base - bar.y:.1f}" {style} stroke-width="1"/>'
        )
        middle = (bar.x0 + bar.x1) / 2
        parts.append(
            f'<text x="{middle:.1f}" y="{bar.y - 4:.1f}" text-anchor="middle" font-size="10">'
            f"{escape(bar.point.label)}</text>"
        )
        parts.append(
            f'<text x="{middle:.1f}" y="{base + 16:.1f}" text-anchor="middle" font-size="11">'
            f"{escape(bar.point.quarter)}</text>"
        )
    path = []
    for index, bar in enumerate(bars):
        path.append(f"{'M' if index == 0 else 'L'}{bar.slot0:.1f},{bar.target_y:.1f}")
        path.append(f"L{bar.slot1:.1f},{bar.target_y:.1f}")
    if path:
        parts.append(
            f'<path d="{" ".join(path)}" fill="none" stroke="#000" stroke-width="2" '
            'stroke-dasharray="7 4" class="target"/>'
        )
    parts.append(
        f'<line x1="{LEFT}" y1="{base:.1f}" x2="{WIDTH - RIGHT}" y2="{base:.1f}" stroke="#000"/>'
    )
    legend_y = HEIGHT + 14
    parts.append(
        f'<rect x="{LEFT}" y="{legend_y - 9}" width="14" height="10" fill="#555" stroke="#000"/>'
        f'<text x="{LEFT + 20}" y="{legend_y}" font-size="12">{escape(rate_word)}</text>'
        f'<line x1="{LEFT + 110}" y1="{legend_y - 4}" x2="{LEFT + 140}" y2="{legend_y - 4}" '
        'stroke="#000" stroke-width="2" stroke-dasharray="7 4"/>'
        f'<text x="{LEFT + 146}" y="{legend_y}" font-size="12">{escape(target_word)}</text>'
    )
    parts.append("</svg>")
    return "\n".join(parts)


def _dashed(draw: ImageDraw.ImageDraw, points: list[tuple[float, float]], width: int) -> None:
    """A dashed polyline, dashes of 14 px and gaps of 8 px carried across corners."""
    dash, gap = 14.0, 8.0
    on, left = True, dash
    for (x0, y0), (x1, y1) in zip(points, points[1:], strict=False):
        length = ((x1 - x0) ** 2 + (y1 - y0) ** 2) ** 0.5
        done = 0.0
        while done < length:
            step = min(left, length - done)
            if on:
                a = done / length
                b = (done + step) / length
                draw.line(
                    [
                        (x0 + (x1 - x0) * a, y0 + (y1 - y0) * a),
                        (x0 + (x1 - x0) * b, y0 + (y1 - y0) * b),
                    ],
                    fill="black",
                    width=width,
                )
            done += step
            left -= step
            if left <= 0:
                on = not on
                left = dash if on else gap


def png(points: list[RatePoint], scale: int = 2) -> bytes:
    """The chart as PNG bytes at scale × the SVG's size, without words (see the caption)."""
    image = Image.new("RGB", (WIDTH * scale, HEIGHT * scale), "white")
    draw = ImageDraw.Draw(image)
    small = ImageFont.load_default(size=10 * scale)
    label = ImageFont.load_default(size=11 * scale)

    def s(value: float) -> float:
        return value * scale

    base = _y(0)
    for step in STEPS:
        y = _y(step)
        draw.line([(s(LEFT), s(y)), (s(WIDTH - RIGHT), s(y))], fill=(187, 187, 187), width=1)
        draw.text((s(LEFT - 6), s(y)), f"{int(step * 100)}%", fill="black", font=label, anchor="rm")
    bars = layout(points)
    for bar in bars:
        box = [s(bar.x0), s(bar.y), s(bar.x1), s(base)]
        if bar.point.finalized:
            draw.rectangle(box, fill=(85, 85, 85), outline="black", width=scale)
        else:
            draw.rectangle(box, fill="white")
            x0, y0, x1, y1 = box
            _dashed(draw, [(x0, y1), (x0, y0), (x1, y0), (x1, y1)], scale)
        middle = s((bar.x0 + bar.x1) / 2)
        draw.text((middle, s(bar.y - 3)), bar.point.label, fill="black", font=small, anchor="md")
        draw.text((middle, s(base + 6)), bar.point.quarter, fill="black", font=label, anchor="ma")
    line: list[tuple[float, float]] = []
    for bar in bars:
        line += [(s(bar.slot0), s(bar.target_y)), (s(bar.slot1), s(bar.target_y))]
    if line:
        _dashed(draw, line, 2 * scale)
    draw.line([(s(LEFT), s(base)), (s(WIDTH - RIGHT), s(base))], fill="black", width=scale)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
