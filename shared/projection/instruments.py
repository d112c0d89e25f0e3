"""Prometheus instruments of the projection consumers, labelled by consumer."""

from __future__ import annotations

from prometheus_client import Counter, Gauge

EVENTS_APPLIED = Counter("wirkung_projection_events_applied_total", "Events applied.",
                         ["consumer", "topic"])
DUPLICATES_SKIPPED = Counter("wirkung_projection_duplicates_skipped_total",
                             "Redelivered events skipped.", ["consumer", "topic"])
GAPS_HELD = Gauge("wirkung_projection_gaps_held", "Events held back waiting for a predecessor.",
                  ["consumer"])
DEAD_LETTERS = Counter("wirkung_projection_dead_letters_total", "Messages sent to the DLQ.",
                       ["consumer", "topic", "error_class"])
LAST_APPLIED = Gauge("wirkung_projection_last_applied_event_timestamp_seconds",
                     "Record time of the last applied event.", ["consumer"])
CONSUMER_LAG = Gauge("wirkung_projection_consumer_lag", "Messages not yet consumed.",
                     ["consumer", "topic", "partition"])
