"""The report page: well-formed, every section, values in their units, everything escaped."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from shared.report.html import render
from shared.report.model import ReportPeriod
from tests.report.builders import HOSTILE, a_period, a_report
from tests.report.page import Page, charts

SECTIONS = ["chain", "charts", "indicators", "restatements", "access"]


def test_the_page_is_well_formed_and_holds_every_section() -> None:
    report = a_report()

    page = Page(render(report))

    assert [ident for ident in page.ids if ident in SECTIONS] == SECTIONS
    assert page.tags.count("svg") == len(report.indicators)
    assert "Prüfbericht / Auditor's report 2026-Q1" in page.all_text


def test_every_chart_is_valid_svg_with_the_months_of_the_period() -> None:
    text = render(a_report(period="2026"))

    parsed = charts(text)

    assert len(parsed) == 3
    for chart in parsed:
        labels = [t.text for t in chart.iter("{http://www.w3.org/2000/svg}text")
                  if t.get("class") == "tick" and t.get("text-anchor") == "middle"]
        assert labels == [f"{month:02d}" for month in range(1, 13)]


def test_hostile_strings_are_escaped_everywhere() -> None:
    text = render(a_report(broken=True))

    page = Page(text)

    assert HOSTILE not in text
    assert "script" not in page.tags
    assert "b" not in page.tags
    # Finding, manifest entry, restating event, access log role and purpose: all as text.
    assert page.all_text.count(HOSTILE) == 5


def test_the_page_needs_nothing_from_outside() -> None:
    text = render(a_report())

    page = Page(text)

    assert not {"script", "link", "img", "iframe", "object"} & set(page.tags)
    assert re.findall(r"https?://[^\"']*", text) == ["http://www.w3.org/2000/svg"] * 3
    assert "<style>" in text


def test_an_intact_and_a_broken_chain_are_shown_with_the_finding() -> None:
    rows = Page(render(a_report(broken=True))).rows

    assert ["agreements", "10", "10", "2", "1", "1", "unversehrt / intact"] in rows
    assert ["cases", "5", "5", "1", "1", "0",
            f"GEBROCHEN / BROKENposition 3 (aggregate {HOSTILE}): event edited"] in rows


def test_each_indicator_shows_its_value_in_its_unit_and_its_manifest() -> None:
    rows = Page(render(a_report())).rows

    active, planned, reentry = (row for row in rows
                                if len(row) == 7 and re.search(r"\bv\d+\b", row[0]))
    assert active[6] == 'definition_hashsha256:abcinput_positions{"t": {"0": 4}}'
    assert active[1:6] == ["cases", "6", "6", "\N{EN DASH}", "7"]
    assert planned[1:3] == ["share", "50.0 %"]
    assert reentry[1:3] == ["share", "zurückgehalten / withheld"]


def test_restatements_are_listed_with_their_events_once_the_period_has_ended() -> None:
    ended = Page(render(a_report()))
    running = Page(render(a_report(ended=False))).all_text
    none = Page(render(replace(a_report(), restatements=[]))).all_text

    label = a_report().period.label
    assert ["Laufende Fälle / Active cases", label, "2026-04-03T08:00:00+00:00",
            "\N{EN DASH}", "1", f"CaseOpened {HOSTILE} v1+2 more"] in ended.rows
    assert "active_cases: 50 geprüft / examined, 7 weitere / more" in ended.all_text
    assert "The period has not ended" in running
    assert "None: every value is as it was first known after the period's end." in none


def test_the_access_log_is_counted_by_service_role_and_purpose_with_a_total() -> None:
    rows = Page(render(a_report())).rows

    assert ["cases", "caseworker", "Hilfeplanung", "12", "1", "13"] in rows
    assert ["cases", HOSTILE, HOSTILE, "0", "3", "3"] in rows
    assert ["agreements", "provider", "agreements", "0", "2", "2"] in rows
    assert ["Summe / total", "", "", "12", "6", "18"] in rows


def test_a_chain_that_could_not_be_verified_is_named_so_with_the_reason() -> None:
    text = render(a_report(failed=True))

    rows = Page(text).rows

    assert ["cases", "5", "5", "1", "1", "0", f"NICHT GEPRÜFT / NOT VERIFIED {HOSTILE}"] in rows
    assert HOSTILE not in text


@pytest.mark.parametrize("label", ["2026", "2026-Q1", "2026-Q4", "2026-02", "2024-02", "2026-12"])
def test_the_web_names_the_periods_of_its_form_as_the_metrics_service_does(label: str) -> None:
    year, _, part = label.partition("-")

    chosen = ReportPeriod.of(int(year), part)

    assert chosen == a_period(label)
