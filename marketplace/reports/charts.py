"""Charts as SVG drawn on the server: no script in the page, nothing for CSP to allow.

Every chart is `role="img"` with a `<title>` and `<desc>` it is labelled by, and the page
puts the same numbers in a table beside it, which is what a screen reader should read.
Colours hold WCAG 2.1 AA against white: bar fills at least 3:1 (non-text contrast), text
at least 4.5:1. The second series is hatched as well as coloured, so the series differ by
more than colour. Only SVG presentation attributes are used, never `style=`. Numbers are
written in the reader's locale ("0,13" in Swedish, "0.13" in English), and long labels
wrap onto more lines instead of being cut.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

INK = "#1b1f24"  # 16:1 on white
MUTED = "#4a5360"  # 8:1 on white
SERIES_COLOURS = ("#163a5f", "#8a4b00")  # 11.9:1 and 6.6:1 on white
NEGATIVE = "#a4161a"  # 7:1 on white

WIDTH = 640
LABEL_WIDTH = 190
VALUE_WIDTH = 90
BAR_HEIGHT = 16
FONT = 'font-family="system-ui, sans-serif" font-size="12"'


@dataclass(frozen=True)
class Series:
    label: str
    values: list[float]


LINE_HEIGHT = 14
LABEL_CHARACTERS = 26  # what fits in LABEL_WIDTH at this font size


def _number(value: float) -> str:
    """In the reader's locale, grouped, with decimals only when there are any."""
    places = 0 if float(value).is_integer() else 2
    return number_format(value, decimal_pos=places, use_l10n=True, force_grouping=True)


def _lines(label: str) -> list[str]:
    """A label broken between words onto as many lines as it needs; nothing is cut."""
    return textwrap.wrap(label, LABEL_CHARACTERS, break_long_words=True) or [""]


def _head(chart_id: str, title: str, description: str, height: int) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="report-chart" role="img" '
        f'viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
        "<defs>"
        f'<pattern id="{chart_id}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)">'
        f'<rect width="6" height="6" fill="{SERIES_COLOURS[1]}"/>'
        '<line x1="0" y1="0" x2="0" y2="6" stroke="#ffffff" stroke-width="1.5"/>'
        "</pattern></defs>",
    ]


def _fill(chart_id: str, index: int) -> str:
    return SERIES_COLOURS[0] if index == 0 else f"url(#{chart_id}-hatch)"


CHARACTER_WIDTH = 7.5  # a generous average at 12 px, so estimates never fall short


def _legend(chart_id: str, series: list[Series]) -> tuple[list[str], int]:
    """The legend's markup, starting a new row where the next entry would not fit; and the
    height it takes."""
    parts, x, y = [], 10.0, 6
    for index, item in enumerate(series):
        width = 20 + CHARACTER_WIDTH * len(item.label) + 16
        if x > 10 and x + width > WIDTH - 10:
            x, y = 10.0, y + 20
        parts.append(
            f'<rect x="{x:.1f}" y="{y}" width="14" height="14" fill="{_fill(chart_id, index)}" '
            f'stroke="{INK}" stroke-width="0.5"/>'
            f'<text x="{x + 20:.1f}" y="{y + 11}" fill="{INK}" {FONT}>{escape(item.label)}</text>'
        )
        x += width
    return parts, y + 20


def bar_chart(
    *, chart_id: str, title: str, description: str, labels: list[str], series: list[Series]
) -> SafeString:
    """Horizontal grouped bars: one group per label, one bar per series, values at the end."""
    bars_height = BAR_HEIGHT * len(series) + 14
    label_lines = [_lines(label) for label in labels]
    heights = [max(bars_height, LINE_HEIGHT * len(lines) + 8) for lines in label_lines]
    legend, top = _legend(chart_id, series)
    height = top + sum(heights) + 10 if labels else top + bars_height + 10
    scale_width = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    peak = max((v for s in series for v in s.values), default=0) or 1
    parts = _head(chart_id, title, description, height)
    parts += legend
    y = top
    for row, lines in enumerate(label_lines):
        group_height = heights[row]
        first = y + group_height / 2 - LINE_HEIGHT * (len(lines) - 1) / 2
        spans = "".join(
            f'<tspan x="{LABEL_WIDTH - 8}" y="{first + LINE_HEIGHT * index:.1f}">'
            f"{escape(line)}</tspan>"
            for index, line in enumerate(lines)
        )
        parts.append(
            f'<text text-anchor="end" dominant-baseline="middle" fill="{INK}" {FONT}>{spans}</text>'
        )
        bars_top = y + (group_height - bars_height) / 2
        for index, item in enumerate(series):
            value = item.values[row]
            bar_y = bars_top + index * BAR_HEIGHT + 4
            width = max(scale_width * max(value, 0) / peak, 0)
            parts.append(
                f'<rect x="{LABEL_WIDTH}" y="{bar_y:.1f}" width="{width:.1f}" '
                f'height="{BAR_HEIGHT - 2}" fill="{_fill(chart_id, index)}"/>'
                f'<text x="{LABEL_WIDTH + width + 4:.1f}" y="{bar_y + BAR_HEIGHT - 5:.1f}" '
                f'fill="{INK}" {FONT}>{escape(_number(value))}</text>'
            )
        y += group_height
    parts.append(
        f'<line x1="{LABEL_WIDTH}" y1="{top}" x2="{LABEL_WIDTH}" y2="{height - 10}" '
        f'stroke="{MUTED}" stroke-width="1"/>'
    )
    parts.append("</svg>")
    # Safe: every piece of text above went through escape().
    return mark_safe("".join(parts))


def column_chart(
    *, chart_id: str, title: str, description: str, labels: list[str], values: list[float]
) -> SafeString:
    """Vertical columns over time; negative values hang below a zero line in another colour."""
    height, top, bottom, left = 300, 20, 60, 80
    plot_height = height - top - bottom
    high = max([0, *values]) or (0 if min([0, *values]) < 0 else 1)
    low = min([0, *values])
    span = (high - low) or 1
    zero_y = top + plot_height * high / span
    slot = (WIDTH - left - 10) / max(len(labels), 1)
    parts = _head(chart_id, title, description, height)
    for tick in sorted({high, 0, low}):
        y = top + plot_height * (high - tick) / span
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{WIDTH - 10}" y2="{y:.1f}" stroke="{MUTED}" '
            f'stroke-width="{1 if tick == 0 else 0.5}"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="{INK}" {FONT}>'
            f"{escape(_number(tick))}</text>"
        )
    for index, (label, value) in enumerate(zip(labels, values, strict=True)):
        x = left + index * slot + slot * 0.15
        bar_height = plot_height * abs(value) / span
        y = zero_y - bar_height if value >= 0 else zero_y
        colour = SERIES_COLOURS[0] if value >= 0 else NEGATIVE
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{slot * 0.7:.1f}" height="{bar_height:.1f}" '
            f'fill="{colour}"/>'
        )
        # Slanted, so twelve "2027-01" labels fit under twelve columns.
        label_x, label_y = x + slot * 0.35, height - bottom + 14
        if len(labels) <= 24 or index % 3 == 0:
            parts.append(
                f'<text x="{label_x:.1f}" y="{label_y}" text-anchor="end" '
                f'transform="rotate(-40 {label_x:.1f} {label_y})" fill="{INK}" {FONT}>'
                f"{escape(label)}</text>"
            )
    parts.append("</svg>")
    # Safe: every piece of text above went through escape().
    return mark_safe("".join(parts))
