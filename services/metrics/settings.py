"""Settings of the metrics service; environment names match docker-compose.yml."""

from __future__ import annotations

from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings


class MetricsSettings(ServiceSettings):
    """Everything the metrics service reads from its environment."""

    model_config = SettingsConfigDict(env_prefix="WIRKUNG_METRICS_", extra="ignore")

    database_url: str
    consumer_group: str = "wirkung-metrics"
    disclosure_threshold: int = 5
