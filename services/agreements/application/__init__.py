"""The agreements application: load an aggregate, run one command, save."""

from services.agreements.application.agreements import AgreementCommands
from services.agreements.application.dtos import (
    AgreementView,
    Page,
    ProviderView,
    ReportListEntry,
    ReportOverview,
    ReportView,
)
from services.agreements.application.lists import Lists
from services.agreements.application.providers import ProviderCommands
from services.agreements.application.reports import ReportCommands


class Agreements(ProviderCommands, AgreementCommands, ReportCommands, Lists):
    """Providers, service agreements (Leistungsvereinbarungen) and provider reports."""


__all__ = ["AgreementView", "Agreements", "Page", "ProviderView", "ReportListEntry",
           "ReportOverview", "ReportView"]
