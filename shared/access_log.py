"""The access log: every read of personal or case data, and every refusal.

Who (subject and role), what (object type and pseudonymous reference), why
(the `X-Purpose` header, else a default), when, and whether it was granted.
It lives in the service's own database and is read by auditors.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

import psycopg
from psycopg_pool import ConnectionPool


@dataclass(frozen=True)
class Access:
    """One logged access."""

    subject: str
    role: str
    object_type: str
    object_ref: str
    purpose: str
    granted: bool
    at: datetime = field(default_factory=lambda: datetime.now(UTC))
    # Whose data: the client's pseudonym (for a case, its client's), so that the log can be
    # read per person (DSGVO Art. 15); None where no person's data is concerned.
    client_pseudonym: str | None = None


@dataclass(frozen=True)
class AccessCount:
    """How often one role asked for one purpose: granted and refused."""

    role: str
    purpose: str
    granted: int
    refused: int


class AccessLog(Protocol):
    def record(self, access: Access) -> None: ...
    def entries(self, *, object_ref: str | None = None, subject: str | None = None,
                granted: bool | None = None, client_pseudonym: str | None = None,
                limit: int = 100, offset: int = 0) -> list[Access]: ...
    def counts(self, since: datetime, until: datetime) -> list[AccessCount]: ...


class MemoryAccessLog:
    def __init__(self) -> None:
        self._entries: list[Access] = []
        self._lock = threading.Lock()

    def record(self, access: Access) -> None:
        with self._lock:
            self._entries.append(access)

    def entries(self, *, object_ref: str | None = None, subject: str | None = None,
                granted: bool | None = None, client_pseudonym: str | None = None,
                limit: int = 100, offset: int = 0) -> list[Access]:
        selected = [e for e in reversed(self._entries)
                    if (object_ref is None or e.object_ref == object_ref)
                    and (subject is None or e.subject == subject)
                    and (granted is None or e.granted == granted)
                    and (client_pseudonym is None or e.client_pseudonym == client_pseudonym)]
        return selected[offset:offset + limit]

    def counts(self, since: datetime, until: datetime) -> list[AccessCount]:
        with self._lock:
            chosen = [e for e in self._entries if since <= e.at < until]
        keys = sorted({(e.role, e.purpose) for e in chosen})
        return [AccessCount(role, purpose,
                            sum(1 for e in chosen if (e.role, e.purpose) == (role, purpose)
                                and e.granted),
                            sum(1 for e in chosen if (e.role, e.purpose) == (role, purpose)
                                and not e.granted))
                for role, purpose in keys]


class PostgresAccessLog:
    """The log in the service's own database (table made by `shared.store_migrations`)."""

    def __init__(self, conninfo: str) -> None:
        self.pool = ConnectionPool(conninfo, min_size=1, max_size=4, open=True,
                                   check=ConnectionPool.check_connection)

    def record(self, access: Access) -> None:
        with self.pool.connection() as connection:
            connection.execute(
                "INSERT INTO access_log (at, subject, role, object_type, object_ref, purpose,"
                " granted, client_pseudonym) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
                (access.at, access.subject, access.role, access.object_type,
                 access.object_ref, access.purpose, access.granted, access.client_pseudonym))

    def entries(self, *, object_ref: str | None = None, subject: str | None = None,
                granted: bool | None = None, client_pseudonym: str | None = None,
                limit: int = 100, offset: int = 0) -> list[Access]:
        with self.pool.connection() as connection:
            rows = connection.execute(
                """SELECT subject, role, object_type, object_ref, purpose, granted, at,
                          client_pseudonym
                   FROM access_log
                   WHERE (%(ref)s::text IS NULL OR object_ref = %(ref)s)
                     AND (%(subject)s::text IS NULL OR subject = %(subject)s)
                     AND (%(granted)s::boolean IS NULL OR granted = %(granted)s)
                     AND (%(person)s::text IS NULL OR client_pseudonym = %(person)s)
                   ORDER BY id DESC LIMIT %(limit)s OFFSET %(offset)s""",
                {"ref": object_ref, "subject": subject, "granted": granted,
                 "person": client_pseudonym, "limit": limit, "offset": offset}).fetchall()
        return [Access(subject=r[0], role=r[1], object_type=r[2], object_ref=r[3],
                       purpose=r[4], granted=r[5], at=r[6], client_pseudonym=r[7])
                for r in rows]

    def counts(self, since: datetime, until: datetime) -> list[AccessCount]:
        with self.pool.connection() as connection:
            return count_accesses(connection, since, until)

    def close(self) -> None:
        self.pool.close()


def count_accesses(connection: psycopg.Connection[Any], since: datetime,
                   until: datetime) -> list[AccessCount]:
    """The accesses from `since` (included) to `until` (excluded), by role and purpose.

    Reads only, so an auditor's read-only database role can run it.
    """
    rows = connection.execute(
        """SELECT role, purpose, count(*) FILTER (WHERE granted),
                  count(*) FILTER (WHERE NOT granted)
           FROM access_log WHERE at >= %s AND at < %s
           GROUP BY role, purpose ORDER BY role, purpose""", (since, until)).fetchall()
    return [AccessCount(role=r[0], purpose=r[1], granted=r[2], refused=r[3]) for r in rows]
