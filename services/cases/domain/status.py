"""Whether a case is open, and the reasons it may close for."""

from __future__ import annotations

from enum import StrEnum

from shared.vocabulary import ClosureReason

CLOSURE_REASONS = frozenset(ClosureReason)


class CaseStatus(StrEnum):
    """Whether caseworkers still log help in the case."""

    OPEN = "open"
    CLOSED = "closed"
