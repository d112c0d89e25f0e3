"""How the auditor's pages lay out recorded data: field by field, moments in Berlin time."""

from __future__ import annotations

import pytest

from services.web.pages.audit_fields import (
    Difference,
    Field,
    differences,
    fields,
    moment_field,
    moment_of,
    recorded,
)


def test_a_nested_document_is_one_field_per_leaf_named_by_its_path() -> None:
    document: dict[str, object] = {"status": "active", "signed_on": None, "suspensions": [],
                "terms": {"capacity": 12, "impact_goals": [{"target_value": "0.7"}]},
                "late": False}

    assert fields(document) == [
        Field("status", "active"), Field("signed_on", "\N{EN DASH}"),
        Field("suspensions", "[]"), Field("terms.capacity", "12"),
        Field("terms.impact_goals[0].target_value", "0.7"), Field("late", "false")]


def test_the_difference_names_changed_added_and_removed_fields_only() -> None:
    before = {"version": 1, "status": "draft", "terms": {"capacity": 12}, "reason": "x"}
    after = {"version": 3, "status": "draft", "terms": {"capacity": 15, "districts": ["Nord"]}}

    assert differences(before, after) == [
        Difference("version", "1", "3"), Difference("terms.capacity", "12", "15"),
        Difference("terms.districts[0]", None, "Nord"), Difference("reason", "x", None)]


def test_two_equal_states_have_no_difference() -> None:
    assert differences({"a": [1, 2]}, {"a": [1, 2]}) == []


@pytest.mark.parametrize(("typed", "moment"), [
    ("2026-11-30T15:20:07", "2026-11-30T15:20:07+01:00"),
    ("2026-11-30T15:20", "2026-11-30T15:20:00+01:00"),
    ("30.11.2026 15:20:07", "2026-11-30T15:20:07+01:00"),
    ("30.11.2026, 15:20", "2026-11-30T15:20:00+01:00"),
    ("30.06.2026", "2026-06-30T00:00:00+02:00"),  # summer time
    ("2026-11-30T14:20:07+00:00", "2026-11-30T14:20:07+00:00"),
    ("", None),
])
def test_a_moment_is_read_as_typed_and_without_a_zone_in_berlin_time(
        typed: str, moment: str | None) -> None:
    assert moment_of(typed) == moment


@pytest.mark.parametrize("typed", ["gestern", "31.02.2026", "2026-13-01T00:00"])
def test_what_is_not_a_moment_is_refused(typed: str) -> None:
    with pytest.raises(ValueError, match=r".+"):
        moment_of(typed)


def test_a_moment_is_shown_again_in_berlin_time_to_the_second() -> None:
    assert moment_field("2026-11-30T14:20:07+00:00") == "2026-11-30T15:20:07"
    assert recorded("2026-11-30T14:20:07.5Z", "de") == "30.11.2026, 15:20:07"
