"""How each integration event becomes fact rows: one projector per contract.

`project_batch` is what the consumer calls with the events of a batch that
are due (in order, duplicates and gaps already sorted out); it gathers their
rows and appends them with one COPY per table.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from services.metrics.facts import agreements, cases
from services.metrics.facts.rows import Rows
from services.metrics.indicators import agreement_units, case_units
from shared.contracts import (
    CaseAssessed,
    CaseClosed,
    CaseOpened,
    CaseReopened,
    ClientPersonalDataErased,
    ClientRegistered,
    DeliveryReversed,
    GoalReviewed,
    GoalWithdrawn,
    HelpPlanGoalSet,
    HelpPlanGoalSetV2,
    IntegrationEvent,
    ProviderDeactivated,
    ProviderRegistered,
    ProviderReportAccepted,
    ProviderReportRejected,
    ProviderReportResubmitted,
    ProviderReportSubmitted,
    ProviderUpdated,
    ServiceAgreementAmended,
    ServiceAgreementDrafted,
    ServiceAgreementEdited,
    ServiceAgreementResumed,
    ServiceAgreementSigned,
    ServiceAgreementSuspended,
    ServiceAgreementTerminated,
    ServiceAssigned,
    ServiceDeliveryRecorded,
    ServiceEnded,
)
from shared.contracts.base import contract_for
from shared.envelope import Envelope
from shared.projection import Connection


class UnknownEventType(LookupError):
    """An event type this projection has no contract for."""


Projector = Callable[[Rows, Envelope, Any], None]

PROJECTORS: dict[type[IntegrationEvent], Projector] = {
    ProviderRegistered: agreements.provider_registered,
    ProviderUpdated: agreements.provider_updated,
    ProviderDeactivated: agreements.provider_deactivated,
    ServiceAgreementDrafted: agreements.agreement_drafted,
    ServiceAgreementEdited: agreements.agreement_edited,
    ServiceAgreementSigned: agreements.agreement_signed,
    ServiceAgreementAmended: agreements.agreement_amended,
    ServiceAgreementSuspended: agreements.agreement_suspended,
    ServiceAgreementResumed: agreements.agreement_resumed,
    ServiceAgreementTerminated: agreements.agreement_terminated,
    ProviderReportSubmitted: agreements.report_submitted,
    ProviderReportResubmitted: agreements.report_resubmitted,
    ProviderReportAccepted: agreements.report_accepted,
    ProviderReportRejected: agreements.report_rejected,
    ClientRegistered: cases.client_registered,
    ClientPersonalDataErased: cases.client_erased,
    CaseOpened: cases.case_opened,
    CaseAssessed: cases.case_assessed,
    HelpPlanGoalSet: cases.goal_set,
    HelpPlanGoalSetV2: cases.goal_set,
    ServiceAssigned: cases.service_assigned,
    ServiceDeliveryRecorded: cases.delivery_recorded,
    ServiceEnded: cases.service_ended,
    GoalReviewed: cases.goal_reviewed,
    CaseClosed: cases.case_closed,
    CaseReopened: cases.case_reopened,
    GoalWithdrawn: cases.goal_withdrawn,
    DeliveryReversed: cases.delivery_reversed,
}


def parse(envelope: Envelope) -> IntegrationEvent:
    """The contract instance of an envelope; raises on unknown types or bad data."""
    try:
        contract = contract_for(envelope.type)
    except KeyError as error:
        raise UnknownEventType(envelope.type) from error
    return contract.model_validate(envelope.data)


def rows_of(events: Sequence[tuple[Envelope, IntegrationEvent]]) -> Rows:
    """The fact rows of events, in their order; a contract without projector adds none."""
    rows = Rows()
    for envelope, event in events:
        projector = PROJECTORS.get(type(event))
        if projector is not None:
            projector(rows, envelope, event)
    return rows


async def project_batch(connection: Connection,
                        events: Sequence[tuple[Envelope, IntegrationEvent]]) -> None:
    """Append the rows of a batch's due events inside the consumer's transaction, and
    bring the case and agreement units kept beside them up to date."""
    await rows_of(events).write(connection)
    await agreement_units.refresh(connection, events,
                                  await case_units.refresh(connection, events))


async def project(connection: Connection, envelope: Envelope, event: IntegrationEvent) -> None:
    """Apply one event (the consumer's fallback when a batch must be applied one by one)."""
    await project_batch(connection, [(envelope, event)])
