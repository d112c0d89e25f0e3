"""Where the running system is: the environment, else `.wirkung/dev.env` of `wirkung dev`."""

from __future__ import annotations

import os
from pathlib import Path


def setting(name: str, home: Path) -> str | None:
    """A setting from the environment, else from the dev.env that `wirkung dev` wrote."""
    if value := os.environ.get(name):
        return value
    dev_env = home / "dev.env"
    if dev_env.exists():
        for line in dev_env.read_text().splitlines():
            key, _, value = line.partition("=")
            if key == name and value:
                return value
    return None


def required(name: str, home: Path) -> str:
    value = setting(name, home)
    if value is None:
        raise SystemExit(f"wirkung: set {name} (or run `wirkung dev` so that "
                         f"{home / 'dev.env'} names it)")
    return value
