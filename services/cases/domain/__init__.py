"""Cases (Einzelfälle) and clients: aggregates, their events and rules. No I/O here."""

from services.cases.domain.case import Case, CaseStatus
from services.cases.domain.client import Client
from services.cases.domain.errors import (
    CaseAlreadyClosedError,
    CaseError,
    CaseNotClosedError,
    CaseNotOpenError,
    ClientError,
    DomainError,
    GoalAlreadySetError,
    GoalLevelsIncompleteError,
    GoalWeightNotPositiveError,
    LevelOutOfRangeError,
    MalformedPeriodError,
    PersonalDataAlreadyErasedError,
    ServiceAlreadyAssignedError,
    ServiceAlreadyEndedError,
    ServiceNotAssignedError,
    UnitsNotPositiveError,
    UnknownClosureReasonError,
    UnknownGenderCategoryError,
    UnknownGoalError,
)
from services.cases.domain.gas import t_score

__all__ = [
    "Case",
    "CaseAlreadyClosedError",
    "CaseError",
    "CaseNotClosedError",
    "CaseNotOpenError",
    "CaseStatus",
    "Client",
    "ClientError",
    "DomainError",
    "GoalAlreadySetError",
    "GoalLevelsIncompleteError",
    "GoalWeightNotPositiveError",
    "LevelOutOfRangeError",
    "MalformedPeriodError",
    "PersonalDataAlreadyErasedError",
    "ServiceAlreadyAssignedError",
    "ServiceAlreadyEndedError",
    "ServiceNotAssignedError",
    "UnitsNotPositiveError",
    "UnknownClosureReasonError",
    "UnknownGenderCategoryError",
    "UnknownGoalError",
    "t_score",
]
