"""Verify an indicator answer by replay, trusting neither the facts nor whoever runs them.

The events up to the manifest's input positions are replayed into a scratch
schema (with the consumer code of the service and of a rebuild), the
indicator is computed again with the manifest's question, day and
population, and the result is compared with the manifest's hash and, when
the answer's cells are at hand, cell by cell.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import asyncpg
from aiokafka import TopicPartition
from pydantic import ValidationError

from services.metrics.catalog import CATALOG, IndicatorDefinition
from services.metrics.indicators.disclosure import CellKeyMethod
from services.metrics.indicators.manifest import (
    Manifest,
    OtherPerturbation,
    canonical,
    check_perturbation,
    recompute,
    result_hash,
)
from services.metrics.replay import PositionsBeyondTopics, Progress, replaying
from shared.topics import Topics

CellJson = dict[str, Any]
FIGURES = ("value", "numerator", "denominator", "persons", "suppressed")


class BadManifest(ValueError):
    """A document that is no manifest (or answer) this installation can verify."""


@dataclass(frozen=True)
class CellDifference:
    """One cell as published and as recomputed (None: no such cell on that side)."""

    dimensions: dict[str, str]
    published: CellJson | None
    recomputed: CellJson | None


@dataclass
class Verdict:
    """What a verification found."""

    manifest: Manifest
    recomputed_hash: str
    events: int
    published_hash: str | None = None  # of the answer's cells, when the document had them
    population_matches: bool = True
    differences: list[CellDifference] = field(default_factory=list)

    @property
    def matches(self) -> bool:
        return (self.recomputed_hash == self.manifest.result_hash and not self.differences
                and self.population_matches
                and self.published_hash in (None, self.manifest.result_hash))

    def as_json(self) -> dict[str, Any]:
        """The verdict as the command prints it with --json and the API answers it."""
        return {
            "match": self.matches, "indicator": self.manifest.indicator,
            "definition_hash": self.manifest.definition_hash, "events_replayed": self.events,
            "result_hash": self.manifest.result_hash, "recomputed_hash": self.recomputed_hash,
            "published_cells_hash": self.published_hash,
            "reference_population_matches": self.population_matches,
            "differences": [{"dimensions": d.dimensions, "published": d.published,
                             "recomputed": d.recomputed} for d in self.differences],
        }


def read_document(document: Any) -> tuple[Manifest, list[CellJson] | None]:
    """The manifest, and the published cells if `document` is a whole answer."""
    if not isinstance(document, dict):
        raise BadManifest("expected a JSON object: an indicator answer or its manifest")
    whole = "manifest" in document
    try:
        manifest = Manifest.model_validate(document["manifest"] if whole else document)
    except ValidationError as error:
        raise BadManifest(f"not a manifest: {error.error_count()} field(s) missing or "
                          f"invalid, first {_first(error)}") from error
    if not whole:
        return manifest, None
    cells = document.get("cells")
    if not isinstance(cells, list) or not all(isinstance(cell, dict) for cell in cells):
        raise BadManifest("the answer's cells are not a list of objects")
    return manifest, cells


def definition_of(manifest: Manifest) -> IndicatorDefinition:
    """The catalog's definition, if it is still the one the manifest names."""
    definition = CATALOG.get(manifest.indicator)
    if definition is None:
        raise BadManifest(f"no indicator {manifest.indicator} in the catalog")
    if definition.definition_hash != manifest.definition_hash:
        raise BadManifest(
            f"the definition of {manifest.indicator} changed since the answer: the manifest "
            f"names version {manifest.version} with {manifest.definition_hash}, the catalog "
            f"has version {definition.version} with {definition.definition_hash}; "
            "the answer cannot be recomputed with this release")
    return definition


def stop_positions(manifest: Manifest, topics: Topics) -> dict[TopicPartition, int]:
    """Per partition, the last offset to replay; only the topics of this installation."""
    ours = (topics.agreements, topics.cases)
    foreign = sorted(set(manifest.input_positions) - set(ours))
    if foreign:
        raise BadManifest(f"the manifest names topic(s) {', '.join(foreign)}; this "
                          f"installation's are {', '.join(ours)} (WIRKUNG_TOPIC_PREFIX?)")
    try:
        return {TopicPartition(topic, int(partition)): offset
                for topic, partitions in manifest.input_positions.items()
                for partition, offset in partitions.items()}
    except ValueError as error:
        raise BadManifest(f"a partition that is no number: {error}") from error


def checked(document: Any, topics: Topics) -> Manifest:
    """The document's manifest, if this installation can verify it (else BadManifest).

    What a replay alone can tell (whether the topics still hold those positions) is not
    checked here.
    """
    manifest, _ = read_document(document)
    definition_of(manifest)
    stop_positions(manifest, topics)
    return manifest


async def verify_answer(document: Any, *, database_url: str, bootstrap_servers: str,
                        topics: Topics, progress: Progress | None = None,
                        perturbation: CellKeyMethod | None = None) -> Verdict:
    """Replay into a scratch schema (dropped afterwards, whatever happens), recompute, compare.

    An answer whose figures were perturbed (cell-key method) is perturbed again with
    `perturbation`, which must hold the installation's secret.
    """
    manifest, published = read_document(document)
    definition = definition_of(manifest)
    try:
        check_perturbation(manifest, perturbation)
    except OtherPerturbation as error:
        raise BadManifest(str(error)) from error
    stop_at = stop_positions(manifest, topics)
    scratch = f"facts_verify_{uuid.uuid4().hex[:12]}"
    try:
        async with replaying(database_url, scratch, bootstrap_servers,
                             [topics.agreements, topics.cases], stop_at=stop_at) as replay:
            await replay.catch_up(progress)
            async with replay.pool.acquire() as connection:
                cells, pin = await recompute(connection, definition, manifest, perturbation)
    except PositionsBeyondTopics as error:
        raise BadManifest(str(error)) from error
    finally:
        await _drop(database_url, scratch)
    recomputed = [cell.as_json() for cell in cells]
    verdict = Verdict(manifest, result_hash(recomputed), replay.outcome.events,
                      population_matches=pin == manifest.reference_population)
    if published is not None:
        verdict.published_hash = result_hash(published)
        verdict.differences = differences(published, recomputed, manifest.question.by)
    return verdict


def differences(published: list[CellJson], recomputed: list[CellJson],
                by: list[str]) -> list[CellDifference]:
    """The cells whose figures differ, or that only one side has, in dimension order."""
    def keyed(cells: list[CellJson]) -> dict[tuple[str, ...], CellJson]:
        return {tuple(str(cell.get(name)) for name in by): cell for cell in cells}

    before, after = keyed(published), keyed(recomputed)
    found = []
    for key in sorted(before.keys() | after.keys()):
        old, new = before.get(key), after.get(key)
        if old is None or new is None or _figures(old) != _figures(new):
            found.append(CellDifference(dict(zip(by, key, strict=True)), old, new))
    return found


def _figures(cell: Mapping[str, Any]) -> tuple[Any, ...]:
    return tuple(canonical(cell.get(name)) for name in FIGURES)


def _first(error: ValidationError) -> str:
    first = error.errors()[0]
    return f"{'.'.join(str(part) for part in first['loc']) or 'the document'}: {first['msg']}"


async def _drop(database_url: str, schema: str) -> None:
    connection = await asyncpg.connect(database_url)
    try:
        await connection.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
    finally:
        await connection.close()
