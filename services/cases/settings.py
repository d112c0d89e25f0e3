"""Settings of the cases service; environment names match docker-compose.yml."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import SettingsConfigDict

from services.cases.application.workspace_dtos import Deadlines
from services.cases.blind_index import MIN_KEY_LENGTH
from services.cases.key_wrapping import KeyEncryptionKey, Keyring, new_key_encryption_key_text
from services.cases.retention import DEFAULT_YEARS, RetentionPeriods
from shared.settings import WriteServiceSettings


class CasesSettings(WriteServiceSettings):
    """Everything the cases service reads from its environment."""

    model_config = SettingsConfigDict(env_prefix="WIRKUNG_CASES_", extra="ignore")

    # The consumer group of the agreements replica; a new group name rebuilds it from the topic.
    replica_group: str = "wirkung-cases-replica"
    # The work list (Fristen): a goal is due for review this many days after its last review
    # (or its setting), an assessment this many days after the opening, and a running service
    # is listed from this many days before its end.
    review_interval_days: int = Field(Deadlines.review_interval_days, ge=1, le=3650)
    assessment_within_days: int = Field(Deadlines.assessment_within_days, ge=0, le=3650)
    service_ending_days: int = Field(Deadlines.ending_within_days, ge=0, le=3650)
    # The key of the blind index that finds clients by name and birth date (HMAC-SHA256):
    # random text of at least 32 characters, kept apart from the database like the audit key
    # (`wirkung dev` makes one). Without it the service makes one at each start, and finds
    # no client registered before that start.
    blind_index_key: SecretStr | None = None
    # The installation's catalog of purposes (Zweckbindung) as a JSON file; see
    # services/cases/purposes.py. Without it the built-in catalog applies.
    purposes_file: Path | None = None
    # Retention periods (Löschfristen): years after the closure of a person's last case,
    # per field of action (JSON, e.g. {"jugend": 10, "wohnen": 5}), and for any other field.
    # The service erases what is due every `retention_check_seconds` (0: only by command).
    retention_years: dict[str, int] = Field(default_factory=lambda: dict(DEFAULT_YEARS))
    retention_otherwise_years: int = Field(10, ge=1, le=100)
    retention_check_seconds: float = Field(6 * 3600, ge=0)
    # The key-encryption key (KEK) that wraps each client's own key: base64 of 32 random
    # bytes, kept apart from the database (`wirkung dev` makes one). Required: without it
    # no client key can be opened. While rotating it, the one before is the previous key.
    key_encryption_key: SecretStr | None = None
    previous_key_encryption_key: SecretStr | None = None

    @field_validator("blind_index_key")
    @classmethod
    def long_enough(cls, key: SecretStr | None) -> SecretStr | None:
        if key is not None and len(key.get_secret_value().encode()) < MIN_KEY_LENGTH:
            raise ValueError(f"the blind index key needs at least {MIN_KEY_LENGTH} bytes")
        return key

    def retention(self) -> RetentionPeriods:
        return RetentionPeriods(years=dict(self.retention_years),
                                otherwise=self.retention_otherwise_years)

    @field_validator("key_encryption_key", "previous_key_encryption_key")
    @classmethod
    def a_key(cls, key: SecretStr | None) -> SecretStr | None:
        if key is None or not key.get_secret_value():  # compose sets an unused one empty
            return None
        KeyEncryptionKey.from_text(key.get_secret_value())
        return key

    @staticmethod
    def new_key_encryption_key() -> str:
        """A new random KEK as `WIRKUNG_CASES_KEY_ENCRYPTION_KEY` takes it (`wirkung dev`)."""
        return new_key_encryption_key_text()

    def keyring(self) -> Keyring:
        """The KEKs the vault opens keys with; the current one wraps them."""
        if self.key_encryption_key is None:
            raise ValueError("set WIRKUNG_CASES_KEY_ENCRYPTION_KEY (base64 of 32 random bytes; "
                             "`wirkung dev` makes one): it wraps every client's key")
        previous = self.previous_key_encryption_key
        return Keyring(KeyEncryptionKey.from_text(self.key_encryption_key.get_secret_value()),
                       () if previous is None else (
                           KeyEncryptionKey.from_text(previous.get_secret_value()),))

    def deadlines(self) -> Deadlines:
        """The work list's deadlines, as the application takes them."""
        return Deadlines(review_interval_days=self.review_interval_days,
                         assessment_within_days=self.assessment_within_days,
                         ending_within_days=self.service_ending_days)
