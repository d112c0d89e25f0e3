"""The `wirkung cases` commands; settings from the environment, like the service."""

from __future__ import annotations

import argparse
import sys


def run_cases_command(args: argparse.Namespace) -> int:
    from pydantic import ValidationError

    from services.cases.settings import CasesSettings

    try:
        settings = CasesSettings()
        keyring = settings.keyring()
    except (ValidationError, ValueError) as error:
        print(f"wirkung cases: set WIRKUNG_CASES_DATABASE_URL, WIRKUNG_CASES_KEY_ENCRYPTION_KEY "
              f"(the new key) and WIRKUNG_CASES_PREVIOUS_KEY_ENCRYPTION_KEY (the old one): "
              f"{error}", file=sys.stderr)
        return 2
    return _rotate(settings.database_url, keyring)


def _rotate(database_url: str, keyring: object) -> int:
    from services.cases.key_wrapping import Keyring, UnknownKeyEncryptionKey
    from services.cases.postgres_vault import rotate_key_encryption_key

    assert isinstance(keyring, Keyring)
    try:
        rewrapped = rotate_key_encryption_key(database_url, keyring)
    except UnknownKeyEncryptionKey as error:
        print(f"wirkung cases rotate-key-encryption-key: {error}; the keys re-wrapped so far "
              "stay re-wrapped, run it again with that key as the previous one",
              file=sys.stderr)
        return 1
    print(f"re-wrapped {rewrapped} client key(s) under key-encryption key "
          f"{keyring.current.id}; the events were not touched")
    return 0
