"""Settings of the cases service; environment names match docker-compose.yml."""

from __future__ import annotations

from pydantic_settings import SettingsConfigDict

from shared.settings import WriteServiceSettings


class CasesSettings(WriteServiceSettings):
    """Everything the cases service reads from its environment."""

    model_config = SettingsConfigDict(env_prefix="WIRKUNG_CASES_", extra="ignore")

    # The consumer group of the agreements replica; a new group name rebuilds it from the topic.
    replica_group: str = "wirkung-cases-replica"
