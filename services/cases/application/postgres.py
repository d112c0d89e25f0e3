"""The application's parts on the service's PostgreSQL, built from its settings: as the
service runs it, and as `wirkung cases` and the demo do in a process of their own.

The read model and the agreements replica implement this package's ports and import it, so
they are imported when the parts are built rather than when the package is.
"""

from __future__ import annotations

import logging
import secrets
from typing import TYPE_CHECKING

from psycopg_pool import ConnectionPool

from services.cases.application.ports import CasesParts
from services.cases.application.workspace_dtos import Deadlines
from services.cases.key_wrapping import Keyring
from services.cases.migrations import prepare_database
from services.cases.personal_data import SECURE, Randomness
from services.cases.postgres_vault import PostgresVault, rotate_key_encryption_key
from services.cases.retention import RetentionPeriods
from shared.access_log import PostgresAccessLog
from shared.clock import Clock, SystemClock

if TYPE_CHECKING:
    from services.cases.settings import CasesSettings

_log = logging.getLogger("wirkung.cases")


def postgres_parts(database_url: str, *, keyring: Keyring,
                   clock: Clock | None = None, deadlines: Deadlines | None = None,
                   blind_index_key: bytes | None = None,
                   retention: RetentionPeriods | None = None,
                   randomness: Randomness = SECURE) -> CasesParts:
    """The application's collaborators, all in the cases database; the clients' keys
    wrapped by the keyring's KEK, made (as the nonces of sealed texts) from `randomness`.

    Without `blind_index_key` clients are indexed under a key of this process only. The
    database's tables are first brought up to this code's version (a no-op when the
    service has just done so on starting).
    """
    from services.cases.index import PostgresCaseIndex
    from services.cases.replica.reader import PostgresAgreements

    if not database_url.startswith(("postgresql:", "postgres:")):
        raise ValueError("the cases service keeps its vault and read model in PostgreSQL")
    prepare_database(database_url)
    pool = ConnectionPool(database_url, min_size=1, max_size=8, open=True,
                          check=ConnectionPool.check_connection)
    access_log = PostgresAccessLog(database_url)
    vault = PostgresVault(pool, blind_index_key or secrets.token_bytes(32), keyring,
                          randomness=randomness)
    return CasesParts(vault=vault, access_log=access_log,
                      agreements=PostgresAgreements(pool), index=PostgresCaseIndex(pool),
                      closers=[access_log.close, pool.close], clock=clock or SystemClock(),
                      deadlines=deadlines or Deadlines(),
                      retention=retention or RetentionPeriods(), randomness=randomness)


def parts_from_settings(settings: CasesSettings, clock: Clock, *,
                        randomness: Randomness = SECURE) -> CasesParts:
    """The parts on the settings' database, under their keys, deadlines and periods."""
    key = settings.blind_index_key
    parts = postgres_parts(settings.database_url, keyring=settings.keyring(), clock=clock,
                           deadlines=settings.deadlines(),
                           blind_index_key=key.get_secret_value().encode() if key else None,
                           retention=settings.retention(), randomness=randomness)
    if key is None:
        _log.warning("WIRKUNG_CASES_BLIND_INDEX_KEY is not set: clients registered before this "
                     "start cannot be found by name and birth date")
    return parts


def rewrap_client_keys(settings: CasesSettings) -> int:
    """Bring the tables up to date as the service would on starting, then re-wrap every
    client key under the settings' current KEK (see `rotate_key_encryption_key`)."""
    prepare_database(settings.database_url)
    return rotate_key_encryption_key(settings.database_url, settings.keyring())
