"""The code of an earlier commit, exported from this repository's history."""

from __future__ import annotations

import subprocess
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[2]


def first_commit_with(path: str) -> str:
    """The commit that added `path` (the first that had the tables it creates)."""
    added = subprocess.run(
        ["git", "-C", str(REPOSITORY), "log", "--diff-filter=A", "--format=%H", "--", path],
        check=True, capture_output=True, text=True).stdout.split()
    assert added, f"{path} was never added in this repository's history"
    return added[-1]


def first_commit_creating(statement: str) -> str:
    """The first commit whose changes add `statement` (e.g. a table's CREATE)."""
    adding = subprocess.run(
        ["git", "-C", str(REPOSITORY), "log", f"-S{statement}", "--format=%H", "--",
         "services", "shared"], check=True, capture_output=True, text=True).stdout.split()
    assert adding, f"no commit of this repository's history adds {statement!r}"
    return adding[-1]


def export(commit: str, into: Path, folders: tuple[str, ...] = ("services", "shared")) -> Path:
    """`commit`'s `folders` under `into`, to run with PYTHONPATH=into."""
    archive = subprocess.run(["git", "-C", str(REPOSITORY), "archive", commit, *folders],
                             check=True, capture_output=True).stdout
    into.mkdir(parents=True, exist_ok=True)
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


def last_commit_before(path: str) -> str:
    """The commit before the one that added `path` (the last code without it)."""
    return f"{first_commit_with(path)}^"
