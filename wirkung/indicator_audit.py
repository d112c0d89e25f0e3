"""`wirkung audit verify-indicator`: compute a saved indicator answer again by replay."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

from services.metrics.application import (
    FIGURES,
    BadManifest,
    CellKeyMethod,
    Indicators,
    ProgressLine,
    Verdict,
)
from shared.topics import Topics
from wirkung.audit import table
from wirkung.dev import CELL_KEY_SECRET_FILE
from wirkung.environment import required, setting

MATCH, MISMATCH, BAD_INPUT = 0, 1, 2


def verify_indicator(file: Path, home: Path, as_json: bool) -> int:
    """0: the replay gives the same cells; 1: it does not (which, printed); 2: bad input."""
    try:
        document = json.loads(file.read_text(encoding="utf-8"))
    except OSError as error:
        return _bad(f"cannot read {file}: {error.strerror or error}")
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        return _bad(f"{file} is no JSON: {error}")
    database_url = required("WIRKUNG_METRICS_DATABASE_URL", home)
    bootstrap = required("KAFKA_BOOTSTRAP_SERVERS", home)
    topics = Topics(setting("WIRKUNG_TOPIC_PREFIX", home) or "wirkung")
    perturbation = _cell_keys(home)
    progress = ProgressLine("events replayed")
    try:
        verdict = asyncio.run(Indicators(0, perturbation).verify(
            document, database_url=database_url, bootstrap_servers=bootstrap, topics=topics,
            progress=progress))
    except BadManifest as error:
        return _bad(str(error))
    finally:
        if progress.shown:
            progress.finish()
    print(json.dumps(verdict.as_json(), ensure_ascii=False, indent=2) if as_json
          else _as_text(verdict))
    return MATCH if verdict.matches else MISMATCH


def _cell_keys(home: Path) -> CellKeyMethod | None:
    """The cell-key method, to perturb again what a reader other than the auditor was shown:
    with WIRKUNG_METRICS_CELL_KEY_SECRET, else the secret `wirkung dev` keeps in `home`."""
    secret = setting("WIRKUNG_METRICS_CELL_KEY_SECRET", home)
    kept = home / CELL_KEY_SECRET_FILE
    if secret is None and kept.exists():
        secret = kept.read_text().strip()
    return None if not secret else CellKeyMethod(secret.encode())


def _bad(message: str) -> int:
    print(f"wirkung audit verify-indicator: {message}", file=sys.stderr)
    return BAD_INPUT


def _as_text(verdict: Verdict) -> str:
    manifest, question = verdict.manifest, verdict.manifest.question
    lines = [
        f"{manifest.indicator} v{manifest.version} ({manifest.definition_hash})",
        f"  question: period {question.period}, by {','.join(question.by) or '-'}, "
        f"as of {question.as_of or 'the input positions'}, today {manifest.evaluated_on}"
        + (f", provider {question.provider_id}" if question.provider_id else ""),
        f"  replayed {verdict.events} events up to " + ", ".join(
            f"{topic}[{partition}]@{offset}"
            for topic, partitions in sorted(manifest.input_positions.items())
            for partition, offset in sorted(partitions.items())),
        f"  result hash {manifest.result_hash}",
        f"  recomputed  {verdict.recomputed_hash}",
    ]
    if verdict.published_hash not in (None, manifest.result_hash):
        lines.append(f"  the answer's cells hash to {verdict.published_hash}: "
                     "they are not the cells the manifest describes")
    if not verdict.population_matches:
        lines.append("  the reference population differs from the one the manifest names")
    if verdict.matches:
        lines.append("match")
        return "\n".join(lines)
    if verdict.differences:
        lines += [f"MISMATCH: {len(verdict.differences)} cell(s) differ",
                  _differences_table(verdict)]
    elif verdict.published_hash is None:
        lines.append("MISMATCH (a bare manifest: save the whole answer to see which cells "
                     "differ)")
    else:
        lines.append("MISMATCH")
    return "\n".join(lines)


def _differences_table(verdict: Verdict) -> str:
    rows = []
    for difference in verdict.differences:
        where = ", ".join(f"{k}={v}" for k, v in difference.dimensions.items()) or "(all)"
        old, new = difference.published, difference.recomputed
        if old is None or new is None:
            rows.append([where, "value", "(no cell)" if old is None else old.get("value"),
                         "(no cell)" if new is None else new.get("value")])
            continue
        rows += [[where, name, old.get(name), new.get(name)] for name in FIGURES
                 if old.get(name) != new.get(name)]
    return table(["cell", "figure", "published", "recomputed"], rows)
