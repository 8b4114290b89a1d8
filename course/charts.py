"""Charts as SVG strings, drawn on the server: no script, no chart library, nothing from a CDN. Pure.

Each chart is an image with a title and a description that screen readers announce
(role="img", <title>, <desc>); the page beside it carries the same figures as a table.
Right-to-left pages get a mirrored chart, so bars grow from the side where reading starts; the
chart sets its own text direction, so a label like "1 من 4" reads right in either page.
The drawing is narrow (420 units) so that its text stays legible when a phone shrinks it.
"""

from __future__ import annotations

import itertools
from html import escape

WIDTH = 420
BAR = "#0b4f8a"
TRACK = "#e4e9f0"
TEXT = "#1b1f24"
_ids = itertools.count(1)


def _frame(title: str, description: str, height: int, body: list[str], rtl: bool) -> str:
    n = next(_ids)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" direction="{"rtl" if rtl else "ltr"}" aria-labelledby="chart-{n}-title chart-{n}-desc">'
        f'<title id="chart-{n}-title">{escape(title)}</title><desc id="chart-{n}-desc">{escape(description)}</desc>'
        + "".join(body) + "</svg>"
    )


def bar_chart(title: str, description: str, bars: list[tuple[str, float, str]], rtl: bool = False) -> str:
    """Horizontal bars: (label, fraction from 0 to 1, value as text) each, label above its bar."""
    pad, row, bar_height = 4, 50, 20
    track = WIDTH - 2 * pad - 80
    body = []
    for n, (label, fraction, value) in enumerate(bars):
        top = pad + n * row
        length = round(track * max(0.0, min(1.0, fraction)), 1)
        start = WIDTH - pad if rtl else pad
        bar_x = start - length if rtl else start
        track_x = start - track if rtl else start
        value_x = track_x - 8 if rtl else start + track + 8
        # Anchored at "start", which the chart's direction turns into the right-hand side in Arabic.
        body += [
            f'<text x="{start}" y="{top + 14}" text-anchor="start" font-size="14" fill="{TEXT}">{escape(label)}</text>',
            f'<rect class="chart-track" x="{track_x}" y="{top + 22}" width="{track}" height="{bar_height}" fill="{TRACK}" rx="3"/>',
            f'<rect class="chart-bar" x="{bar_x}" y="{top + 22}" width="{length}" height="{bar_height}" fill="{BAR}" rx="3"/>',
            f'<text x="{value_x}" y="{top + 37}" text-anchor="start" font-size="14" font-weight="bold" fill="{TEXT}">{escape(value)}</text>',
        ]
    return _frame(title, description, 2 * pad + row * max(1, len(bars)), body, rtl)


def column_chart(title: str, description: str, columns: list[tuple[str, int]], rtl: bool = False) -> str:
    """Vertical columns for counts, e.g. a score distribution: (label under the column, count) each."""
    pad, top, axis = 4, 24, 28
    height = 220
    plot = height - top - axis
    peak = max([count for _, count in columns] + [1])
    width = (WIDTH - 2 * pad) / max(1, len(columns))
    body = [f'<line x1="{pad}" y1="{height - axis}" x2="{WIDTH - pad}" y2="{height - axis}" stroke="{TEXT}" stroke-width="1"/>']
    for n, (label, count) in enumerate(columns):
        slot = len(columns) - 1 - n if rtl else n
        x = pad + slot * width
        size = round(plot * count / peak, 1)
        middle = round(x + width / 2, 1)
        top_y = round(height - axis - size, 1)
        body += [
            f'<rect class="chart-bar" x="{round(x + 4, 1)}" y="{top_y}" width="{round(width - 8, 1)}" height="{size}" fill="{BAR}"/>',
            f'<text x="{middle}" y="{round(top_y - 6, 1)}" text-anchor="middle" font-size="13" font-weight="bold" fill="{TEXT}">{count}</text>',
            f'<text x="{middle}" y="{height - axis + 18}" text-anchor="middle" font-size="12" fill="{TEXT}">{escape(label)}</text>',
        ]
    return _frame(title, description, height, body, rtl)
