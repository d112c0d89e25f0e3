"""The re-entry rate counts a return within the window the cases service marks re-entries
in (shared.closures): twelve calendar months, not 365 days, in SQL and in the oracle."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date

import asyncpg
import pytest

from services.metrics.catalog import CATALOG
from services.metrics.indicators.engine import Question, answer
from services.metrics.periods import parse_period
from shared.contracts import CaseClosed, CaseOpened
from tests.metrics.history import NOW, History, uid
from tests.metrics.oracle.evaluate import oracle_cells
from tests.metrics.support import facts_of
from tests.shared.test_closures import BOUNDARIES
from tests.support import Infrastructure, new_database

pytestmark = pytest.mark.integration


def _opened(h: History, case: str, client: str, district: str, on: date) -> None:
    h.add("cases", uid(case), CaseOpened(
        case_id=uid(case), client_pseudonym=client, field_of_action="jugend",
        target_groups=["Familien"], district=district, team="asd", legal_basis="SGB VIII §27",
        age_band="14-17", occurred_on=on, actor="cw-1"))


def _history() -> History:
    """Per boundary a client of its own district: a case closed successfully, then another
    case opened on the boundary's later day."""
    h = History()
    for index, (closed_on, returned_on, _) in enumerate(BOUNDARIES):
        client, district = f"r{index}", f"D{index}"
        _opened(h, f"first-{index}", client, district, date(closed_on.year - 1, 12, 1))
        h.add("cases", uid(f"first-{index}"), CaseClosed(
            case_id=uid(f"first-{index}"), reason="planned_goals_achieved",
            ended_service_ids=[], occurred_on=closed_on, actor="cw-1"))
        _opened(h, f"again-{index}", client, district, returned_on)
    return h


@pytest.fixture(scope="module")
async def returns(infrastructure: Infrastructure) -> AsyncIterator[asyncpg.Pool]:
    pool = await facts_of(await new_database(infrastructure), _history())
    yield pool
    await pool.close()


@pytest.mark.parametrize("boundary", range(len(BOUNDARIES)))
async def test_a_return_counts_within_twelve_calendar_months_of_a_successful_closure(
        returns: asyncpg.Pool, boundary: int) -> None:
    closed_on, returned_on, within = BOUNDARIES[boundary]
    definition = CATALOG["reentry_rate_12m"]
    question = Question(parse_period(str(closed_on.year)), ("district",))
    async with returns.acquire() as connection:
        counted = await answer(connection, definition, question, 1, today=NOW.date())
        oracle = await oracle_cells(connection, definition, question, 1)

    for cells in (counted, oracle):
        [cell] = [c for c in cells if c.dimensions["district"] == f"D{boundary}"]
        assert (cell.numerator, cell.denominator) == (1.0 if within else 0.0, 1.0), \
            f"closed {closed_on}, returned {returned_on}"
