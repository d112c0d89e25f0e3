"""The rules of clients and cases, one named error each.

Each error carries a short `rule` name that stays stable when the message
wording changes, so callers and tests can tell the broken rule apart, and a kind:
a conflict with the case's or client's state unless it says that a value of the
request is invalid or names a part the case does not have; `api/errors.py` answers
each kind.
"""

from __future__ import annotations

from shared.errors import Kind, ServiceError


class DomainError(ServiceError):
    """A rule of the cases domain was broken."""

    kind = Kind.CONFLICT
    rule = "domain_rule"


class CaseError(DomainError):
    """A rule about cases was broken."""

    rule = "case_rule"


class CaseNotOpenError(CaseError):
    """The command needs an open case; this one is closed."""

    rule = "case_not_open"


class CaseAlreadyClosedError(CaseError):
    """A closed case cannot be closed again."""

    rule = "case_already_closed"


class CaseNotClosedError(CaseError):
    """Only a closed case can be reopened."""

    rule = "case_not_closed"


class UnknownClosureReasonError(CaseError):
    """A case closes for one of the known reasons only."""

    kind = Kind.INVALID
    rule = "closure_reason_unknown"


class GoalAlreadySetError(CaseError):
    """Each help-plan goal of a case has its own id."""

    rule = "goal_already_set"


class GoalLevelsIncompleteError(CaseError):
    """A goal describes each of its five levels, -2 to +2."""

    kind = Kind.INVALID
    rule = "goal_needs_five_levels"


class GoalWeightNotPositiveError(CaseError):
    """A goal's weight is a number greater than zero."""

    kind = Kind.INVALID
    rule = "goal_weight_not_positive"


class LevelOutOfRangeError(CaseError):
    """A goal attainment level lies between -2 and +2."""

    kind = Kind.INVALID
    rule = "level_out_of_range"


class UnknownGoalError(CaseError):
    """Only a goal set on this case can be reviewed."""

    kind = Kind.NOT_FOUND
    rule = "goal_unknown"


class ServiceAlreadyAssignedError(CaseError):
    """Each service assigned to a case has its own id."""

    rule = "service_already_assigned"


class ServiceNotAssignedError(CaseError):
    """The service was never assigned to this case."""

    kind = Kind.NOT_FOUND
    rule = "service_not_assigned"


class ServiceAlreadyEndedError(CaseError):
    """An ended service takes no deliveries and cannot end again."""

    rule = "service_already_ended"


class ServiceEndBeforeStartError(CaseError):
    """A service's planned end is not before its start."""

    kind = Kind.INVALID
    rule = "service_end_before_start"


class UnitsNotPositiveError(CaseError):
    """Planned and delivered units are greater than zero."""

    kind = Kind.INVALID
    rule = "units_not_positive"


class MalformedPeriodError(CaseError):
    """A delivery period is a quarter ("2026-Q1") or a month ("2026-03")."""

    kind = Kind.INVALID
    rule = "period_malformed"


class ClientError(DomainError):
    """A rule about clients was broken."""

    rule = "client_rule"


class UnknownGenderCategoryError(ClientError):
    """A gender category is one of the known ones, or left out."""

    kind = Kind.INVALID
    rule = "gender_category_unknown"


class PersonalDataAlreadyErasedError(ClientError):
    """A client's personal data can be erased only once."""

    rule = "personal_data_already_erased"


class PersonalDataErasedError(ClientError):
    """Erased personal data cannot be changed (nor read) any more."""

    rule = "personal_data_erased"


class AssignmentError(CaseError):
    """A service may be assigned only under an agreement that admits it."""

    rule = "assignment_rule"


class AgreementUnknownError(AssignmentError):
    """The agreement is not known (yet) to the cases service."""

    rule = "agreement_unknown"


class AgreementNotActiveError(AssignmentError):
    """The agreement is not active on the service's start date."""

    rule = "agreement_not_active"


class AgreementFieldOfActionMismatchError(AssignmentError):
    """The agreement covers another field of action than the case."""

    rule = "agreement_field_of_action_mismatch"


class AgreementFullyBookedError(AssignmentError):
    """Every place of the agreement is taken by a running service."""

    rule = "agreement_fully_booked"


class GoalWithdrawnError(CaseError):
    """A withdrawn goal takes no more reviews and cannot be withdrawn again."""

    rule = "goal_withdrawn"


class UnknownDeliveryError(CaseError):
    """Only a delivery logged for the service can be reversed."""

    kind = Kind.NOT_FOUND
    rule = "delivery_unknown"


class DeliveryAlreadyReversedError(CaseError):
    """A delivery is reversed once; log a new one if units were delivered after all."""

    rule = "delivery_already_reversed"


class HandOverToOwnTeamError(CaseError):
    """A case is handed over to another team than the one it is with."""

    rule = "handover_to_own_team"
