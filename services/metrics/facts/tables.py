"""The fact tables: append-only, each row with the domain date and the recorded time.

Every row keeps `occurred_on` (when it happened) and `recorded_at` (the
envelope's time: when the source service recorded it), so "period P as known
at time T" is a filter on `recorded_at <= T`. Rows are never updated; a later
change is a later row with a higher aggregate version.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FactTable:
    """A fact table's name, its columns (in COPY order) and their SQL types (the tables
    themselves are made by `services.metrics.migrations`)."""

    name: str
    columns: tuple[tuple[str, str], ...]

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.columns)


_KNOWN = (("occurred_on", "date NOT NULL"), ("recorded_at", "timestamptz NOT NULL"))

PROVIDERS = FactTable("provider_facts", (
    ("provider_id", "uuid NOT NULL"), ("version", "integer NOT NULL"),
    ("change", "text NOT NULL"), ("name", "text"), ("legal_form", "text"),
    ("fields_of_action", "text[]"), *_KNOWN,
))
AGREEMENTS = FactTable("agreement_facts", (
    ("agreement_id", "uuid NOT NULL"), ("version", "integer NOT NULL"),
    ("change", "text NOT NULL"), ("effective_on", "date"), ("provider_id", "uuid"),
    ("title", "text"), ("budget_product_code", "text"), ("field_of_action", "text"),
    ("target_groups", "text[]"), ("districts", "text[]"), ("term_start", "date"),
    ("term_end", "date"), ("annual_budget_cents", "bigint"), ("pricing_unit", "text"),
    ("unit_price_cents", "bigint"), ("capacity", "integer"), ("impact_goals", "jsonb"),
    ("reporting_frequency", "text"), ("reporting_due_days", "integer"), ("reason", "text"),
    *_KNOWN,
))
REPORTS = FactTable("report_facts", (
    ("report_id", "uuid NOT NULL"), ("version", "integer NOT NULL"),
    ("change", "text NOT NULL"), ("revision", "integer NOT NULL"), ("agreement_id", "uuid"),
    ("provider_id", "uuid"), ("period", "text"), ("period_start", "date"),
    ("period_end", "date"), ("due_on", "date"), ("late", "boolean"),
    ("participants", "integer"), ("units_delivered", "numeric"),
    ("expenditure_cents", "bigint"), ("reason", "text"), *_KNOWN,
))
REPORT_OUTCOMES = FactTable("report_outcomes", (
    ("report_id", "uuid NOT NULL"), ("revision", "integer NOT NULL"),
    ("indicator_id", "text NOT NULL"), ("achieved", "integer NOT NULL"),
    ("measured", "integer NOT NULL"), *_KNOWN,
))
CLIENTS = FactTable("client_facts", (
    ("client_id", "uuid NOT NULL"), ("version", "integer NOT NULL"),
    ("change", "text NOT NULL"), ("client_pseudonym", "text"), ("gender_category", "text"),
    ("team", "text"), *_KNOWN,
))
CASES = FactTable("case_opened", (
    ("case_id", "uuid NOT NULL"), ("version", "integer NOT NULL"),
    ("client_pseudonym", "text NOT NULL"), ("field_of_action", "text NOT NULL"),
    ("target_groups", "text[] NOT NULL"), ("district", "text NOT NULL"),
    ("team", "text NOT NULL"), ("legal_basis", "text NOT NULL"),
    ("age_band", "text NOT NULL"), *_KNOWN,
))
CASE_STATUS = FactTable("case_status", (
    ("case_id", "uuid NOT NULL"), ("version", "integer NOT NULL"),
    ("status", "text NOT NULL"), ("reason", "text"), *_KNOWN,
))
GOALS = FactTable("case_goals", (
    ("case_id", "uuid NOT NULL"), ("goal_id", "uuid NOT NULL"), ("version", "integer NOT NULL"),
    ("weight", "numeric NOT NULL"), ("baseline", "integer NOT NULL"), *_KNOWN,
))
REVIEWS = FactTable("goal_reviews", (
    ("case_id", "uuid NOT NULL"), ("goal_id", "uuid NOT NULL"), ("version", "integer NOT NULL"),
    ("level", "integer NOT NULL"), *_KNOWN,
))
SERVICES = FactTable("case_services", (
    ("case_id", "uuid NOT NULL"), ("service_id", "uuid NOT NULL"),
    ("version", "integer NOT NULL"), ("change", "text NOT NULL"), ("agreement_id", "uuid"),
    ("units_planned", "numeric"), ("unit", "text"), ("start_date", "date"), *_KNOWN,
))
DELIVERIES = FactTable("deliveries", (
    ("case_id", "uuid NOT NULL"), ("service_id", "uuid NOT NULL"),
    ("version", "integer NOT NULL"), ("period", "text NOT NULL"),
    ("period_start", "date NOT NULL"), ("period_end", "date NOT NULL"),
    ("units", "numeric NOT NULL"), *_KNOWN,
))
# Corrections: a goal set wrongly, a delivery logged wrongly. The rows they correct stay;
# what counts leaves these out (a goal) or subtracts them (a delivery's units).
GOAL_WITHDRAWALS = FactTable("goal_withdrawals", (
    ("case_id", "uuid NOT NULL"), ("goal_id", "uuid NOT NULL"), ("version", "integer NOT NULL"),
    *_KNOWN,
))
DELIVERY_REVERSALS = FactTable("delivery_reversals", (
    ("case_id", "uuid NOT NULL"), ("service_id", "uuid NOT NULL"),
    ("delivery_id", "uuid NOT NULL"), ("version", "integer NOT NULL"),
    ("period", "text NOT NULL"), ("period_start", "date NOT NULL"),
    ("period_end", "date NOT NULL"), ("units", "numeric NOT NULL"), *_KNOWN,
))

FACT_TABLES = (PROVIDERS, AGREEMENTS, REPORTS, REPORT_OUTCOMES, CLIENTS, CASES, CASE_STATUS,
               GOALS, REVIEWS, SERVICES, DELIVERIES, GOAL_WITHDRAWALS, DELIVERY_REVERSALS)
