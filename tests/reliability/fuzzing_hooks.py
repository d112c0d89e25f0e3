"""Schemathesis hooks of the API fuzzing (`st run` loads this module)."""

from __future__ import annotations

import uuid
from typing import Any

import schemathesis


@schemathesis.hook
def before_call(context: Any, case: Any, kwargs: Any) -> None:
    """A fresh Idempotency-Key per command, as a client sends one per command it means.

    The generator draws keys from a small space ("0", "00" …) and would send one key with
    two different requests, which the service rightly refuses (422, see
    tests/integration/test_cases_http.py); an over-long key stays, to be refused (400).
    """
    headers = case.headers or {}
    for name in list(headers):
        if name.lower() == "idempotency-key" and len(str(headers[name])) <= 200:
            headers[name] = str(uuid.uuid4())
