"""The agreements application: load an aggregate, run one command, save."""

from services.agreements.application.agreements import AgreementCommands
from services.agreements.application.base import PURPOSE
from services.agreements.application.dtos import (
    AgreementDetails,
    Page,
    ProviderDetails,
    ReportBasics,
    ReportDetails,
    ReportListEntry,
    ReportOverview,
)
from services.agreements.application.lists import Lists
from services.agreements.application.providers import ProviderCommands
from services.agreements.application.reports import ReportCommands
from services.agreements.domain import (
    AgreementTerms,
    GoalOutcome,
    ImpactGoal,
    ReportFigures,
    ReportingObligation,
)
from services.agreements.domain.values import periods_between


class Agreements(ProviderCommands, AgreementCommands, ReportCommands, Lists):
    """Providers, service agreements (Leistungsvereinbarungen) and provider reports."""


# With the values its commands take (terms, goals, report figures) and the periods due.
__all__ = [
    "PURPOSE",
    "AgreementDetails",
    "AgreementTerms",
    "Agreements",
    "GoalOutcome",
    "ImpactGoal",
    "Page",
    "ProviderDetails",
    "ReportBasics",
    "ReportDetails",
    "ReportFigures",
    "ReportListEntry",
    "ReportOverview",
    "ReportingObligation",
    "periods_between",
]
