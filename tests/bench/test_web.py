"""The page benchmark's parts, and one short run of its demo phase on a small demo."""

from __future__ import annotations

import re

import pytest

from bench.web import csrf_token, main, server_seconds, spread

METRICS = """\
# TYPE wirkung_http_request_duration_seconds histogram
wirkung_http_request_duration_seconds_count{method="GET",route="/faelle",service="web"} 3.0
wirkung_http_request_duration_seconds_sum{method="GET",route="/faelle",service="web"} 0.25
wirkung_http_request_duration_seconds_count{method="GET",route="/faelle/{case_id}",\
service="web"} 2.0
wirkung_http_request_duration_seconds_sum{method="GET",route="/faelle/{case_id}",\
service="web"} 0.5
wirkung_http_request_duration_seconds_count{method="POST",route="/faelle/{case_id}",\
service="web"} 7.0
"""


def test_a_spread_runs_from_the_first_to_the_last_at_even_steps() -> None:
    assert spread(list(range(101)), 5) == [0, 25, 50, 75, 100]
    assert spread([1, 2, 3], 10) == [1, 2, 3]
    assert spread([1, 2, 3], 1) == [3]


def test_the_server_time_of_a_route_is_read_from_its_histogram() -> None:
    assert server_seconds(METRICS, "/faelle") == (0.25, 3)
    assert server_seconds(METRICS, "/faelle/{case_id}") == (0.5, 2)
    assert server_seconds(METRICS, "/fristen") == (0.0, 0)


def test_the_csrf_token_is_taken_from_the_sign_in_form() -> None:
    form = '<input type="hidden" name="csrf_token" value="abc-12_3">'
    assert csrf_token(form) == "abc-12_3"
    with pytest.raises(RuntimeError):
        csrf_token("<form></form>")


@pytest.mark.integration
@pytest.mark.slow
def test_the_demo_phase_times_every_roles_pages_through_a_real_sign_in(
        capsys: pytest.CaptureFixture[str]) -> None:
    main(["--phases", "demo", "--demo-cases", "200", "--requests", "6", "--warmup", "2"])
    shown = dict(line.split("=", 1) for line in capsys.readouterr().out.splitlines()
                 if re.match(r"^[a-z0-9_]+=", line))

    assert shown["demo_cases"] == "200"
    assert shown["demo_team"] == "asd-nord"
    assert int(shown["demo_team_cases"]) > 0
    worst = 0.0
    goals = {"case_list": 250, "case_page": 250, "dashboard": 500, "review_queue": 250,
             "provider_reports": 250}
    for page, goal in goals.items():
        p50, p95 = float(shown[f"demo_{page}_p50_ms"]), float(shown[f"demo_{page}_p95_ms"])
        assert 0 < p50 <= p95
        # The server's own time is part of the client's.
        assert 0 < float(shown[f"demo_{page}_server_mean_ms"]) < float(
            shown[f"demo_{page}_mean_ms"])
        assert float(shown[f"demo_{page}_goal_ms"]) == goal
        worst = max(worst, p95 / goal)
    for call in ("cases", "counts", "case", "assignable"):
        assert float(shown[f"demo_api_{call}_p95_ms"]) > 0
    assert float(shown["ratio"]) == pytest.approx(worst, abs=0.001)
    assert "city_case_list_p95_ms" not in shown
