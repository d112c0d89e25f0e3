"""The hand-written SVG charts: valid XML, a mark per value, gaps, one point, no values."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from shared.report.svg import COLOUR, MISSING, bar_chart, line_chart, nice_ticks

NS = {"svg": "http://www.w3.org/2000/svg"}
HOSTILE = '<script>alert("x")</script>&'


def parsed(text: str) -> ET.Element:
    return ET.fromstring(text)  # noqa: S314 - our own output


def months(*values: float | None) -> list[tuple[str, float | None]]:
    return [(f"{number:02d}", value) for number, value in enumerate(values, start=1)]


def zero_line(chart: ET.Element) -> float:
    """The y of the horizontal axis (the value 0): the second dark line."""
    axes = [line for line in chart.findall("svg:line", NS) if line.get("stroke") == "#333"]
    return float(axes[1].get("y1", "nan"))


def test_a_line_chart_has_a_point_for_each_value_at_its_height() -> None:
    values = [2.0, 4.0, 1.0, 8.0]

    chart = parsed(line_chart("c", "Fälle / cases", "cases", months(*values)))

    points = chart.findall("svg:circle", NS)
    assert len(points) == 4
    zero = zero_line(chart)
    heights = [zero - float(point.get("cy", "nan")) for point in points]
    assert [h / heights[3] for h in heights] == pytest.approx([v / 8.0 for v in values], abs=0.005)
    xs = [float(point.get("cx", "nan")) for point in points]
    assert xs == sorted(xs)
    assert [p.get("fill") for p in points] == [COLOUR] * 4
    (line,) = chart.findall("svg:polyline", NS)
    assert len(line.get("points", "").split()) == 4
    assert [point.find("svg:title", NS).text for point in points] == [  # type: ignore[union-attr]
        "01: 2", "02: 4", "03: 1", "04: 8"]


def test_a_missing_value_leaves_a_gap_in_the_line() -> None:
    chart = parsed(line_chart("c", "T", "share", months(1.0, None, 2.0, 3.0, None)))

    assert len(chart.findall("svg:circle", NS)) == 3
    (line,) = chart.findall("svg:polyline", NS)  # the lone first point has no line
    assert len(line.get("points", "").split()) == 2
    assert f"02: {MISSING}" in (chart.find("svg:desc", NS).text or "")  # type: ignore[union-attr]


def test_a_single_point_is_drawn_in_the_middle_without_a_line() -> None:
    chart = parsed(line_chart("c", "T", "days", [("03", 12.5)]))

    (point,) = chart.findall("svg:circle", NS)
    assert chart.findall("svg:polyline", NS) == []
    width = float(chart.get("width", "nan"))
    left = float(chart.findall("svg:line", NS)[-2].get("x1", "nan"))  # the y axis
    right = float(chart.findall("svg:line", NS)[0].get("x2", "nan"))  # a grid line's end
    assert float(point.get("cx", "nan")) == pytest.approx((left + right) / 2)
    assert 0 < float(point.get("cx", "nan")) < width


@pytest.mark.parametrize("draw", [line_chart, bar_chart])
def test_without_any_value_the_chart_says_so(draw: object) -> None:
    chart = parsed(draw("c", "T", "cases", months(None, None)))  # type: ignore[operator]

    texts = [element.text for element in chart.iter() if element.text]
    assert "keine Werte / no values" in texts
    assert chart.findall("svg:circle", NS) == chart.findall("svg:rect", NS) == []


def test_bars_reach_from_zero_to_each_value_also_below_zero() -> None:
    chart = parsed(bar_chart("c", "T", "share points", months(3.0, None, -1.5, 6.0)))

    bars = chart.findall("svg:rect", NS)
    assert len(bars) == 3
    zero = zero_line(chart)
    tops = [float(bar.get("y", "nan")) for bar in bars]
    heights = [float(bar.get("height", "nan")) for bar in bars]
    assert [h / heights[2] for h in heights] == pytest.approx([0.5, 0.25, 1.0], abs=0.005)
    assert tops[0] + heights[0] == pytest.approx(zero, abs=0.2)  # above the axis
    assert tops[1] == pytest.approx(zero, abs=0.2)  # below it


def test_the_chart_names_itself_for_screen_readers_and_escapes_what_it_shows() -> None:
    chart = parsed(line_chart("chart-x", HOSTILE, HOSTILE, [(HOSTILE, 1.0)], caption=HOSTILE))

    title, desc = chart.find("svg:title", NS), chart.find("svg:desc", NS)
    assert chart.get("role") == "img"
    assert chart.get("aria-labelledby") == "chart-x-title chart-x-desc"
    assert title is not None
    assert title.get("id") == "chart-x-title"
    assert title.text == HOSTILE
    assert desc is not None
    assert desc.text == f"{HOSTILE}: 1"
    assert chart.findall(".//svg:script", NS) == []


def test_a_long_german_and_english_title_takes_two_lines() -> None:
    title = "Wiedereintrittsquote binnen 12 Monaten / Re-entry within 12 months"

    chart = parsed(line_chart("c", title, "share", months(0.1)))

    headings = [t.text for t in chart.findall("svg:text", NS) if t.get("class") == "chart-title"]
    assert headings == ["Wiedereintrittsquote binnen 12 Monaten /", "Re-entry within 12 months"]


@pytest.mark.parametrize(("low", "high", "expected"), [
    (0.0, 1.0, [0.0, 0.25, 0.5, 0.75, 1.0]),
    (0.0, 12.0, [0.0, 5.0, 10.0, 15.0]),
    (-1.5, 6.0, [-2.0, 0.0, 2.0, 4.0, 6.0]),
    (0.0, 0.0, [0.0, 0.25, 0.5, 0.75, 1.0]),
    (0.0, 1234.0, [0.0, 500.0, 1000.0, 1500.0]),
])
def test_axis_ticks_are_round_and_cover_the_values(low: float, high: float,
                                                   expected: list[float]) -> None:
    assert nice_ticks(low, high) == expected
