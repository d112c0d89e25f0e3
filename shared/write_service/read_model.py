"""The read model a write service keeps in step with its event store (PostgreSQL only)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from eventsourcing.projection import Projection
from fastapi import FastAPI

from shared.views import View, ViewRunner


@dataclass(frozen=True)
class ViewSpec:
    """A read model of the service: its projection and its view (tables)."""

    projection: type[Projection[Any]]
    view: type[View]


def attach_view(app: FastAPI, runner: ViewRunner) -> None:
    """The application reads its view through `view`, and waits for it by `view_catch_up`."""
    app.state.application.view = runner.view
    app.state.application.view_catch_up = runner.catch_up
