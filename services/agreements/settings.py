"""Settings of the agreements service; environment names match docker-compose.yml."""

from __future__ import annotations

from pydantic_settings import SettingsConfigDict

from shared.settings import WriteServiceSettings


class AgreementsSettings(WriteServiceSettings):
    """Everything the agreements service reads from its environment."""

    model_config = SettingsConfigDict(env_prefix="WIRKUNG_AGREEMENTS_", extra="ignore")

