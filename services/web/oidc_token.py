"""Which of the issuer's tokens the services get, and who it says is signed in.

The services verify JWTs against the issuer's JWKS (`shared.auth.TokenVerifier`). An
access token is the bearer token meant for them, but many issuers hand out opaque ones
the services cannot verify; then the ID token, a JWT signed with the same keys, is the
bearer token instead. Either way the token is checked here exactly as the services will
check it, so a token they would refuse ends the sign-in with a clear page instead of
sending the person round between the issuer and a refused page.
"""

from __future__ import annotations

import logging
from typing import Any

import jwt
from starlette.concurrency import run_in_threadpool

from services.web.labels import N_
from services.web.person import Person
from shared.auth import TokenVerifier
from shared.problems import Unauthorized

# Why a sign-in ended, in the words the person reads, and the status of that page.
REASONS = {
    "failed": N_("Die Anmeldung konnte nicht abgeschlossen werden. Das geschieht, wenn sie zu "
                 "lange gedauert hat oder in einem anderen Fenster neu begonnen wurde. Bitte "
                 "melden Sie sich noch einmal an."),
    "denied": N_("Die Anmeldung wurde abgebrochen oder abgelehnt."),
    "unreachable": N_("Der Anmeldedienst antwortet gerade nicht. Bitte versuchen Sie es in "
                      "einigen Minuten noch einmal."),
    "not_accepted": N_("Die Anmeldung ist gelungen, aber die Dienste von Wirkung erkennen sie "
                       "nicht an. Bitte wenden Sie sich an den Betrieb von Wirkung."),
    "no_role": N_("Ihr Konto hat in Wirkung keine Rolle, oder ihm fehlt das Team "
                  "(Fallmanagement) oder der Träger (Freie Träger). Bitte wenden Sie sich an "
                  "die Benutzerverwaltung Ihrer Verwaltung."),
}
STATUS = {"failed": 400, "denied": 400, "unreachable": 503, "not_accepted": 403, "no_role": 403}

_log = logging.getLogger("wirkung.web.oidc")


class SignInRefused(Exception):
    """The sign-in ends here, for a reason of `REASONS`."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def bearer_token(token: dict[str, Any]) -> str:
    """The access token if it is a JWT, else the ID token (both came from the issuer)."""
    access = token.get("access_token")
    if isinstance(access, str) and _is_jwt(access):
        return access
    id_token = token.get("id_token")
    if not isinstance(id_token, str):
        raise SignInRefused("not_accepted")
    return id_token


def _is_jwt(value: str) -> bool:
    if value.count(".") != 2:
        return False
    try:
        jwt.get_unverified_header(value)
    except jwt.PyJWTError:
        return False
    return True


async def person_of(verifier: TokenVerifier, bearer: str, id_token: str) -> Person:
    """The signed-in person, from the claims of the token the services will get."""
    try:
        # May fetch the issuer's keys: not on the event loop.
        principal = await run_in_threadpool(verifier.verify, bearer)
    except Unauthorized as refused:
        if isinstance(refused.__cause__, jwt.PyJWKClientConnectionError):
            raise SignInRefused("unreachable") from refused
        if isinstance(refused.__cause__, jwt.PyJWTError):
            # PyJWT's message names the check (audience, issuer, key), never the token.
            _log.warning("the services would refuse the issuer's token (%s): check "
                         "WIRKUNG_AUTH_ISSUER and WIRKUNG_AUTH_AUDIENCE", refused.__cause__)
            raise SignInRefused("not_accepted") from refused
        _log.info("sign-in refused: the token names no role the services know")
        raise SignInRefused("no_role") from refused
    if not principal.has_scope:
        _log.info("sign-in refused: a %s without team or provider", principal.role.value)
        raise SignInRefused("no_role")
    # Verified a moment ago, so reading `exp` unverified reads what was verified.
    expires_at = int(jwt.decode(bearer, options={"verify_signature": False})["exp"])
    # A cookie holds about 4 KB: when the ID token is the bearer token, it is kept once.
    return Person(token=bearer, subject=principal.subject, role=principal.role.value,
                  expires_at=expires_at, team=principal.team,
                  provider_id=principal.provider_id,
                  id_token=None if id_token == bearer else id_token)


def id_token_of(person: Person) -> str:
    """The ID token to name at sign-out (see `person_of`: kept once when it is the token)."""
    return person.id_token or person.token
