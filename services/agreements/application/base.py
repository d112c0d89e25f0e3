"""What every part of the agreements application shares: scope and refusals."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, datetime
from typing import Any
from uuid import UUID, uuid4

from services.agreements.domain import ServiceAgreement
from shared.access_log import Access, AccessLog, MemoryAccessLog
from shared.clock import Clock, SystemClock
from shared.errors import NotFound
from shared.eventstore import ServiceApplication
from shared.history import check_version, load
from shared.principals import Caller, Role

_log = logging.getLogger("wirkung.agreements")

# Everything here is read for one purpose (the cases service asks each caller for theirs).
PURPOSE = "agreements"


class AgreementsBase(ServiceApplication):
    """The shared part: the access log, the read model, loading within scope."""

    def __init__(self, env: Any = None, *, access_log: AccessLog | None = None,
                 clock: Clock | None = None, ids: Callable[[], UUID] = uuid4) -> None:
        super().__init__(env)
        self.access_log: AccessLog = access_log or MemoryAccessLog()
        self.clock: Clock = clock or SystemClock()
        # Where the ids of new providers and agreements come from (drawn from a seed by the
        # simulation, so that a seed gives the same ids).
        self.new_id = ids

    def today(self) -> date:
        """The day it is for the application (its clock, fixed in tests)."""
        return self.clock.today()

    def on(self, day: date | None) -> date:
        """The date a step happened: as given, else today."""
        return day or self.today()

    def close(self) -> None:
        close = getattr(self.access_log, "close", None)
        if close is not None:
            close()
        super().close()

    def refuse(self, caller: Caller, object_type: str, object_id: UUID) -> NotFound:
        """Log a refused access; answer as if the object did not exist."""
        self.access_log.record(Access(subject=caller.subject, role=caller.role.value,
                                      object_type=object_type, object_ref=str(object_id),
                                      purpose=caller.purpose, granted=False))
        _log.warning("refused %s %s to %s", object_type, object_id, caller.subject)
        return NotFound(f"No {object_type.replace('_', ' ')} {object_id}.")

    def agreement_in_scope(self, agreement_id: UUID, caller: Caller, *,
                           version: int | None = None, as_of: datetime | None = None,
                           expected_version: int | None = None) -> ServiceAgreement:
        """The agreement if the caller may see it; a provider sees only its own."""
        agreement: ServiceAgreement = load(self, agreement_id, version=version, as_of=as_of,
                                           expected_version=None, what="agreement")
        if caller.role is Role.PROVIDER and str(agreement.provider_id) != caller.provider_id:
            raise self.refuse(caller, "agreement", agreement_id)
        check_version(agreement, expected_version, "agreement")
        return agreement
