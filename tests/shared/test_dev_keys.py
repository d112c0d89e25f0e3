"""`wirkung dev` makes the cases service's blind index key and key-encryption key, and the
metrics service's cell-key secret, once and keeps them for every start."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from services.cases.key_wrapping import KeyEncryptionKey
from services.cases.main import create_app
from services.cases.settings import CasesSettings
from services.metrics.indicators.disclosure import CellKeyMethod
from services.metrics.main import create_app as metrics_app
from services.metrics.settings import MetricsSettings
from wirkung.dev import (
    development_blind_index_key,
    development_cell_key_secret,
    development_key_encryption_key,
)


def test_the_blind_index_key_is_made_once_kept_private_and_accepted_by_the_settings(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / ".wirkung"

    first, again = development_blind_index_key(home), development_blind_index_key(home)
    monkeypatch.setenv("WIRKUNG_CASES_BLIND_INDEX_KEY", first)
    settings = CasesSettings(database_url="postgresql://localhost/cases")

    assert first == again
    assert len(first) >= 32
    assert stat.S_IMODE((home / "blind-index-cases.key").stat().st_mode) == 0o600
    assert settings.blind_index_key is not None
    assert settings.blind_index_key.get_secret_value() == first


def test_a_short_blind_index_key_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WIRKUNG_CASES_BLIND_INDEX_KEY", "zu-kurz")

    with pytest.raises(ValueError, match="32 bytes"):
        CasesSettings(database_url="postgresql://localhost/cases")


def test_the_key_encryption_key_is_made_once_kept_private_and_accepted_by_the_settings(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / ".wirkung"

    first = development_key_encryption_key(home)
    monkeypatch.setenv("WIRKUNG_CASES_KEY_ENCRYPTION_KEY", first)
    settings = CasesSettings(database_url="postgresql://localhost/cases")

    assert development_key_encryption_key(home) == first
    assert stat.S_IMODE((home / "key-encryption-cases.key").stat().st_mode) == 0o600
    assert settings.keyring().current == KeyEncryptionKey.from_text(first)
    assert settings.keyring().previous == ()


def test_without_a_key_encryption_key_the_cases_service_does_not_start(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("WIRKUNG_CASES_KEY_ENCRYPTION_KEY", raising=False)

    with pytest.raises(ValueError, match="WIRKUNG_CASES_KEY_ENCRYPTION_KEY"):
        create_app(CasesSettings(database_url="postgresql://localhost/cases"))


def test_a_malformed_key_encryption_key_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WIRKUNG_CASES_PREVIOUS_KEY_ENCRYPTION_KEY", "zu-kurz")

    with pytest.raises(ValueError, match="32"):
        CasesSettings(database_url="postgresql://localhost/cases")


def test_the_cell_key_secret_is_made_once_kept_private_and_accepted_by_the_settings(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / ".wirkung"

    first = development_cell_key_secret(home)
    monkeypatch.setenv("WIRKUNG_METRICS_CELL_KEY_SECRET", first)
    settings = MetricsSettings(database_url="postgresql://localhost/metrics")

    assert development_cell_key_secret(home) == first
    assert stat.S_IMODE((home / "cell-key-metrics.key").stat().st_mode) == 0o600
    assert settings.cell_key_method() == CellKeyMethod(first.encode())


def test_without_a_cell_key_secret_the_metrics_service_does_not_start(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("WIRKUNG_METRICS_CELL_KEY_SECRET", raising=False)

    with pytest.raises(ValueError, match="WIRKUNG_METRICS_CELL_KEY_SECRET"):
        metrics_app(MetricsSettings(database_url="postgresql://localhost/metrics"))
