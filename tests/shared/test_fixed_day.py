"""`WIRKUNG_FIXED_DAY`: the day an installation counts as today, for tests and demos only."""

from __future__ import annotations

from datetime import date

import pytest

from shared.clock import FixedClock, SystemClock
from shared.settings import ServiceSettings


def test_a_service_reads_the_fixed_day_from_its_environment(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WIRKUNG_FIXED_DAY", "2031-05-15")

    clock = ServiceSettings().clock()

    assert clock == FixedClock(date(2031, 5, 15))
    assert clock.today() == date(2031, 5, 15)


def test_without_a_fixed_day_a_service_goes_by_the_system_clock(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("WIRKUNG_FIXED_DAY", raising=False)

    assert isinstance(ServiceSettings().clock(), SystemClock)


def test_a_fixed_day_that_is_no_date_stops_the_start(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WIRKUNG_FIXED_DAY", "30.11.2026")

    with pytest.raises(ValueError, match="WIRKUNG_FIXED_DAY"):
        ServiceSettings()
