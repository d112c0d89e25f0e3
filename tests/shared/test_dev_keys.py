"""`wirkung dev` makes the cases service's blind index key once and keeps it for every start."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from services.cases.settings import CasesSettings
from wirkung.dev import development_blind_index_key


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
