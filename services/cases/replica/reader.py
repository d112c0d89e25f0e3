"""The application's side of the replica: an agreement as on record, and a lock per agreement."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from typing import Any
from uuid import UUID

from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool

from services.cases.application.workspace_dtos import (
    AgreementName,
    AgreementOffer,
    AgreementPlaces,
)
from services.cases.domain import AgreementOnRecord
from services.cases.locks import AGREEMENT_ASSIGNMENT, advisory_lock

Suspensions = list[tuple[date, date | None]]
_TERMS = """agreement_id, field_of_action, pricing_unit, capacity, term_start, term_end,
            signed_on, termination_date"""


class PostgresAgreements:
    """Agreements as the replica holds them, read with the application's connections."""

    def __init__(self, pool: ConnectionPool) -> None:
        self.pool = pool

    def agreement(self, agreement_id: UUID) -> AgreementOnRecord | None:
        with self.pool.connection() as connection, connection.cursor(
                row_factory=dict_row) as cursor:
            row = cursor.execute(f"SELECT {_TERMS} FROM replica_agreements "  # noqa: S608 - fixed
                                 "WHERE agreement_id = %s", (agreement_id,)).fetchone()
            suspensions = _suspensions(cursor, [agreement_id])
        return None if row is None else _record(row, suspensions[agreement_id])

    def offers(self, field_of_action: str, district: str) -> list[AgreementOffer]:
        """The signed agreements of a field that cover a district, whatever their standing."""
        with self.pool.connection() as connection, connection.cursor(
                row_factory=dict_row) as cursor:
            rows = cursor.execute(
                f"""SELECT {_TERMS}, title, provider_id, districts, unit_price_cents,
                           p.name AS provider_name
                    FROM replica_agreements LEFT JOIN replica_providers p USING (provider_id)
                    WHERE field_of_action = %s AND %s = ANY(districts)
                      AND signed_on IS NOT NULL""",  # noqa: S608 - fixed
                (field_of_action, district)).fetchall()
            suspensions = _suspensions(cursor, [row["agreement_id"] for row in rows])
        return [AgreementOffer(
            record=_record(row, suspensions[row["agreement_id"]]), title=row["title"],
            provider_id=row["provider_id"], provider_name=row["provider_name"],
            districts=list(row["districts"]), unit_price_cents=row["unit_price_cents"])
            for row in rows]

    def names(self, agreement_ids: Sequence[UUID]) -> dict[UUID, AgreementName]:
        """Title and provider name of each agreement the replica knows of `agreement_ids`."""
        if not agreement_ids:
            return {}
        with self.pool.connection() as connection, connection.cursor(
                row_factory=dict_row) as cursor:
            rows = cursor.execute(
                """SELECT agreement_id, title, p.name AS provider_name
                   FROM replica_agreements LEFT JOIN replica_providers p USING (provider_id)
                   WHERE agreement_id = ANY(%s)""", (list(agreement_ids),)).fetchall()
        return {row["agreement_id"]: AgreementName(row["title"], row["provider_name"])
                for row in rows}

    def places(self, agreement_ids: Sequence[UUID]) -> dict[UUID, AgreementPlaces]:
        """Provider and capacity (as amended) of each agreement the replica knows."""
        if not agreement_ids:
            return {}
        with self.pool.connection() as connection:
            rows = connection.execute(
                "SELECT agreement_id, provider_id, capacity FROM replica_agreements "
                "WHERE agreement_id = ANY(%s)", (list(agreement_ids),)).fetchall()
        return {agreement_id: AgreementPlaces(provider_id, capacity)
                for agreement_id, provider_id, capacity in rows}

    @contextmanager
    def assignment_lock(self, agreement_id: UUID) -> Iterator[None]:
        """One assignment to an agreement at a time, across every instance of the service.

        Held from counting its running services until the new one is saved and
        in the read model, so two caseworkers cannot both take the last place.
        """
        with advisory_lock(self.pool, str(agreement_id), AGREEMENT_ASSIGNMENT):
            yield


def _suspensions(cursor: Any, agreement_ids: list[UUID]) -> dict[UUID, Suspensions]:
    found: dict[UUID, Suspensions] = defaultdict(list)
    for row in cursor.execute("SELECT agreement_id, since, until FROM replica_suspensions "
                              "WHERE agreement_id = ANY(%s) ORDER BY id", (agreement_ids,)):
        found[row["agreement_id"]].append((row["since"], row["until"]))
    return found


def _record(row: dict[str, Any], suspensions: Suspensions) -> AgreementOnRecord:
    return AgreementOnRecord(
        agreement_id=row["agreement_id"], field_of_action=row["field_of_action"],
        pricing_unit=row["pricing_unit"], capacity=row["capacity"],
        term_start=row["term_start"], term_end=row["term_end"], signed_on=row["signed_on"],
        termination_date=row["termination_date"], suspensions=tuple(suspensions))
