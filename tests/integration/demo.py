"""A small demo municipality for the integration tests, straight into the event stores (as
`wirkung dev` seeds its demo), which the services' relays then publish."""

from __future__ import annotations

from datetime import date

from services.agreements.application import Agreements
from services.cases.application import Cases
from services.cases.key_wrapping import KeyEncryptionKey, Keyring
from services.cases.main import postgres_parts
from shared.eventstore import event_store_environment
from tests.support import TEST_KEY_ENCRYPTION_KEY
from wirkung.demo_agreements import seed_agreements
from wirkung.demo_cases import seed_cases


def seed_small_demo(urls: dict[str, str], *, providers: int, per_provider: int,
                    cases: int) -> None:
    """Providers with signed agreements in the agreements database at `urls["agreements"]`,
    and cases under them in the cases database at `urls["cases"]`."""
    agreements = Agreements(env=event_store_environment(urls["agreements"]))
    try:
        signed = seed_agreements(agreements, providers=providers, per_provider=per_provider)
    finally:
        agreements.close()
    keyring = Keyring(KeyEncryptionKey.from_text(TEST_KEY_ENCRYPTION_KEY))
    application = Cases(env=event_store_environment(urls["cases"]),
                        parts=postgres_parts(urls["cases"], keyring=keyring))
    try:
        seed_cases(application, signed, count=cases, today=date.today())
    finally:
        application.close()
