"""The domain modules import only the standard library, eventsourcing.domain and values."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# shared.gas and shared.closures are rules as constants and pure functions the metrics
# service counts with too; shared.errors gives the domains' errors their kinds.
ALLOWED = ("eventsourcing.domain", "shared.vocabulary", "shared.gas", "shared.closures",
           "shared.errors", "__future__")
DOMAIN_MODULES = sorted(ROOT.glob("services/*/domain.py")) + sorted(
    ROOT.glob("services/*/domain/*.py"))


def imported_modules(path: Path) -> set[str]:
    modules: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            modules.add(node.module)
    return modules


@pytest.mark.parametrize("path", DOMAIN_MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_a_domain_module_does_no_io_and_knows_no_framework(path: Path) -> None:
    import sys

    for module in imported_modules(path):
        top = module.split(".")[0]
        if module.startswith("services.") and ".domain" in module:
            continue
        assert top in sys.stdlib_module_names or module.startswith(ALLOWED), module


def test_services_never_import_each_other() -> None:
    for service_dir in sorted((ROOT / "services").iterdir()):
        if not service_dir.is_dir() or service_dir.name.startswith("__"):
            continue
        for path in service_dir.rglob("*.py"):
            for module in imported_modules(path):
                if module.startswith("services."):
                    assert module.startswith(f"services.{service_dir.name}"), (path, module)


PRODUCTION_MODULES = sorted(path for package in ("services", "shared", "wirkung", "bench")
                            for path in ROOT.glob(f"{package}/**/*.py"))


def test_no_production_module_imports_the_tests() -> None:
    """The Python implementation of the indicators lives in tests.metrics.oracle, as the
    oracle the SQL is checked against: production counts in PostgreSQL only."""
    importing = [str(path.relative_to(ROOT)) for path in PRODUCTION_MODULES
                 if any(module == "tests" or module.startswith("tests.")
                        for module in imported_modules(path))]
    assert importing == []
    assert PRODUCTION_MODULES


def test_wirkung_reaches_the_indicators_only_through_the_metrics_application() -> None:
    """The `wirkung` command and its report ask `services.metrics.application.Indicators`,
    as the API does, never the modules that count behind it."""
    reaching = sorted(f"{path.relative_to(ROOT)}: {module}"
                      for path in ROOT.glob("wirkung/**/*.py")
                      for module in imported_modules(path)
                      if module.startswith("services.metrics.indicators"))
    assert reaching == []


# The web framework's vocabulary, HTTP statuses and problem documents belong to `api/`.
HTTP_MODULES = ("fastapi", "starlette", "shared.problems", "shared.web", "shared.http")
LAYER_MODULES = DOMAIN_MODULES + sorted(ROOT.glob("services/*/application/*.py"))


def _is_http(module: str) -> bool:
    return any(module == name or module.startswith(f"{name}.") for name in HTTP_MODULES)


@pytest.mark.parametrize("path", LAYER_MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_a_domain_or_application_module_knows_no_http(path: Path) -> None:
    assert sorted(filter(_is_http, imported_modules(path))) == []


def test_the_applications_load_without_the_web_framework() -> None:
    """Not even through what they import: the CLI and the demo use them without a server."""
    import subprocess
    import sys

    packages = sorted(f"services.{path.parent.parent.name}.application"
                      for path in ROOT.glob("services/*/application/__init__.py"))
    probe = (f"import sys\nfor name in {packages!r}: __import__(name)\n"
             "print('\\n'.join(sorted(sys.modules)))")
    loaded = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, check=True,
                            capture_output=True, text=True).stdout.split()
    assert len(packages) >= 3
    assert set(packages) <= set(loaded)
    assert sorted(filter(_is_http, loaded)) == []


def _beyond_application_and_settings(module: str) -> bool:
    parts = module.split(".")
    return (parts[0] == "services" and len(parts) > 2
            and not (len(parts) == 3 and parts[2] in ("application", "settings")))


# What `wirkung` and `bench` still reach behind the services' applications: nothing now (the
# simulator's cases, the last, go through the cases application's history import). Should a
# reach ever have to be allowed for a while, it is listed here with its reason; the list only
# shrinks: a new reach fails here, and so does one that is gone but still listed.
STILL_REACHING: set[str] = set()


def test_wirkung_and_bench_use_the_services_through_their_applications_and_settings() -> None:
    reaching = {f"{path.relative_to(ROOT)}: {module}"
                for package in ("wirkung", "bench")
                for path in ROOT.glob(f"{package}/**/*.py")
                for module in imported_modules(path)
                if _beyond_application_and_settings(module)}
    assert sorted(reaching - STILL_REACHING) == [], "new reach behind an application"
    assert sorted(STILL_REACHING - reaching) == [], "gone: strike it from STILL_REACHING"
