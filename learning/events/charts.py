"""Geometry for server-rendered SVG charts (templates/events/includes/*_chart.html draw them).

No JavaScript and no inline styles (the Content-Security-Policy forbids them): colours and
dash patterns are SVG presentation attributes. Series differ by colour, dash pattern and marker
shape, so the chart also reads without colour (WCAG 1.4.1); the same data sits in a table beneath.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

# Colours with at least 3:1 contrast against the page background (WCAG 1.4.11).
SERIES_STYLES = [
    {"colour": "#00568b", "dash": "", "marker": "circle"},
    {"colour": "#6f4326", "dash": "8 4", "marker": "square"},
    {"colour": "#2b1d14", "dash": "2 4", "marker": "triangle"},
]


def _nice_top(value: float, ticks: int = 4) -> tuple[int, int]:
    """(top, step): an axis maximum of ``ticks`` whole steps of 1, 2 or 5 times a power of ten."""
    raw = max(value / ticks, 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 5, 10) if raw <= m * magnitude)
    return int(step) * ticks, int(step)


@dataclass
class Point:
    x: float
    y: float
    value: int


@dataclass
class Series:
    label: str
    colour: str
    dash: str
    marker: str
    points: list[Point] = field(default_factory=list)

    @property
    def path(self) -> str:
        return " ".join(f"{'M' if i == 0 else 'L'}{p.x:.1f},{p.y:.1f}" for i, p in enumerate(self.points))


@dataclass
class LineChart:
    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    series: list[Series]
    y_ticks: list[tuple[float, int]]
    x_labels: list[tuple[float, str]]


def line_chart(rows: list[dict], *, x_key: str, x_format, series: list[tuple[str, str]],
               width: int = 720, height: int = 300) -> LineChart:
    left, right, top, bottom = 48, width - 16, 16, height - 40
    top_value, step = _nice_top(max([row[key] for row in rows for key, _label in series] or [0]))
    n = max(len(rows) - 1, 1)

    def x(i):
        return left + (right - left) * i / n

    def y(v):
        return bottom - (bottom - top) * v / top_value

    drawn = []
    for (key, label), style in zip(series, SERIES_STYLES, strict=False):
        s = Series(label=label, **style)
        s.points = [Point(x(i), y(row[key]), row[key]) for i, row in enumerate(rows)]
        drawn.append(s)
    return LineChart(
        width=width, height=height, left=left, right=right, top=top, bottom=bottom, series=drawn,
        y_ticks=[(y(v), v) for v in range(0, top_value + 1, step)],
        x_labels=[(x(i), x_format(row[x_key])) for i, row in enumerate(rows)],
    )


@dataclass
class Bar:
    label: str
    value: int
    y: float
    width: float
    highlight: bool = False


@dataclass
class BarChart:
    width: int
    height: int
    label_width: int
    bar_height: int
    bars: list[Bar]


def bar_chart(items: list[tuple[str, int, bool]], *, width: int = 720, label_width: int = 240) -> BarChart:
    """Horizontal bars, one per (label, value, highlight); the longest bar fills the width."""
    bar_height, gap = 28, 12
    largest = max([value for _label, value, _h in items] or [0]) or 1
    room = width - label_width - 56
    bars = [
        Bar(label=label if len(label) <= 32 else label[:31] + "…", value=value, y=8 + i * (bar_height + gap),
            width=max(room * value / largest, 0), highlight=highlight)
        for i, (label, value, highlight) in enumerate(items)
    ]
    return BarChart(width=width, height=16 + len(items) * (bar_height + gap), label_width=label_width,
                    bar_height=bar_height, bars=bars)
