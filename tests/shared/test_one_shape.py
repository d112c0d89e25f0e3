"""The write services in one shape: the same module for the same role, one way to pass the
caller, and errors of a kind that each service's `api/errors.py` answers as problems."""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi import FastAPI

from services.agreements import domain as agreements_domain
from services.agreements.api.errors import install_problems as agreements_problems
from services.agreements.application import Agreements
from services.cases import domain as cases_domain
from services.cases.api.errors import install_problems as cases_problems
from services.cases.application import Cases
from shared.errors import ServiceError
from shared.problems import install_problem_handlers
from tests.support import serving

ROOT = Path(__file__).resolve().parents[2]
WRITE_SERVICES = ("agreements", "cases")
# The roles every write service fills, each in a module of the same name.
ROLES = ("domain", "application/__init__.py", "application/dtos.py", "api/__init__.py",
         "api/models.py", "api/answers.py", "api/dependencies.py", "api/errors.py",
         "contracts.py", "views.py", "settings.py", "main.py")
# The names the other service used for the same roles.
RETIRED = ("api/common.py", "api/deps.py", "api/outputs.py", "application/dto.py")


@pytest.mark.parametrize("service", WRITE_SERVICES)
def test_a_write_service_keeps_each_role_in_the_module_of_that_name(service: str) -> None:
    root = ROOT / "services" / service
    assert [role for role in ROLES if not (root / role).exists()] == []
    assert [name for name in RETIRED if (root / name).exists()] == []


@pytest.mark.parametrize("application", [Agreements, Cases], ids=lambda a: a.__name__)
def test_every_command_and_query_takes_its_caller_as_caller(application: type) -> None:
    named_otherwise = []
    for name, method in inspect.getmembers(application, inspect.isfunction):
        if name.startswith("_"):
            continue
        parameters = inspect.signature(method).parameters
        named_otherwise += [f"{name}({parameter})" for parameter in parameters
                            if parameter in ("actor", "reader", "principal")]
        if "caller" in parameters:
            assert parameters["caller"].annotation == "Caller", name
    assert named_otherwise == []


@pytest.mark.parametrize("application", [Agreements, Cases], ids=lambda a: a.__name__)
def test_an_application_is_composed_in_its_package_of_parts_on_one_shared_base(
        application: type) -> None:
    """Each part (one module of `application/`) builds on the service's base alone, so a
    reader learns a part from it and the base, and the whole from the package."""
    service = application.__module__.split(".")[1]
    base = importlib.import_module(f"services.{service}.application.base")
    (shared,) = [value for value in vars(base).values() if isinstance(value, type)
                 and value.__module__ == base.__name__ and value.__name__.endswith("Base")]
    parts = application.__bases__

    assert application.__module__ == f"services.{service}.application"
    assert len(parts) >= 4
    assert [part.__name__ for part in parts if part.__bases__ != (shared,)] == []
    assert len({part.__module__ for part in parts}) == len(parts)
    assert [name for name, value in vars(application).items() if callable(value)] == []


@pytest.mark.parametrize("domain", [agreements_domain, cases_domain], ids=lambda d: d.__name__)
def test_every_rule_a_domain_names_is_an_error_of_a_kind(domain: object) -> None:
    errors = importlib.import_module(f"{getattr(domain, '__name__', '')}.errors")
    classes = [value for value in vars(errors).values()
               if isinstance(value, type) and value.__module__ == errors.__name__]
    assert classes
    assert [error.__name__ for error in classes if not issubclass(error, ServiceError)] == []


def _raising(error: Exception, install: Callable[[FastAPI], None]) -> FastAPI:
    app = FastAPI()
    install_problem_handlers(app)
    install(app)

    async def broken() -> None:
        raise error

    app.add_api_route("/broken", broken, methods=["POST"])
    return app


@pytest.mark.parametrize(("error", "install", "status", "title"), [
    (agreements_domain.NegativeAmountError(), agreements_problems, 422, "Invalid input"),
    (agreements_domain.ProviderInactiveError(), agreements_problems, 409, "Rule broken"),
    (cases_domain.UnitsNotPositiveError("Units 0 are not above zero."), cases_problems, 422,
     "Invalid value"),
    (cases_domain.UnknownGoalError("Goal 7 is not set on this case."), cases_problems, 404,
     "Not found"),
    (cases_domain.CaseNotOpenError("The case is closed."), cases_problems, 409,
     "Rule broken"),
], ids=lambda value: type(value).__name__ if isinstance(value, Exception) else None)
async def test_a_broken_rule_is_answered_by_its_kind_under_its_service_title(
        error: ServiceError, install: Callable[[FastAPI], None], status: int,
        title: str) -> None:
    async with serving(_raising(error, install)) as client:
        answer = await client.post("/broken")

    assert answer.status_code == status
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json() == {"type": "about:blank", "title": title, "status": status,
                             "detail": str(error), "instance": "/broken", "rule": error.rule}
    assert str(error)  # a bare raise still says which rule (the docstring)
