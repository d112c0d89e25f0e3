"""Ids of the indicator catalog, shared so that agreements name what metrics computes."""

from __future__ import annotations

from enum import StrEnum


class IndicatorId(StrEnum):
    """An indicator of the metrics catalog (Wirkungskennzahl)."""

    # Individual case (Einzelfall)
    GAS_T_SCORE = "gas_t_score"
    GOALS_AT_OR_ABOVE_EXPECTED = "goals_at_or_above_expected_share"
    CASE_DURATION = "case_duration_days"
    # Target group (Zielgruppe)
    ACTIVE_CASES = "active_cases"
    GOAL_ATTAINMENT_RATE = "goal_attainment_rate"
    MEAN_T_SCORE_AT_CLOSURE = "mean_t_score_at_closure"
    PLANNED_CLOSURE_RATE = "planned_closure_rate"
    REENTRY_RATE = "reentry_rate_12m"
    MEDIAN_DURATION = "median_case_duration_days"
    DAYS_TO_FIRST_SERVICE = "days_to_first_service"
    COST_PER_SUCCESSFUL_OUTCOME = "cost_per_successful_outcome"
    # Agreement / provider
    IMPACT_GOAL_ACHIEVEMENT = "impact_goal_achievement"
    BUDGET_UTILISATION = "budget_utilisation"
    CAPACITY_UTILISATION = "capacity_utilisation"
    REPORT_TIMELINESS = "report_timeliness"
    REPORTED_VS_LOGGED_SUCCESS = "reported_vs_logged_success_gap"
    # Society (Gesellschaft)
    ACTIVE_CASES_PER_1000 = "active_cases_per_1000"
    CLIENTS_REACHED_PER_1000 = "clients_reached_per_1000"
    SPEND_PER_INHABITANT = "spend_per_inhabitant"
