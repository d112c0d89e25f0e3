"""Named errors of the agreements domain: each one is a rule, named by `rule`, of a kind.

A broken rule conflicts with the object's state unless its kind says that what the request
asks for is invalid; `api/errors.py` answers each kind.
"""

from __future__ import annotations

from shared.errors import Kind, ServiceError


class AgreementError(ServiceError):
    """A rule about providers, agreements or reports was broken."""

    kind = Kind.CONFLICT
    rule = "agreements_rule"

    def __init__(self, detail: str = "") -> None:
        # The docstring states the rule, so a bare raise still explains itself.
        super().__init__(detail or self.__doc__ or self.rule)


class ProviderError(AgreementError):
    """A rule about providers was broken."""


class ReportError(AgreementError):
    """A rule about provider reports was broken."""


class NothingChangedError(AgreementError):
    """A change must change at least one value."""

    rule = "change_must_not_be_empty"


class ReasonRequiredError(AgreementError):
    """This step needs a reason."""

    rule = "reason_required"


class NegativeAmountError(AgreementError):
    """Amounts, counts and prices are never negative."""

    kind = Kind.INVALID
    rule = "amounts_must_not_be_negative"


class ProviderDeactivatedError(ProviderError):
    """A deactivated provider is not updated any more."""

    rule = "update_requires_active_provider"


class ProviderAlreadyDeactivatedError(ProviderError):
    """A provider is deactivated once."""

    rule = "deactivate_requires_active_provider"


class ProviderInactiveError(AgreementError):
    """A deactivated provider gets no new agreement."""

    rule = "new_agreement_requires_active_provider"


class InvalidTermError(AgreementError):
    """An agreement's term ends after it starts."""

    kind = Kind.INVALID
    rule = "term_must_end_after_start"


class DuplicateImpactGoalError(AgreementError):
    """Each impact goal of an agreement measures a different indicator."""

    kind = Kind.INVALID
    rule = "impact_goal_indicators_must_be_distinct"


class ImpactGoalRequiredError(AgreementError):
    """A signed agreement has at least one impact goal."""

    rule = "impact_goal_required"


class AgreementNotDraftError(AgreementError):
    """Only a draft agreement is edited; a signed one is amended."""

    rule = "edit_requires_draft"


class AgreementAlreadySignedError(AgreementError):
    """An agreement is signed once."""

    rule = "sign_requires_draft"


class AmendmentOfUnsignedAgreementError(AgreementError):
    """Only a signed (active or suspended) agreement is amended."""

    rule = "amend_requires_signed_agreement"


class AgreementExpiredError(AgreementError):
    """An agreement past its term end is not amended any more."""

    rule = "amend_requires_unexpired_agreement"


class EffectiveDateOutsideTermError(AgreementError):
    """An amendment takes effect inside the agreement's term."""

    rule = "effective_date_inside_term"


class TermEndBeforeEffectiveDateError(AgreementError):
    """An amended term does not end before the amendment takes effect."""

    rule = "term_end_not_before_effective_date"


class SuspensionOfInactiveAgreementError(AgreementError):
    """Only an agreement active on that day is suspended."""

    rule = "suspend_requires_active_agreement"


class ResumptionOfUnsuspendedAgreementError(AgreementError):
    """Only an agreement suspended on that day is resumed."""

    rule = "resume_requires_suspended_agreement"


class TerminationOfUnsignedAgreementError(AgreementError):
    """Only a signed agreement is terminated."""

    rule = "terminate_requires_signed_agreement"


class TerminationDateOutsideTermError(AgreementError):
    """An agreement is terminated on a day inside its term."""

    rule = "termination_date_inside_term"


class AgreementTerminatedError(AgreementError):
    """A terminated agreement is final."""

    rule = "terminated_agreement_is_final"


class ReportForUnsignedAgreementError(ReportError):
    """Reports are submitted only for signed agreements."""

    rule = "report_requires_signed_agreement"


class InvalidPeriodError(ReportError):
    """A report period is named in the agreement's reporting frequency."""

    kind = Kind.INVALID
    rule = "period_must_match_reporting_frequency"


class PeriodOutsideTermError(ReportError):
    """A report period falls in the days the agreement runs."""

    rule = "period_inside_term"


class PeriodNotEndedError(ReportError):
    """A report is submitted after its period has ended."""

    rule = "report_after_period_end"


class AchievedExceedsMeasuredError(ReportError):
    """An impact goal is achieved by no more cases than were measured."""

    kind = Kind.INVALID
    rule = "achieved_not_above_measured"


class MeasuredExceedsParticipantsError(ReportError):
    """No more cases are measured for an impact goal than took part."""

    kind = Kind.INVALID
    rule = "measured_not_above_participants"


class UnknownImpactGoalError(ReportError):
    """Each outcome answers one of the agreement's impact goals."""

    kind = Kind.INVALID
    rule = "outcome_for_agreed_impact_goal"


class DuplicateOutcomeError(ReportError):
    """An impact goal has one outcome per report."""

    kind = Kind.INVALID
    rule = "one_outcome_per_impact_goal"


class ReviewOfUnsubmittedReportError(ReportError):
    """Only a submitted or resubmitted report is accepted or rejected."""

    rule = "review_requires_submitted_report"


class ResubmissionOfUnreviewedReportError(ReportError):
    """Only an accepted or rejected report is corrected by resubmission."""

    rule = "resubmit_requires_reviewed_report"
