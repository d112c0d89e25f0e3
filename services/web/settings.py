"""Settings of the web service; environment names match docker-compose.yml."""

from __future__ import annotations

import base64
import secrets
from datetime import date

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from shared.clock import Clock, clock_for


class WebSettings(BaseSettings):
    """Everything the web service reads from its environment."""

    model_config = SettingsConfigDict(env_prefix="WIRKUNG_WEB_", extra="ignore",
                                      populate_by_name=True)

    agreements_url: str = Field("http://127.0.0.1:8001",
                                validation_alias="WIRKUNG_AGREEMENTS_URL")
    cases_url: str = Field("http://127.0.0.1:8002", validation_alias="WIRKUNG_CASES_URL")
    metrics_url: str = Field("http://127.0.0.1:8003",
                             validation_alias="WIRKUNG_METRICS_URL")
    # 32 bytes, URL-safe base64: the key the session cookie is encrypted with.
    session_key: SecretStr
    # Behind TLS the cookie is marked Secure; off only for plain-HTTP development.
    secure_cookies: bool = True
    # Development sign-in: tokens minted with the services' HS256 secret. Absent when the
    # services verify tokens against an OIDC issuer's keys (WIRKUNG_AUTH_JWKS_URL).
    auth_secret: SecretStr | None = Field(None, validation_alias="WIRKUNG_AUTH_SECRET")
    auth_jwks_url: str | None = Field(None, validation_alias="WIRKUNG_AUTH_JWKS_URL")
    # OpenID Connect (production): the issuer and this client's registration.
    oidc_issuer: str | None = None
    oidc_client_id: str | None = None
    oidc_client_secret: SecretStr | None = None
    # The address people open (https://wirkung.example), for the redirect URIs registered
    # at the issuer; behind a TLS proxy the request's own URL says http. Default: that URL.
    public_url: str | None = None
    # The services' token check, repeated at sign-in so that a token they would refuse is
    # refused there. Unset: the issuer's own keys and name, and this client's id.
    auth_issuer: str | None = Field(None, validation_alias="WIRKUNG_AUTH_ISSUER")
    auth_audience: str | None = Field(None, validation_alias="WIRKUNG_AUTH_AUDIENCE")
    # Teams offered by the development sign-in (the demo's teams).
    dev_teams: str = "asd-nord,asd-sued,asd-mitte,asd-west"
    # How long a development sign-in lasts.
    dev_session_minutes: int = 8 * 60
    feedback_address: str = "barrierefreiheit@wirkung.example"
    log_level: str = Field("INFO", validation_alias="WIRKUNG_LOG_LEVEL")
    # The day the installation counts as today, for tests and demonstrations only.
    fixed_day: date | None = Field(None, validation_alias="WIRKUNG_FIXED_DAY")

    @staticmethod
    def new_session_key() -> str:
        """A new random key as `WIRKUNG_WEB_SESSION_KEY` takes it (`wirkung dev`)."""
        return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()

    def clock(self) -> Clock:
        """What day it is for the pages (see `shared.clock.clock_for`)."""
        return clock_for(self.fixed_day)

    @property
    def development_sign_in(self) -> bool:
        """The development sign-in exists only while the services trust the local secret."""
        return self.auth_secret is not None and not self.auth_jwks_url and not self.oidc_issuer

    @property
    def teams(self) -> list[str]:
        return [team.strip() for team in self.dev_teams.split(",") if team.strip()]
