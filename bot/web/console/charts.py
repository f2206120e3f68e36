"""Charts of the overview page as plain geometry; the template draws them as inline SVG.

Nothing here writes markup: the numbers become rectangles and polylines that Jinja
renders (escaped), each chart with the table of its numbers for screen readers.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

WIDTH, HEIGHT = 640.0, 200.0
LEFT, BOTTOM, TOP = 64.0, 30.0, 12.0
SERIES_SHOWN = 5  # more series than this are summed as "other"


@dataclass(frozen=True)
class Bar:
    """One rectangle of a stacked bar, with the text a pointer shows."""

    x: float
    y: float
    width: float
    height: float
    series: int
    label: str


@dataclass(frozen=True)
class Line:
    """One series of a line chart."""

    series: int
    name: str
    points: str  # "x,y x,y ..." for <polyline points>


@dataclass(frozen=True)
class Tick:
    """A labelled position on an axis."""

    x: float
    y: float
    text: str


@dataclass
class Chart:
    """What one chart draws, and the same numbers as a table."""

    legend: list[str]
    bars: list[Bar] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)
    x_ticks: list[Tick] = field(default_factory=list)
    y_ticks: list[Tick] = field(default_factory=list)
    table: list[list[str]] = field(default_factory=list)  # header row first


def stacked_bars(days: list[str], counts: dict[str, dict[str, int]]) -> Chart:
    """Stack each day's counts by series (channel, language), the largest series first."""
    totals: dict[str, int] = {}
    for by_series in counts.values():
        for name, n in by_series.items():
            totals[name] = totals.get(name, 0) + n
    names = sorted(totals, key=lambda name: (-totals[name], name))
    shown, rest = names[:SERIES_SHOWN], names[SERIES_SHOWN:]
    legend = shown + (["other"] if rest else [])

    def value(day: str, index: int) -> int:
        by_series = counts.get(day, {})
        if index < len(shown):
            return by_series.get(shown[index], 0)
        return sum(by_series.get(name, 0) for name in rest)

    peak = _nice(max([sum(counts.get(day, {}).values()) for day in days] + [1]))
    scale, slot = _scale(peak), (WIDTH - LEFT) / max(len(days), 1)
    chart = Chart(legend=legend, y_ticks=_y_ticks(peak, lambda v: str(int(v))))
    for i, day in enumerate(days):
        base = HEIGHT - BOTTOM
        for index, name in enumerate(legend):
            n = value(day, index)
            if n:
                height = n * scale
                base -= height
                label = f"{day} · {name}: {n}"
                chart.bars.append(Bar(LEFT + i * slot + 2, base, slot - 4, height, index, label))
    chart.x_ticks = _x_ticks(days)
    chart.table = [["", *legend]] + [
        [day, *(str(value(day, index)) for index in range(len(legend)))] for day in days
    ]
    return chart


def line_chart(days: list[str], series: dict[str, list[float | None]], *, unit: str = "") -> Chart:
    """Draw each series over the days; a day without a value breaks no line, it is skipped."""
    values = [v for points in series.values() for v in points if v is not None]
    peak = _nice(max([*values, 1.0]))
    scale, slot = _scale(peak), (WIDTH - LEFT) / max(len(days), 1)
    chart = Chart(legend=list(series), y_ticks=_y_ticks(peak, lambda v: f"{v:.0f}{unit}"))
    for index, (name, points) in enumerate(series.items()):
        coordinates = [
            f"{LEFT + (i + 0.5) * slot:.1f},{HEIGHT - BOTTOM - v * scale:.1f}"
            for i, v in enumerate(points)
            if v is not None
        ]
        chart.lines.append(Line(index, name, " ".join(coordinates)))
    chart.x_ticks = _x_ticks(days)
    chart.table = [["", *series]] + [
        [day, *(_cell(points[i], unit) for points in series.values())] for i, day in enumerate(days)
    ]
    return chart


def _nice(peak: float) -> float:
    """Round the top of the scale up to an even whole number, so the middle tick is whole."""
    top = math.ceil(peak)
    return float(top + 1 if top >= 2 and top % 2 else top)


def _scale(peak: float) -> float:
    return (HEIGHT - BOTTOM - TOP) / peak


def _y_ticks(peak: float, text: Callable[[float], str]) -> list[Tick]:
    scale = _scale(peak)
    marks = (0, peak / 2, peak) if peak >= 2 else (0, peak)
    return [Tick(LEFT - 6, HEIGHT - BOTTOM - v * scale, text(v)) for v in marks]


def _x_ticks(days: list[str]) -> list[Tick]:
    slot = (WIDTH - LEFT) / max(len(days), 1)
    every = max(1, len(days) // 4)  # a few dates fit under a phone-sized chart, today last
    return [
        Tick(LEFT + (i + 0.5) * slot, HEIGHT - 4, day[5:])
        for i, day in enumerate(days)
        if (len(days) - 1 - i) % every == 0
    ]


def _cell(value: float | None, unit: str) -> str:
    return "" if value is None else f"{value:.0f}{unit}"
