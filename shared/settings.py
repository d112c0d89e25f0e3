"""Settings base shared by all services (twelve-factor: everything from the environment).

Names of environment variables match `docker-compose.yml`; a test checks that.
Fields common to every service carry an explicit alias, so the per-service
prefix (`WIRKUNG_AGREEMENTS_`, ...) applies only to what is the service's own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from shared.clock import Clock, clock_for


def _env(name: str) -> AliasChoices:
    return AliasChoices(name)


@dataclass(frozen=True)
class GroupTiming:
    """How a consumer group member keeps its place (aiokafka's and Kafka's defaults).

    A member that stops heartbeating is dropped after `session_timeout_ms`; the
    others learn of a rebalance at their next heartbeat. The development broker
    also holds every join for half the session timeout, so a short session starts
    a consumer sooner there; Apache Kafka refuses sessions under 6 s by default.
    """

    session_timeout_ms: int = 10_000
    heartbeat_interval_ms: int = 3_000

    def consumer_options(self) -> dict[str, int]:
        """Keyword arguments for `AIOKafkaConsumer`."""
        return {"session_timeout_ms": self.session_timeout_ms,
                "heartbeat_interval_ms": self.heartbeat_interval_ms}


DEFAULT_GROUP_TIMING = GroupTiming()


class ServiceSettings(BaseSettings):
    """What every Wirkung service needs: broker, topics, auth, logging."""

    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True)

    kafka_bootstrap_servers: str = Field(
        "localhost:9092", validation_alias=_env("KAFKA_BOOTSTRAP_SERVERS")
    )
    # The development broker has no idempotent producer; Apache Kafka does.
    kafka_enable_idempotence: bool = Field(
        False, validation_alias=_env("KAFKA_ENABLE_IDEMPOTENCE")
    )
    # Consumer groups (see GroupTiming): how soon a member that died is dropped, how often
    # a member heartbeats (at most a third of the session timeout).
    kafka_session_timeout_ms: int = Field(
        GroupTiming.session_timeout_ms, ge=1000, validation_alias=_env("KAFKA_SESSION_TIMEOUT_MS")
    )
    kafka_heartbeat_interval_ms: int = Field(
        GroupTiming.heartbeat_interval_ms, ge=100,
        validation_alias=_env("KAFKA_HEARTBEAT_INTERVAL_MS"),
    )
    topic_prefix: str = Field("wirkung", validation_alias=_env("WIRKUNG_TOPIC_PREFIX"))
    auth_secret: SecretStr | None = Field(None, validation_alias=_env("WIRKUNG_AUTH_SECRET"))
    auth_jwks_url: str | None = Field(None, validation_alias=_env("WIRKUNG_AUTH_JWKS_URL"))
    auth_issuer: str = Field("wirkung", validation_alias=_env("WIRKUNG_AUTH_ISSUER"))
    auth_audience: str = Field("wirkung", validation_alias=_env("WIRKUNG_AUTH_AUDIENCE"))
    log_level: str = Field("INFO", validation_alias=_env("WIRKUNG_LOG_LEVEL"))
    # The day the installation counts as today, for tests and demonstrations only.
    fixed_day: date | None = Field(None, validation_alias=_env("WIRKUNG_FIXED_DAY"))

    def clock(self) -> Clock:
        """The clock the composition root gives the application (see `clock_for`)."""
        return clock_for(self.fixed_day)

    def group_timing(self) -> GroupTiming:
        return GroupTiming(self.kafka_session_timeout_ms, self.kafka_heartbeat_interval_ms)


def environment_names(settings_class: type[BaseSettings], *,
                      required_only: bool = False) -> set[str]:
    """The environment variable names a settings model reads (or must be given)."""
    prefix = str(settings_class.model_config.get("env_prefix", ""))
    names: set[str] = set()
    for field_name, field in settings_class.model_fields.items():
        if required_only and not field.is_required():
            continue
        alias = field.validation_alias
        if isinstance(alias, AliasChoices):
            names.update(str(choice) for choice in alias.choices)
        elif isinstance(alias, str):
            names.add(alias)
        else:
            names.add(f"{prefix}{field_name}".upper())
    return names


class WriteServiceSettings(ServiceSettings):
    """A service with an event store: its database and its audit signing key."""

    database_url: str
    # Base64 of a raw Ed25519 private key; without it the chain is kept but not signed.
    audit_key: SecretStr | None = None
    audit_checkpoint_events: int = 1000
    audit_checkpoint_seconds: float = 60.0
