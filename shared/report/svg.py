"""Hand-written SVG charts of a value over time: no script, no external resource.

Each chart names itself (`<title>`, `<desc>` listing every value) for screen
readers, and each point or bar carries its own `<title>` as a tooltip.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from html import escape

COLOUR = "#1f5fa8"  # of lines, points and bars (the screenshot test looks for it)
WIDTH, HEIGHT = 560, 250
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 48, 48
Points = Sequence[tuple[str, float | None]]  # (label on the x axis, value or None)
Format = Callable[[float], str]
MISSING = "\N{EN DASH}"


def line_chart(chart_id: str, title: str, axis: str, points: Points, *,
               caption: str = "", fmt: Format = "{:g}".format) -> str:
    """A line through the values; a gap where a value is missing."""
    frame = _Frame(points)
    marks = []
    for run in _runs(points):
        if len(run) > 1:
            coordinates = " ".join(f"{frame.x(i):.1f},{frame.y(v):.1f}" for i, v in run)
            marks.append(f'<polyline points="{coordinates}" fill="none" stroke="{COLOUR}" '
                         'stroke-width="3" stroke-linejoin="round"/>')
    for index, (label, value) in enumerate(points):
        if value is not None:
            marks.append(f'<circle class="point" cx="{frame.x(index):.1f}" '
                         f'cy="{frame.y(value):.1f}" r="4" fill="{COLOUR}">'
                         f"<title>{escape(label)}: {escape(fmt(value))}</title></circle>")
    return _svg(chart_id, title, axis, caption, frame, points, fmt, marks)


def bar_chart(chart_id: str, title: str, axis: str, points: Points, *,
              caption: str = "", fmt: Format = "{:g}".format) -> str:
    """A bar from zero to each value; none where a value is missing."""
    frame = _Frame(points)
    width = frame.slot * 0.6
    marks = []
    for index, (label, value) in enumerate(points):
        if value is not None:
            top, bottom = sorted((frame.y(value), frame.y(0.0)))
            marks.append(f'<rect class="bar" x="{frame.x(index) - width / 2:.1f}" '
                         f'y="{top:.1f}" width="{width:.1f}" height="{bottom - top:.1f}" '
                         f'fill="{COLOUR}"><title>{escape(label)}: {escape(fmt(value))}'
                         "</title></rect>")
    return _svg(chart_id, title, axis, caption, frame, points, fmt, marks)


class _Frame:
    """Where a value and an index go in the plot area."""

    def __init__(self, points: Points) -> None:
        values = [value for _, value in points if value is not None]
        self.ticks = nice_ticks(min([0.0, *values]), max([0.0, *values]))
        self.low, self.high = self.ticks[0], self.ticks[-1]
        self.slot = (WIDTH - LEFT - RIGHT) / max(len(points), 1)
        self.empty = not values

    def x(self, index: int) -> float:
        return LEFT + self.slot * (index + 0.5)

    def y(self, value: float) -> float:
        share = (value - self.low) / (self.high - self.low)
        return TOP + (HEIGHT - TOP - BOTTOM) * (1 - share)


def nice_ticks(low: float, high: float, count: int = 4) -> list[float]:
    """Round values from at most `low` to at least `high`, about `count` steps apart."""
    if high <= low:
        high = low + 1
    raw = (high - low) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    first, last = math.floor(low / step), math.ceil(high / step)
    return [round(n * step, 10) for n in range(first, last + 1)]


def _runs(points: Points) -> list[list[tuple[int, float]]]:
    runs: list[list[tuple[int, float]]] = [[]]
    for index, (_, value) in enumerate(points):
        if value is None:
            runs.append([])
        else:
            runs[-1].append((index, value))
    return [run for run in runs if run]


def _heading(title: str, width: int = 56) -> list[str]:
    """The title above the plot; a long "German / English" one on two lines."""
    german, slash, english = title.partition(" / ")
    lines = [german + slash.rstrip(), english] if len(title) > width and slash else [title]
    return [f'<text x="8" y="{16 + 15 * number}" class="chart-title">{escape(line)}</text>'
            for number, line in enumerate(lines)]


def _svg(chart_id: str, title: str, axis: str, caption: str, frame: _Frame, points: Points,
         fmt: Format, marks: list[str]) -> str:
    ident = escape(chart_id)
    listed = "; ".join(f"{label}: {MISSING if value is None else fmt(value)}"
                       for label, value in points)
    bottom, right = HEIGHT - BOTTOM, WIDTH - RIGHT
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" role="img" class="chart" '
        f'aria-labelledby="{ident}-title {ident}-desc">',
        f'<title id="{ident}-title">{escape(title)}</title>',
        f'<desc id="{ident}-desc">{escape(listed or "keine Werte / no values")}</desc>',
        *_heading(title),
    ]
    for tick in frame.ticks:
        y = frame.y(tick)
        parts.append(f'<line x1="{LEFT}" y1="{y:.1f}" x2="{right}" y2="{y:.1f}" '
                     'stroke="#d0d0d0" stroke-width="1"/>')
        parts.append(f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" '
                     f'class="tick">{escape(fmt(tick))}</text>')
    parts.append(f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{bottom}" stroke="#333"/>')
    parts.append(f'<line x1="{LEFT}" y1="{frame.y(0.0):.1f}" x2="{right}" '
                 f'y2="{frame.y(0.0):.1f}" stroke="#333"/>')
    for index, (label, _) in enumerate(points):
        parts.append(f'<text x="{frame.x(index):.1f}" y="{bottom + 16}" text-anchor="middle" '
                     f'class="tick">{escape(label)}</text>')
    parts.append(f'<text x="{(LEFT + right) / 2:.1f}" y="{HEIGHT - 8}" text-anchor="middle" '
                 f'class="axis">{escape(caption)}</text>')
    parts.append(f'<text transform="translate(14 {(TOP + bottom) / 2:.1f}) rotate(-90)" '
                 f'text-anchor="middle" class="axis">{escape(axis)}</text>')
    if frame.empty:
        parts.append(f'<text x="{(LEFT + right) / 2:.1f}" y="{(TOP + bottom) / 2:.1f}" '
                     'text-anchor="middle" class="empty">keine Werte / no values</text>')
    parts += marks
    parts.append("</svg>")
    return "\n".join(parts)
