"""The application's side of the replica: an agreement as on record, and a lock per agreement."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from uuid import UUID

from psycopg_pool import ConnectionPool

from services.cases.domain import AgreementOnRecord
from services.cases.replica.schema import create_tables


class PostgresAgreements:
    """Agreements as the replica holds them, read with the application's connections."""

    def __init__(self, pool: ConnectionPool) -> None:
        self.pool = pool
        create_tables(pool)

    def agreement(self, agreement_id: UUID) -> AgreementOnRecord | None:
        with self.pool.connection() as connection:
            row = connection.execute(
                """SELECT field_of_action, pricing_unit, capacity, term_start, term_end,
                          signed_on, termination_date
                   FROM replica_agreements WHERE agreement_id = %s""",
                (agreement_id,)).fetchone()
            suspensions = connection.execute(
                "SELECT since, until FROM replica_suspensions WHERE agreement_id = %s "
                "ORDER BY id", (agreement_id,)).fetchall()
        if row is None:
            return None
        return AgreementOnRecord(
            agreement_id=agreement_id, field_of_action=row[0], pricing_unit=row[1],
            capacity=row[2], term_start=row[3], term_end=row[4], signed_on=row[5],
            termination_date=row[6], suspensions=tuple((s[0], s[1]) for s in suspensions))

    @contextmanager
    def assignment_lock(self, agreement_id: UUID) -> Iterator[None]:
        """One assignment to an agreement at a time, across every instance of the service.

        Held from counting its running services until the new one is saved and
        in the read model, so two caseworkers cannot both take the last place.
        """
        with self.pool.connection() as connection:
            connection.autocommit = True
            try:
                connection.execute("SELECT pg_advisory_lock(hashtextextended(%s, 0))",
                                   (str(agreement_id),))
                try:
                    yield
                finally:
                    connection.execute("SELECT pg_advisory_unlock(hashtextextended(%s, 0))",
                                       (str(agreement_id),))
            finally:
                connection.autocommit = False
