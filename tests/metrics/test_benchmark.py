"""The projection benchmark runs as the README says and ends with its ratio."""

from __future__ import annotations

import re

import pytest

from bench.projection import run
from tests.support import Infrastructure

pytestmark = [pytest.mark.integration, pytest.mark.slow]


async def test_the_benchmark_prints_three_rates_and_the_ratio_last(
        infrastructure: Infrastructure, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("WIRKUNG_BENCH_DATABASE_URL", infrastructure.admin_database_url)
    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", infrastructure.bootstrap_servers)

    await run(cases=40, partitions=1, limit_seconds=2.0)

    lines = capsys.readouterr().out.strip().splitlines()
    assert [line[:3] for line in lines[1:4]] == ["(a)", "(b)", "(c)"]
    assert all(re.search(r"[\d,]+ events/s", line) for line in lines[1:4])
    assert re.fullmatch(r"ratio=\d+\.\d{3}", lines[-1])
