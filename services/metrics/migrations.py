"""The metrics service's tables, migration by migration (see `shared.migrations`).

The facts live in one schema that a rebuild replaces whole (`services.metrics.facts.schema`).
The live one, `facts`, is migrated step by step and each step recorded; a fresh one for a
rebuild or a verification replay is made by the same steps' statements run all at once
(`fact_statements`), so the schemas a rebuild swaps are alike. A step's statements name
their tables without a schema: they run with the search path set to the facts' schema.

Add a change as a new step at the end; never edit one that has been released, a database
that applied it would not see the change.
"""

from __future__ import annotations

from shared.migrations import Migration, apply

OWNER = "metrics"
LIVE_SCHEMA = "facts"

# The reference population is not derived from the topics: no rebuild touches it.
REFERENCE = (
    "CREATE SCHEMA IF NOT EXISTS reference",
    """
    CREATE TABLE IF NOT EXISTS reference.population (
        district text NOT NULL,
        age_band text NOT NULL,
        year integer NOT NULL,
        population integer NOT NULL CHECK (population >= 0),
        source text NOT NULL,
        imported_by text NOT NULL,
        imported_at timestamptz NOT NULL DEFAULT clock_timestamp()
    )
    """,
)

_KNOWN = "occurred_on date NOT NULL, recorded_at timestamptz NOT NULL"

