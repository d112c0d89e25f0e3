from __future__ import annotations

import json
from pathlib import Path

import jwt
import pytest

from shared.contracts.base import registered_contracts
from wirkung.cli import main


def test_contracts_are_exported_as_json_schema_files(tmp_path: Path) -> None:
    assert main(["contracts", "--out", str(tmp_path)]) == 0

    files = {path.stem: json.loads(path.read_text()) for path in tmp_path.glob("*.json")}
    assert set(files) == set(registered_contracts())
    assert files["de.wirkung.cases.CaseOpened.v1"]["title"] == "CaseOpened"


def test_a_token_is_minted_with_the_development_secret(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("WIRKUNG_AUTH_SECRET", raising=False)

    assert main(["token", "--role", "caseworker", "--team", "asd-nord",
                 "--home", str(tmp_path)]) == 0

    token = capsys.readouterr().out.strip()
    secret = (tmp_path / "secret").read_text()
    claims = jwt.decode(token, secret, algorithms=["HS256"], audience="wirkung")
    assert claims["role"] == "caseworker"
    assert claims["team"] == "asd-nord"


def test_a_provider_token_without_a_provider_is_refused(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["token", "--role", "provider", "--home", str(tmp_path)]) == 2
    assert "provider id" in capsys.readouterr().err
