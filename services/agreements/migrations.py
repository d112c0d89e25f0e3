"""The agreements service's tables, migration by migration (see `shared.migrations`).

Add a change as a new `Migration` at the end with the next number; never edit one
that has been released, a database that applied it would not see the change.
"""

from __future__ import annotations

from shared.migrations import Migration

OWNER = "agreements"

MIGRATIONS = (
    # The read models' tables as the views created them before migrations existed:
    # idempotent, so a database made by older code is taken over as it is.
    Migration(1, "views: providers, agreements, reports", (
        """CREATE TABLE IF NOT EXISTS provider_summaries (
            provider_id uuid PRIMARY KEY, name text NOT NULL, legal_form text NOT NULL,
            fields_of_action text[] NOT NULL, active boolean NOT NULL,
            registered_on date NOT NULL, version integer NOT NULL)""",
        """CREATE TABLE IF NOT EXISTS agreement_summaries (
            agreement_id uuid PRIMARY KEY, provider_id uuid NOT NULL, title text NOT NULL,
            budget_product_code text NOT NULL, field_of_action text NOT NULL,
            target_groups text[] NOT NULL, districts text[] NOT NULL,
            term_start date NOT NULL, term_end date NOT NULL, annual_budget_cents bigint,
            pricing_unit text NOT NULL, unit_price_cents bigint NOT NULL,
            capacity integer NOT NULL, reporting_frequency text NOT NULL,
            reporting_due_days integer NOT NULL, signed_on date, suspended boolean NOT NULL,
            termination_date date, version integer NOT NULL)""",
        """CREATE INDEX IF NOT EXISTS agreement_summaries_provider
            ON agreement_summaries (provider_id)""",
        """CREATE TABLE IF NOT EXISTS report_summaries (
            report_id uuid PRIMARY KEY, agreement_id uuid NOT NULL, provider_id uuid NOT NULL,
            period text NOT NULL, period_start date NOT NULL, period_end date NOT NULL,
            due_on date NOT NULL, status text NOT NULL, late boolean NOT NULL,
            revision integer NOT NULL, submitted_on date NOT NULL, version integer NOT NULL)""",
        """CREATE INDEX IF NOT EXISTS report_summaries_agreement
            ON report_summaries (agreement_id, period)""",
        # Came later than the table: a view built before gets it, filled by its replay.
        """ALTER TABLE report_summaries
            ADD COLUMN IF NOT EXISTS rejection_reason text NOT NULL DEFAULT ''""",
    )),
)
