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
