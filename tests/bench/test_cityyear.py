"""The city-year harness on a small city: everything taken in, rebuilt, fresh, measured."""

from __future__ import annotations

import re

import pytest

from bench import freshness, rebuild
from bench.cityyear import city_year, report

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def figures(output: str) -> dict[str, str]:
    return dict(line.split("=", 1) for line in output.splitlines()
                if re.match(r"^[a-z0-9_]+=", line))


def test_a_small_city_year_is_taken_in_rebuilt_and_kept_fresh(
        capsys: pytest.CaptureFixture[str]) -> None:
    with city_year("small", seed=3) as system:
        report(system)
        rebuild.run(system)
        freshness.run(system, rate=20, seconds=2, clients=4)
        peaks = system.peak_rss_mib()
    shown = figures(capsys.readouterr().out)

    events = system.counts.events
    assert int(shown["city_events"]) == events > 30_000
    assert {"stage_simulate_seconds", "stage_intake_relays_seconds",
            "stage_intake_views_seconds", "stage_intake_audit_seconds",
            "stage_intake_metrics_seconds", "stage_intake_seconds"} <= set(shown)
    assert int(shown["raw_log_read_events"]) == events
    assert float(shown["rebuild_seconds"]) > 0
    assert float(shown["rebuild_ratio"]) > 0
    assert shown["freshness_commands"] == "40"
    assert shown["freshness_failed"] == "0"
    assert float(shown["freshness_p95_ms"]) >= float(shown["freshness_p50_ms"]) > 0
    assert set(peaks) == {"agreements", "cases", "metrics"}
    assert all(mib > 20 for mib in peaks.values())
