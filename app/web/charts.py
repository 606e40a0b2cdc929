"""Bar charts drawn by the server as SVG: no charting script, nothing for the page's strict
Content-Security-Policy to refuse. A pure function of the figures; every text is escaped."""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup, escape

WIDTH = 640
HEIGHT = 220
LEFT = 44
RIGHT = 8
TOP = 12
BOTTOM = 28
PLOT_WIDTH = WIDTH - LEFT - RIGHT
PLOT_HEIGHT = HEIGHT - TOP - BOTTOM
# The share of each slot a bar fills; the rest is the gap between bars.
BAR_SHARE = 0.7


@dataclass(frozen=True)
class Bar:
    label: str  # under the bar (e.g. the day of the month)
    value: int
    description: str  # the bar's own title, read on hover and by screen readers


def bar_chart(chart_id: str, title: str, bars: list[Bar]) -> Markup:
    """An SVG bar chart: heights proportional to the values, the largest value marked on the
    axis, a title for the whole chart and one for each bar."""
    top = max((bar.value for bar in bars), default=0) or 1
    slot = PLOT_WIDTH / max(len(bars), 1)
    width = slot * BAR_SHARE
    # Labels thin out so they never overlap: at most about 16 along the axis.
    every = max(1, round(len(bars) / 16))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="rid-chart" id="{escape(chart_id)}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-labelledby="{escape(chart_id)}-title">',
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>',
        f'<line class="rid-chart__axis" x1="{LEFT}" y1="{TOP + PLOT_HEIGHT}" '
        f'x2="{WIDTH - RIGHT}" y2="{TOP + PLOT_HEIGHT}" stroke="#565c65"/>',
        f'<line class="rid-chart__axis" x1="{LEFT}" y1="{TOP}" x2="{LEFT}" '
        f'y2="{TOP + PLOT_HEIGHT}" stroke="#565c65"/>',
        f'<text class="rid-chart__label" x="{LEFT - 6}" y="{TOP + 4}" text-anchor="end" '
        f'aria-hidden="true">{top}</text>',
        f'<text class="rid-chart__label" x="{LEFT - 6}" y="{TOP + PLOT_HEIGHT}" '
        f'text-anchor="end" aria-hidden="true">0</text>',
    ]
    for i, bar in enumerate(bars):
        height = PLOT_HEIGHT * bar.value / top
        x = LEFT + i * slot + (slot - width) / 2
        y = TOP + PLOT_HEIGHT - height
        parts.append(
            f'<rect class="rid-chart__bar" x="{x:.2f}" y="{y:.2f}" width="{width:.2f}" '
            f'height="{height:.2f}" fill="#005ea2" data-value="{bar.value}">'
            f"<title>{escape(bar.description)}</title></rect>"
        )
        if i % every == 0:
            parts.append(
                f'<text class="rid-chart__label" x="{x + width / 2:.2f}" '
                f'y="{HEIGHT - BOTTOM + 16}" text-anchor="middle" aria-hidden="true">'
                f"{escape(bar.label)}</text>"
            )
    parts.append("</svg>")
    return Markup("".join(parts))
