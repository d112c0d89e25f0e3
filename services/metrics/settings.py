"""Settings of the metrics service; environment names match docker-compose.yml."""

from __future__ import annotations

from pydantic import SecretStr
from pydantic_settings import SettingsConfigDict

from services.metrics.indicators.disclosure import CellKeyMethod
from shared.settings import ServiceSettings


class MetricsSettings(ServiceSettings):
    """Everything the metrics service reads from its environment."""

    model_config = SettingsConfigDict(env_prefix="WIRKUNG_METRICS_", extra="ignore")

    database_url: str
    consumer_group: str = "wirkung-metrics"
    disclosure_threshold: int = 5
    # The secret of the cell-key method (any text, at least 16 bytes; `wirkung dev` makes
    # one): it decides every cell's noise, so it stays the same for the installation's
    # life, or published figures can no longer be verified. Required.
    cell_key_secret: SecretStr | None = None

    def cell_key_method(self) -> CellKeyMethod:
        """The cell-key method that perturbs what readers other than the auditor see."""
        secret = None if self.cell_key_secret is None else self.cell_key_secret.get_secret_value()
        if not secret or len(secret.encode()) < MIN_SECRET_LENGTH:
            raise ValueError(f"set WIRKUNG_METRICS_CELL_KEY_SECRET (at least "
                             f"{MIN_SECRET_LENGTH} bytes; `wirkung dev` makes one): it "
                             "perturbs the published figures (cell-key method)")
        return CellKeyMethod(secret.encode())


MIN_SECRET_LENGTH = 16
