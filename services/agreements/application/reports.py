"""Provider reports (Leistungs- und Sachberichte): submit, review, correct, read."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from services.agreements.application.base import AgreementsBase
from services.agreements.application.dtos import ReportDetails
from services.agreements.domain import ProviderReport, ReportFigures
from shared.errors import Conflict
from shared.history import HistoryEntry, history, load
from shared.principals import Caller


class ReportAlreadySubmitted(Conflict):
    title = "Report already submitted"
    rule = "one_current_report_per_period"


class ReportCommands(AgreementsBase):
    """Submit, review, correct and read a period's report."""

    def submit_report(self, agreement_id: UUID, *, period: str, figures: ReportFigures,
                      caller: Caller, occurred_on: date) -> ReportDetails:
        agreement = self.agreement_in_scope(agreement_id, caller)
        if self._exists(ProviderReport.create_id(agreement_id, period)):
            raise ReportAlreadySubmitted(
                f"There is a report for {period} already; correct it by resubmitting.")
        report = ProviderReport.submit(agreement=agreement, period=period, figures=figures,
                                       actor=caller.subject, occurred_on=occurred_on)
        self.save(report)
        return ReportDetails.of(report)

    def resubmit_report(self, agreement_id: UUID, *, period: str, figures: ReportFigures,
                        caller: Caller, occurred_on: date,
                        expected_version: int | None) -> ReportDetails:
        report = self._report_for_change(agreement_id, period, caller, expected_version)
        report.resubmit(figures=figures, actor=caller.subject, occurred_on=occurred_on)
        self.save(report)
        return ReportDetails.of(report)

    def accept_report(self, agreement_id: UUID, *, period: str, caller: Caller,
                      occurred_on: date, expected_version: int | None) -> ReportDetails:
        report = self._report_for_change(agreement_id, period, caller, expected_version)
        report.accept(actor=caller.subject, occurred_on=occurred_on)
        self.save(report)
        return ReportDetails.of(report)

    def reject_report(self, agreement_id: UUID, *, period: str, reason: str, caller: Caller,
                      occurred_on: date, expected_version: int | None) -> ReportDetails:
        report = self._report_for_change(agreement_id, period, caller, expected_version)
        report.reject(reason=reason, actor=caller.subject, occurred_on=occurred_on)
        self.save(report)
        return ReportDetails.of(report)

    def report(self, agreement_id: UUID, period: str, *, caller: Caller,
               version: int | None = None, as_of: datetime | None = None) -> ReportDetails:
        """The report now, or as it was at a version or a moment (for auditors)."""
        self.agreement_in_scope(agreement_id, caller)
        return ReportDetails.of(self._load_report(agreement_id, period, version=version,
                                               as_of=as_of))

    def report_history(self, agreement_id: UUID, period: str, *,
                       caller: Caller) -> list[HistoryEntry]:
        self.agreement_in_scope(agreement_id, caller)
        return history(self, self._load_report(agreement_id, period).id)

    def _report_for_change(self, agreement_id: UUID, period: str, caller: Caller,
                           expected_version: int | None) -> ProviderReport:
        self.agreement_in_scope(agreement_id, caller)
        report_id = ProviderReport.create_id(agreement_id, period)
        report: ProviderReport = load(self, report_id, expected_version=expected_version,
                                      what="report")
        return report

    def _load_report(self, agreement_id: UUID, period: str, *, version: int | None = None,
                     as_of: datetime | None = None) -> ProviderReport:
        report: ProviderReport = load(self, ProviderReport.create_id(agreement_id, period),
                                      version=version, as_of=as_of, what="report")
        return report

    def _exists(self, aggregate_id: UUID) -> bool:
        return bool(list(self.repository.event_store.get(aggregate_id, limit=1)))
