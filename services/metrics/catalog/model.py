"""What an indicator definition says, and its hash.

The definition hash travels with every published value, so a changed formula
can never silently rewrite a figure that was published under the old one.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from enum import StrEnum


class Level(StrEnum):
    SOCIETY = "society"
    TARGET_GROUP = "target_group"
    AGREEMENT = "agreement"
    CASE = "case"


class Direction(StrEnum):
    """Which way is better."""

    HIGHER_IS_BETTER = "higher_is_better"
    LOWER_IS_BETTER = "lower_is_better"
    CLOSER_TO_ZERO_IS_BETTER = "closer_to_zero_is_better"
    NEUTRAL = "neutral"


class Aggregation(StrEnum):
    """How the counted units of a cell make its value."""

    COUNT = "count"  # the sum of the numerators
    RATIO = "ratio"  # sum of numerators / sum of denominators (a mean when each denominator is 1)
    MEDIAN = "median"  # the median of the units' values
    DIFFERENCE = "difference"  # numerator share minus reference share
    PER_POPULATION = "per_population"  # sum of numerators / reference population * scale
    PERSONS_PER_POPULATION = "persons_per_population"  # distinct persons / population * scale


CASE_DIMENSIONS = ("period", "field_of_action", "target_group", "district", "age_band",
                   "provider", "agreement", "budget_product")
# A case counts under each of its target groups and under the agreement, provider and budget
# product of each of its services; an agreement under each district and target group it serves.
AGREEMENT_DIMENSIONS = ("period", "provider", "agreement", "field_of_action", "budget_product",
                        "district", "target_group")
SOCIETY_DIMENSIONS = ("period", "district", "age_band", "field_of_action")


@dataclass(frozen=True)
class IndicatorDefinition:
    """What an indicator counts, how, and along which dimensions."""

    id: str
    version: int
    title_de: str
    title_en: str
    level: Level
    unit: str
    numerator: str
    denominator: str | None
    dimensions: tuple[str, ...]
    direction: Direction
    aggregation: Aggregation
    scale: int = 1
    # Persons a cell must count to be shown; 0 for indicators that count no persons.
    disclosure_threshold: int = 5

    @property
    def definition_hash(self) -> str:
        canonical = json.dumps(asdict(self), sort_keys=True, separators=(",", ":"))
        return "sha256:" + hashlib.sha256(canonical.encode()).hexdigest()

    @property
    def counts_persons(self) -> bool:
        return self.disclosure_threshold > 0
