"""Cases under test through the HTTP API: a case that remembers its answers, and builders."""

from __future__ import annotations

from typing import Any

from tests.cases.system import A_GOAL, CasesSystem
from tests.support import Tokens


class Case:
    """A case under test: its id, and commands that remember the answer."""

    def __init__(self, system: CasesSystem, token: str, body: dict[str, Any]) -> None:
        self.system, self.token, self.body = system, token, body

    @property
    def id(self) -> str:
        return str(self.body["id"])

    async def do(self, path: str, body: dict[str, Any], **headers: str) -> Any:
        response = await self.system.post(f"/cases/{self.id}{path}", self.token, body,
                                          **headers)
        if response.status_code in (200, 201):
            self.body = response.json()
        return response

    async def read(self, query: str = "") -> Any:
        return await self.system.get(f"/cases/{self.id}{query}", self.token)


async def a_case(system: CasesSystem, tokens: Tokens, **changes: Any) -> Case:
    return Case(system, tokens.caseworker, await system.new_case(tokens.caseworker, **changes))


async def with_service(case: Case, agreement: str) -> str:
    assigned = await case.do("/services", {"agreement_id": agreement, "units_planned": 40,
                                           "start_date": "2026-02-09"})
    assert assigned.status_code == 201, assigned.text
    return str(assigned.headers["location"].rsplit("/", 1)[1])


async def with_goal(case: Case, **changes: Any) -> str:
    set_ = await case.do("/goals", {**A_GOAL, **changes})
    assert set_.status_code == 201, set_.text
    return str(set_.headers["location"].rsplit("/", 1)[1])
