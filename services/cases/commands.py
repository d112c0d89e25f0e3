"""The `wirkung cases` commands: erasure when the retention period has run, and rotating the
key-encryption key; settings from the environment, like the service."""

from __future__ import annotations

import argparse
import sys
from datetime import date


def run_cases_command(args: argparse.Namespace) -> int:
    from pydantic import ValidationError

    from services.cases.settings import CasesSettings

    try:
        settings = CasesSettings()
        keyring = settings.keyring()
    except (ValidationError, ValueError) as error:
        needed = ("WIRKUNG_CASES_DATABASE_URL, WIRKUNG_CASES_KEY_ENCRYPTION_KEY (the new key) "
                  "and WIRKUNG_CASES_PREVIOUS_KEY_ENCRYPTION_KEY (the old one)"
                  if args.cases_command == "rotate-key-encryption-key"
                  else "WIRKUNG_CASES_DATABASE_URL and WIRKUNG_CASES_KEY_ENCRYPTION_KEY")
        print(f"wirkung cases: set {needed}: {error}", file=sys.stderr)
        return 2
    from services.cases.migrations import prepare_database
    from shared.migrations import DatabaseNewerThanCode

    try:
        # As the service would on starting: the tables of an earlier release are brought up
        # to date (keys stored before the KEK have no column for its id).
        prepare_database(settings.database_url)
    except DatabaseNewerThanCode as error:
        print(f"wirkung cases: {error}", file=sys.stderr)
        return 1
    if args.cases_command == "rotate-key-encryption-key":
        return _rotate(settings.database_url, keyring)
    return _retention(settings, args.on or date.today(), dry_run=args.dry_run)


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


def _retention(settings: object, today: date, *, dry_run: bool) -> int:
    from services.cases.main import build_application
    from services.cases.settings import CasesSettings
    from shared.clock import FixedClock
    from shared.eventstore import event_store_environment

    assert isinstance(settings, CasesSettings)
    cases = build_application(settings.database_url,
                              event_store_environment(settings.database_url), settings,
                              FixedClock(today))
    try:
        found = cases.due_for_erasure(today) if dry_run else cases.erase_due(today)
    finally:
        cases.close()
    verb = "due for erasure" if dry_run else "erased"
    print(f"{len(found)} client(s) {verb} on {today.isoformat()}"
          + (" (dry run: nothing erased)" if dry_run else ""))
    for item in found:
        print(f"  {item.pseudonym}  {item.reason}")
    return 0
