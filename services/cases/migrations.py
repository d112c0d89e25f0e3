"""The cases service's tables, migration by migration (see `shared.migrations`): its read
model, the vault of personal data and the replica of the agreements.

Add a change as a new `Migration` at the end with the next number; never edit one
that has been released, a database that applied it would not see the change.
"""

from __future__ import annotations

from shared.migrations import Migration, apply
from shared.store_migrations import prepare_stores

OWNER = "cases"

MIGRATIONS = (
    # The tables as the view, the vault and the replica created them on start before
    # migrations existed: idempotent, so a database made by older code is taken over as
    # it is, whichever release made it.
    Migration(1, "read model, vault, agreements replica", (
        # The read model (`services.cases.views`).
        """CREATE TABLE IF NOT EXISTS case_summaries (
            case_id uuid PRIMARY KEY, client_pseudonym text NOT NULL,
            field_of_action text NOT NULL, target_groups text[] NOT NULL,
            district text NOT NULL, team text NOT NULL, legal_basis text NOT NULL,
            age_band text NOT NULL, reentry boolean NOT NULL, status text NOT NULL,
            opened_on date NOT NULL, closed_on date, closure_reason text,
            version integer NOT NULL)""",
        """CREATE INDEX IF NOT EXISTS case_summaries_team
            ON case_summaries (team, status, opened_on)""",
        """CREATE INDEX IF NOT EXISTS case_summaries_client
            ON case_summaries (client_pseudonym)""",
        """CREATE TABLE IF NOT EXISTS case_services (
            case_id uuid NOT NULL, service_id uuid NOT NULL, agreement_id uuid NOT NULL,
            start_date date NOT NULL, ended_on date, PRIMARY KEY (case_id, service_id))""",
        """CREATE INDEX IF NOT EXISTS case_services_running
            ON case_services (agreement_id) WHERE ended_on IS NULL""",
        # Came later than the tables: a view built before gets them, filled by its replay.
        "ALTER TABLE case_services ADD COLUMN IF NOT EXISTS end_date date",
        "ALTER TABLE case_summaries ADD COLUMN IF NOT EXISTS assessed_on date",
        # Each goal and its last review, for the reviews the work list shows as due.
        """CREATE TABLE IF NOT EXISTS case_goals (
            case_id uuid NOT NULL, goal_id uuid NOT NULL, set_on date NOT NULL,
            last_reviewed_on date, PRIMARY KEY (case_id, goal_id))""",
        # The vault (`services.cases.postgres_vault`).
        """CREATE TABLE IF NOT EXISTS client_keys (
            client_id uuid PRIMARY KEY, key bytea, kek_id text)""",
        # Before the KEK, every key was stored as it is and never missing (the vault
        # wraps such keys when it opens).
        "ALTER TABLE client_keys ADD COLUMN IF NOT EXISTS kek_id text",
        "ALTER TABLE client_keys ALTER COLUMN key DROP NOT NULL",
        """CREATE TABLE IF NOT EXISTS client_personal_data (
            client_id uuid PRIMARY KEY, sealed bytea NOT NULL)""",
        # Came later: the vault indexes the clients stored before when it opens.
        """CREATE TABLE IF NOT EXISTS client_lookup (
            client_id uuid PRIMARY KEY, entry bytea NOT NULL)""",
        "CREATE INDEX IF NOT EXISTS client_lookup_entry ON client_lookup (entry)",
        # The replica of the agreements (`services.cases.replica`): what it applied…
        """CREATE TABLE IF NOT EXISTS applied_versions (
            aggregate_id text PRIMARY KEY, version integer NOT NULL,
            applied_at timestamptz NOT NULL DEFAULT now())""",
        """CREATE TABLE IF NOT EXISTS input_positions (
            topic text NOT NULL, partition integer NOT NULL, last_offset bigint NOT NULL,
            PRIMARY KEY (topic, partition))""",
        # … and what it holds.
        """CREATE TABLE IF NOT EXISTS replica_agreements (
            agreement_id uuid PRIMARY KEY, provider_id uuid NOT NULL,
            field_of_action text NOT NULL, districts text[] NOT NULL,
            pricing_unit text NOT NULL, capacity integer NOT NULL,
            term_start date NOT NULL, term_end date NOT NULL,
            signed_on date, termination_date date,
            version integer NOT NULL, recorded_at timestamptz NOT NULL)""",
        """CREATE TABLE IF NOT EXISTS replica_suspensions (
            id bigserial PRIMARY KEY, agreement_id uuid NOT NULL,
            since date NOT NULL, until date)""",
        """CREATE INDEX IF NOT EXISTS replica_suspensions_agreement
            ON replica_suspensions (agreement_id)""",
        # What caseworkers choose an agreement by. Came later: a replica built before has
        # them empty until it is rebuilt (`rebuild_replica`, or a new consumer group).
        """ALTER TABLE replica_agreements ADD COLUMN IF NOT EXISTS title text,
            ADD COLUMN IF NOT EXISTS unit_price_cents bigint""",
        """CREATE INDEX IF NOT EXISTS replica_agreements_field
            ON replica_agreements (field_of_action)""",
        # Providers come on their own key, so in no fixed order with their agreements: a join.
        """CREATE TABLE IF NOT EXISTS replica_providers (
            provider_id uuid PRIMARY KEY, name text NOT NULL,
            version integer NOT NULL, recorded_at timestamptz NOT NULL)""",
        # Messages the replica could not apply: kept, never dropped, for an operator.
        """CREATE TABLE IF NOT EXISTS replica_dead_letters (
            id bigserial PRIMARY KEY, key bytea, value bytea, headers jsonb NOT NULL,
            received_at timestamptz NOT NULL DEFAULT now())""",
    )),
)


def prepare_database(database_url: str) -> None:
    """Bring the cases database's tables, its stores' and its own, up to this code's
    version (for what opens them without starting the service: commands, tests)."""
    prepare_stores(database_url)
    apply(database_url, OWNER, MIGRATIONS)
