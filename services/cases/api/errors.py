"""Broken domain rules as RFC 9457 problems, each naming its rule."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from services.cases.domain import (
    DomainError,
    GoalLevelsIncompleteError,
    GoalWeightNotPositiveError,
    LevelOutOfRangeError,
    MalformedPeriodError,
    ServiceEndBeforeStartError,
    ServiceNotAssignedError,
    UnitsNotPositiveError,
    UnknownClosureReasonError,
    UnknownDeliveryError,
    UnknownGenderCategoryError,
    UnknownGoalError,
)
from shared.problems import problem_response

# Anything else is a conflict with the object's state (409).
_INVALID_VALUES = (GoalLevelsIncompleteError, GoalWeightNotPositiveError, LevelOutOfRangeError,
                   MalformedPeriodError, UnitsNotPositiveError, UnknownClosureReasonError,
                   UnknownGenderCategoryError, ServiceEndBeforeStartError)
_UNKNOWN_PARTS = (UnknownGoalError, ServiceNotAssignedError, UnknownDeliveryError)


def _status(error: DomainError) -> tuple[int, str]:
    if isinstance(error, _INVALID_VALUES):
        return 422, "Invalid value"
    if isinstance(error, _UNKNOWN_PARTS):
        return 404, "Not found"
    return 409, "Rule broken"


def install_rule_problems(app: FastAPI) -> None:
    """Answer a broken rule with its status, title and `rule` name."""

    async def on_rule(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, DomainError)
        status, title = _status(exc)
        return problem_response(status, title, str(exc), instance=request.url.path,
                                rule=exc.rule)

    app.add_exception_handler(DomainError, on_rule)
