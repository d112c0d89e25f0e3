"""Every rule of the agreements domain is exercised through the HTTP API."""

from __future__ import annotations

from pathlib import Path

from services.agreements import domain
from services.agreements.domain import AgreementError

API_TESTS = sorted(Path(__file__).parent.glob("test_api_*.py"))


def rules() -> set[str]:
    found: set[str] = set()
    for name in dir(domain):
        value = getattr(domain, name)
        if isinstance(value, type) and issubclass(value, AgreementError):
            rule = value.rule
            if rule not in ("agreements_rule",) and value.__subclasses__() == []:
                found.add(rule)
    return found


def test_each_rule_has_a_scenario_through_the_api() -> None:
    text = "\n".join(path.read_text() for path in API_TESTS)

    missing = sorted(rule for rule in rules() if f'"{rule}"' not in text)

    assert len(rules()) >= 30
    assert missing == []