# Each step of the facts: its name and its statements, in the facts' schema.
STEPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    # The facts as the first code with them created them on every start, before migrations
    # existed: idempotent, so a database made by older code is taken over as it is.
    ("facts and the consumer's tracking", (
        """CREATE TABLE IF NOT EXISTS applied_versions (
            aggregate_id text PRIMARY KEY, version integer NOT NULL,
            applied_at timestamptz NOT NULL DEFAULT now())""",
        """CREATE TABLE IF NOT EXISTS input_positions (
            topic text NOT NULL, partition integer NOT NULL, last_offset bigint NOT NULL,
            PRIMARY KEY (topic, partition))""",
        f"""CREATE TABLE IF NOT EXISTS provider_facts (
            provider_id uuid NOT NULL, version integer NOT NULL, change text NOT NULL,
            name text, legal_form text, fields_of_action text[], {_KNOWN})""",
        f"""CREATE TABLE IF NOT EXISTS agreement_facts (
            agreement_id uuid NOT NULL, version integer NOT NULL, change text NOT NULL,
            effective_on date, provider_id uuid, title text, budget_product_code text,
            field_of_action text, target_groups text[], districts text[], term_start date,
            term_end date, annual_budget_cents bigint, pricing_unit text,
            unit_price_cents bigint, capacity integer, impact_goals jsonb,
            reporting_frequency text, reporting_due_days integer, reason text, {_KNOWN})""",
        f"""CREATE TABLE IF NOT EXISTS report_facts (
            report_id uuid NOT NULL, version integer NOT NULL, change text NOT NULL,
            revision integer NOT NULL, agreement_id uuid, provider_id uuid, period text,
            period_start date, period_end date, due_on date, late boolean,
            participants integer, units_delivered numeric, expenditure_cents bigint,
            reason text, {_KNOWN})""",
        f"""CREATE TABLE IF NOT EXISTS report_outcomes (
            report_id uuid NOT NULL, revision integer NOT NULL, indicator_id text NOT NULL,
            achieved integer NOT NULL, measured integer NOT NULL, {_KNOWN})""",
        f"""CREATE TABLE IF NOT EXISTS client_facts (
            client_id uuid NOT NULL, version integer NOT NULL, change text NOT NULL,
            client_pseudonym text, gender_category text, team text, {_KNOWN})""",
        f"""CREATE TABLE IF NOT EXISTS case_opened (
            case_id uuid NOT NULL, version integer NOT NULL, client_pseudonym text NOT NULL,
            field_of_action text NOT NULL, target_groups text[] NOT NULL,
            district text NOT NULL, team text NOT NULL, legal_basis text NOT NULL,
            age_band text NOT NULL, {_KNOWN})""",
        f"""CREATE TABLE IF NOT EXISTS case_status (
            case_id uuid NOT NULL, version integer NOT NULL, status text NOT NULL,
            reason text, {_KNOWN})""",
        f"""CREATE TABLE IF NOT EXISTS case_goals (
            case_id uuid NOT NULL, goal_id uuid NOT NULL, version integer NOT NULL,
            weight numeric NOT NULL, baseline integer NOT NULL, {_KNOWN})""",
        f"""CREATE TABLE IF NOT EXISTS goal_reviews (
            case_id uuid NOT NULL, goal_id uuid NOT NULL, version integer NOT NULL,
            level integer NOT NULL, {_KNOWN})""",
        f"""CREATE TABLE IF NOT EXISTS case_services (
            case_id uuid NOT NULL, service_id uuid NOT NULL, version integer NOT NULL,
            change text NOT NULL, agreement_id uuid, units_planned numeric, unit text,
            start_date date, {_KNOWN})""",
        f"""CREATE TABLE IF NOT EXISTS deliveries (
            case_id uuid NOT NULL, service_id uuid NOT NULL, version integer NOT NULL,
            period text NOT NULL, period_start date NOT NULL, period_end date NOT NULL,
            units numeric NOT NULL, {_KNOWN})""",
        "CREATE INDEX IF NOT EXISTS case_status_case ON case_status (case_id)",
        "CREATE INDEX IF NOT EXISTS case_services_case ON case_services (case_id)",
        "CREATE INDEX IF NOT EXISTS deliveries_service ON deliveries (service_id)",
    )),
    # Each batch inserts deliveries; nothing read them by service.
    ("no index on deliveries", (
        "DROP INDEX IF EXISTS deliveries_service",
    )),
    # A goal set wrongly, a delivery logged wrongly: the rows they correct stay.
    ("corrections: goal withdrawals and delivery reversals", (
        f"""CREATE TABLE IF NOT EXISTS goal_withdrawals (
            case_id uuid NOT NULL, goal_id uuid NOT NULL, version integer NOT NULL,
            {_KNOWN})""",
        f"""CREATE TABLE IF NOT EXISTS delivery_reversals (
            case_id uuid NOT NULL, service_id uuid NOT NULL, delivery_id uuid NOT NULL,
            version integer NOT NULL, period text NOT NULL, period_start date NOT NULL,
            period_end date NOT NULL, units numeric NOT NULL, {_KNOWN})""",
    )),
    # Empty at first: the years kept are none, so the indicators are counted from the facts
    # until a batch with case events fills the units for every case.
    ("case units kept beside the facts", (
        """CREATE TABLE IF NOT EXISTS case_units (
            kind text NOT NULL, label text NOT NULL, case_id uuid NOT NULL,
            client text NOT NULL, record_key bigint NOT NULL, numerator float8,
            denominator float8, value float8, field_of_action text NOT NULL,
            target_groups text[] NOT NULL, district text NOT NULL, age_band text NOT NULL,
            agreements text[] NOT NULL, providers text[] NOT NULL,
            budget_products text[] NOT NULL)""",
        "CREATE INDEX IF NOT EXISTS case_units_kind_label ON case_units (kind, label)",
        "CREATE INDEX IF NOT EXISTS case_units_case ON case_units (case_id)",
        # One row: the years whose periods the units cover.
        """CREATE TABLE IF NOT EXISTS case_units_years (
            first_year integer NOT NULL, last_year integer NOT NULL)""",
        # What a refresh of some cases looks up.
        "CREATE INDEX IF NOT EXISTS case_opened_case ON case_opened (case_id)",
        "CREATE INDEX IF NOT EXISTS case_opened_client ON case_opened (client_pseudonym)",
        "CREATE INDEX IF NOT EXISTS case_goals_case ON case_goals (case_id)",
        "CREATE INDEX IF NOT EXISTS goal_reviews_case ON goal_reviews (case_id)",
        "CREATE INDEX IF NOT EXISTS goal_withdrawals_case ON goal_withdrawals (case_id)",
        "CREATE INDEX IF NOT EXISTS deliveries_case ON deliveries (case_id)",
        "CREATE INDEX IF NOT EXISTS delivery_reversals_case ON delivery_reversals (case_id)",
        "CREATE INDEX IF NOT EXISTS case_services_agreement ON case_services (agreement_id)",
    )),
    ("agreement units kept beside the facts", (
        # Numbers as numeric, as the units give them: the cells sum them exactly as from
        # the facts, and only then make them float8.
        """CREATE TABLE IF NOT EXISTS agreement_units (
            kind text NOT NULL, label text NOT NULL, agreement_id uuid NOT NULL,
            numerator numeric, denominator numeric, reference_numerator numeric,
            reference_denominator numeric, persons text[] NOT NULL,
            headcount integer NOT NULL)""",
        "CREATE INDEX IF NOT EXISTS agreement_units_kind_label "
        "ON agreement_units (kind, label)",
        "CREATE INDEX IF NOT EXISTS agreement_units_agreement ON agreement_units (agreement_id)",
        """CREATE TABLE IF NOT EXISTS agreement_dimensions (
            agreement_id uuid PRIMARY KEY, provider_id uuid, field_of_action text,
            budget_product text, districts text[], target_groups text[])""",
        "CREATE INDEX IF NOT EXISTS report_facts_report ON report_facts (report_id)",
        # Case units kept before have no agreement units beside them: forgetting their years
        # has the indicators counted from the facts until a batch with case events refreshes
        # both for every case and agreement.
        "DELETE FROM case_units_years",
    )),
    # Covers every column the cells read: a question reads the index's leaves, where the
    # units of one kind and period lie together, not a heap page per unit (twice as fast
    # at 10,000 cases, BENCHMARKS.md).
    ("the case units' index covers what the cells read", (
        "DROP INDEX IF EXISTS case_units_kind_label",
        "CREATE INDEX IF NOT EXISTS case_units_cells ON case_units (kind, label) INCLUDE ("
        "client, record_key, numerator, denominator, value, field_of_action, target_groups, "
        "district, age_band, agreements, providers, budget_products)",
    )),
    # A catch-up sets the units aside and remembers what it touched; the batch after it
    # counts those again, not every case.
    ("units set aside remember what to count again", (
        "ALTER TABLE case_units_years ADD COLUMN IF NOT EXISTS set_aside boolean NOT NULL "
        "DEFAULT false",
        "CREATE TABLE IF NOT EXISTS case_units_stale (case_id uuid PRIMARY KEY)",
        "CREATE TABLE IF NOT EXISTS agreement_units_stale (agreement_id uuid PRIMARY KEY)",
    )),
    # A person with one case (most) has one unit per kind and period: the cells sum those
    # straight, and count distinct only the persons with several cases (`shared`). The
    # unique index holds every kind to one unit per case and period. Every case and
    # agreement is counted anew.
    ("units know whether their person has other cases", (
        "DELETE FROM case_units",
        "DELETE FROM case_units_years",
        "DELETE FROM case_units_stale",
        "DELETE FROM agreement_units_stale",
        "DELETE FROM agreement_units",
        "DELETE FROM agreement_dimensions",
        # An agreement unit's persons by their record keys, not their pseudonyms.
        "ALTER TABLE agreement_units DROP COLUMN IF EXISTS persons",
        "ALTER TABLE agreement_units ADD COLUMN IF NOT EXISTS person_keys bigint[] NOT NULL",
        "ALTER TABLE case_units ADD COLUMN IF NOT EXISTS shared boolean NOT NULL DEFAULT false",
        "DROP INDEX IF EXISTS case_units_cells",
        "CREATE INDEX IF NOT EXISTS case_units_cells ON case_units (kind, label, shared) "
        "INCLUDE (client, record_key, numerator, denominator, value, field_of_action, "
        "target_groups, district, age_band, agreements, providers, budget_products)",
        "DROP INDEX IF EXISTS case_units_case",
        "CREATE UNIQUE INDEX IF NOT EXISTS case_units_case ON case_units (case_id, kind, label)",
    )),
    # An agreement unit's persons served under no other agreement are counted apart
    # (`agreement_units`); every unit is counted anew.
    ("agreement units count the persons of one agreement apart", (
        "DELETE FROM case_units_years",
        "DELETE FROM agreement_units",
        "ALTER TABLE agreement_units ADD COLUMN IF NOT EXISTS alone integer NOT NULL",
        "ALTER TABLE agreement_units ADD COLUMN IF NOT EXISTS alone_keys numeric NOT NULL",
    )),
    # What each person used under each agreement per period (budget and capacity), kept
    # so that a batch sums an agreement's units from them instead of pricing every
    # delivery of its cases again (`agreement_units`); every unit is counted anew.
    ("agreement units summed from the persons' uses", (
        "DELETE FROM case_units_years",
        """CREATE TABLE IF NOT EXISTS agreement_uses (
            kind text NOT NULL, label text NOT NULL, agreement_id uuid NOT NULL,
            client text NOT NULL, record_key bigint NOT NULL, amount numeric NOT NULL,
            alone boolean NOT NULL)""",
        "CREATE INDEX IF NOT EXISTS agreement_uses_client ON agreement_uses (client)",
        "CREATE INDEX IF NOT EXISTS agreement_uses_unit "
        "ON agreement_uses (agreement_id, kind, label)",
    )),
    # The units of persons with one case summed per kind, period and one family of
    # dimensions (`case_cells`), changed by the units a batch changes; the partial indexes
    # find the sums no unit adds to any more. Every unit is counted anew.
    ("case units summed by the case's and by its services' dimensions", (
        "DELETE FROM case_units_years",
        """CREATE TABLE IF NOT EXISTS unit_sums_by_case (
            kind text NOT NULL, label text NOT NULL, field_of_action text NOT NULL,
            target_groups text[] NOT NULL, district text NOT NULL, age_band text NOT NULL,
            numerator numeric NOT NULL, denominator numeric NOT NULL, values bigint NOT NULL,
            persons bigint NOT NULL, person_keys numeric NOT NULL,
            PRIMARY KEY (kind, label, field_of_action, target_groups, district, age_band))""",
        """CREATE TABLE IF NOT EXISTS unit_sums_by_service (
            kind text NOT NULL, label text NOT NULL, agreements text[] NOT NULL,
            providers text[] NOT NULL, budget_products text[] NOT NULL,
            numerator numeric NOT NULL, denominator numeric NOT NULL, values bigint NOT NULL,
            persons bigint NOT NULL, person_keys numeric NOT NULL,
            PRIMARY KEY (kind, label, agreements, providers, budget_products))""",
        "CREATE INDEX IF NOT EXISTS unit_sums_by_case_empty ON unit_sums_by_case (kind) "
        "WHERE persons = 0",
        "CREATE INDEX IF NOT EXISTS unit_sums_by_service_empty ON unit_sums_by_service (kind) "
        "WHERE persons = 0",
    )),
)


def _in(schema: str, statements: tuple[str, ...]) -> tuple[str, ...]:
    # Back to the connection's own search path at the end, where the step is recorded.
    return (f"CREATE SCHEMA IF NOT EXISTS {schema}", f"SET LOCAL search_path TO {schema}",
            *statements, "SET LOCAL search_path TO DEFAULT")


def fact_statements(schema: str) -> tuple[str, ...]:
    """Every step's statements at once, for a fresh `schema` (one transaction)."""
    return _in(schema, tuple(statement for _, statements in STEPS for statement in statements))


MIGRATIONS = tuple(
    Migration(number, name, (*(REFERENCE if number == 1 else ()), *_in(LIVE_SCHEMA, statements)))
    for number, (name, statements) in enumerate(STEPS, start=1))


def prepare_database(database_url: str) -> None:
    """Bring the metrics database's tables up to this code's version (at start-up, before a
    rebuild, and for what opens them without starting the service)."""
    apply(database_url, OWNER, MIGRATIONS)
