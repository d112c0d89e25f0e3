-- Runs once, on the first start with an empty data volume, as POSTGRES_USER.
-- Each service keeps its event store (and the metrics service its read model)
-- in a database of its own.
CREATE DATABASE wirkung_agreements;
CREATE DATABASE wirkung_cases;
CREATE DATABASE wirkung_metrics;
