"""Revisions of a case's record after the fact: a goal withdrawn or a delivery reversed,
each logged wrongly, and the case handed over to another team.

A correction is no new help, so a closed case and an ended service take one too:
reopening a case to correct it would undo its closure in the indicators.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from uuid import UUID

from services.cases.domain import errors
from services.cases.domain.plan import AssignedService, Goal, assigned_service, standing_goal


class CaseRevisions:
    """The commands that revise a case (the Case aggregate records their events)."""

    team: str
    goals: dict[UUID, Goal]
    services: dict[UUID, AssignedService]
    # Defined on Case: the rule every command of an open case checks, and the methods
    # that record the events, which must be nested in Case.
    _require_open: Callable[[], None]
    _goal_withdrawn: Callable[..., None]
    _delivery_reversed: Callable[..., None]
    _handed_over: Callable[..., None]

    def withdraw_goal(self, *, goal_id: UUID, reason: str, actor: str,
                      occurred_on: date) -> None:
        """Withdraw a goal set wrongly: it no longer counts; its reviews stay in the history."""
        standing_goal(self.goals, goal_id)
        self._goal_withdrawn(goal_id=goal_id, reason=reason, actor=actor,
                             occurred_on=occurred_on)

    def reverse_delivery(self, *, service_id: UUID, delivery_id: UUID, reason: str,
                         actor: str, occurred_on: date) -> None:
        """Take back a delivery logged wrongly: its units no longer count."""
        delivery = assigned_service(self.services, service_id).delivery_to_reverse(delivery_id)
        self._delivery_reversed(service_id=service_id, delivery_id=delivery_id,
                                period=delivery.period, units=delivery.units, reason=reason,
                                actor=actor, occurred_on=occurred_on)

    def hand_over(self, *, to_team: str, reason: str, actor: str, occurred_on: date) -> None:
        """Hand the open case to another team, which from then on alone sees and works on it."""
        self._require_open()
        if to_team == self.team:
            raise errors.HandOverToOwnTeamError(f"The case is with {to_team} already.")
        self._handed_over(from_team=self.team, to_team=to_team, reason=reason, actor=actor,
                          occurred_on=occurred_on)
