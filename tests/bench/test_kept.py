"""The kept-units benchmark on a small city: both paths asked, figures printed."""

from __future__ import annotations

import re

import pytest

from bench import kept

pytestmark = [pytest.mark.integration, pytest.mark.slow]


async def test_a_small_city_is_asked_from_the_units_kept_and_from_the_facts(
        capsys: pytest.CaptureFixture[str]) -> None:
    await kept.run(cases=300, rounds=1, year=2026, small=10, batch_events=3)
    shown = dict(line.split("=", 1) for line in capsys.readouterr().out.splitlines()
                 if re.match(r"^[a-z0-9_]+=", line))

    assert int(shown["questions"]) > 30
    assert int(shown["case_units_rows"]) > 0
    assert int(shown["agreement_units_rows"]) > 0
    for path in ("kept", "from_facts"):
        assert float(shown[f"{path}_p95_ms"]) >= float(shown[f"{path}_p50_ms"]) > 0
    assert shown["live_batch_events"] == "3"
    assert float(shown["live_batch_max_ms"]) >= float(shown["live_batch_p50_ms"]) > 0
