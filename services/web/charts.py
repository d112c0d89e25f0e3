"""The case's T-score over time as an SVG line chart, drawn on the server."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 16, 40
LOW, HIGH = 20.0, 80.0  # T-scores beyond ±3 standard deviations are rare


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    label: str
    value: float


@dataclass(frozen=True)
class Chart:
    points: list[Point]
    ticks: list[tuple[float, int]]  # (y, T-score)
    expected_y: float
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right_edge: int = WIDTH - RIGHT
    bottom_edge: int = HEIGHT - BOTTOM

    @property
    def path(self) -> str:
        return " ".join(f"{'M' if i == 0 else 'L'}{p.x:.1f},{p.y:.1f}"
                        for i, p in enumerate(self.points))


def _y(value: float) -> float:
    clamped = min(max(value, LOW), HIGH)
    return TOP + (HIGH - clamped) / (HIGH - LOW) * (HEIGHT - TOP - BOTTOM)


def t_score_chart(history: list[dict[str, Any]]) -> Chart:
    """Points for each review's T-score, evenly spaced in the order they were made."""
    span = WIDTH - LEFT - RIGHT
    count = len(history)
    points = [
        Point(x=LEFT + (span * (i + 0.5) / count), y=_y(float(entry["t_score"])),
              label=str(entry["occurred_on"]), value=float(entry["t_score"]))
        for i, entry in enumerate(history)
    ]
    ticks = [(_y(float(t)), t) for t in (20, 30, 40, 50, 60, 70, 80)]
    return Chart(points=points, ticks=ticks, expected_y=_y(50.0))


# Steering (issue 12): one horizontal bar per cell of an indicator, a target line if any.
BAR, BAR_GAP, LABEL_WIDTH, VALUE_ROOM = 22, 10, 240, 90
MAX_BARS = 40  # beyond this a chart helps no one: the table says it all


@dataclass(frozen=True)
class Bar:
    label: str
    text: str  # the value as shown, or why there is none
    y: float
    x: float  # where the bar starts
    length: float  # 0 for a cell without a value

    @property
    def text_x(self) -> float:
        return self.x + self.length + 6


@dataclass(frozen=True)
class BarChart:
    bars: list[Bar]
    zero_x: float
    target_x: float | None
    width: int
    height: int
    top: int = TOP


def _short(label: str, room: int = 34) -> str:
    return label if len(label) <= room else label[:room - 1] + "…"


def bar_chart(items: list[tuple[str, float | None, str]],
              target: float | None = None) -> BarChart | None:
    """Bars for (label, value, text) items, scaled from zero (or the lowest value below it)
    to the highest value or the target; None when there are too many or none."""
    if not items or len(items) > MAX_BARS:
        return None
    values = [value for _, value, _ in items if value is not None]
    if target is not None:
        values.append(target)
    low, high = min([0.0, *values]), max([0.0, *values])
    if high == low:
        high = low + 1.0
    span = WIDTH - LABEL_WIDTH - VALUE_ROOM

    def x(value: float) -> float:
        return LABEL_WIDTH + (value - low) / (high - low) * span

    zero = x(0.0)
    bars = []
    for index, (label, value, text) in enumerate(items):
        start, end = (zero, zero) if value is None else sorted((zero, x(value)))
        bars.append(Bar(label=_short(label), text=text, y=TOP + index * (BAR + BAR_GAP),
                        x=start, length=end - start))
    height = TOP + len(items) * (BAR + BAR_GAP) + 8
    return BarChart(bars=bars, zero_x=zero, target_x=None if target is None else x(target),
                    width=WIDTH, height=height)
