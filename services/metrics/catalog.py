"""The indicator catalog: versioned, declarative definitions with a hash.

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
    direction: str
    disclosure_threshold: int = 5

    @property
    def definition_hash(self) -> str:
        canonical = json.dumps(asdict(self), sort_keys=True, separators=(",", ":"))
        return "sha256:" + hashlib.sha256(canonical.encode()).hexdigest()


ACTIVE_CASES = IndicatorDefinition(
    id="active_cases",
    version=1,
    title_de="Laufende Fälle",
    title_en="Active cases",
    level=Level.TARGET_GROUP,
    unit="cases",
    numerator="cases opened and not closed",
    denominator=None,
    dimensions=("field_of_action", "district", "target_group", "age_band"),
    direction="neutral",
)

CATALOG: dict[str, IndicatorDefinition] = {definition.id: definition for definition in (
    ACTIVE_CASES,
)}
