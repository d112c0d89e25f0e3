"""Server time of every role's main pages, p50/p95.

    python -m bench.web [--city medium] [--requests 200] [--phases demo,city]

Two phases, each on an embedded stack of its own (PostgreSQL with fsync off,
Tansu) with the three services as separate processes (`wirkung serve …`, as
bench.cityyear starts them) and the web service as a real process
(`wirkung serve web`) against them:

- `demo`: the demo municipality of `wirkung dev` (`wirkung.demo.seed_demo`,
  3,000 cases), recorded into the stores and taken in by the services; the
  caseworker signs in for the demo's team asd-nord.
- `city`: a city-year (bench.cityyear's `city_year`, medium by default)
  simulated into the stores and taken in; the caseworker signs in for the
  team with the most open cases.

Each person signs in through the development sign-in (GET /anmelden for the
form's CSRF token, POST /anmelden with the role) with httpx keeping the
session cookie, then asks one request at a time: after a warm-up of
`--warmup` requests, `--requests` timed requests of each page:

- the caseworker (the team): the case list GET /faelle (first page, default
  filters) and the case page GET /faelle/{id}, cycling over a spread of the
  team's cases from bare ones to those with the most goals and services;
- the contract manager: the steering dashboard GET /steuerung and the review
  queue GET /pruefung;
- the provider with the most agreements: its report list GET /berichte.

Wall time on the loopback, measured by the client, is the server's time plus a
negligible loopback cost. The web's observability middleware sends no timing
header; its Prometheus histogram (`/metrics`) gives the server's own mean per
route, printed beside. Then each cases-service call the caseworker's two pages
make (GET /cases, /cases/counts, /cases/{id}, /cases/{id}/assignable-agreements)
straight against the service with the same team's token, to show which call
bounds a page. Prints `name=value` lines, the last `ratio=` the worst page's
p95 over its goal (dashboard 500 ms, the other pages 250 ms; below 1 meets it).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import signal
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TypeVar

import httpx
import psycopg

from bench.cityyear import CityYear, await_intake, city_year, serve, stage
from bench.common import figure, machine, serving
from bench.queries import p95
from services.web.settings import WebSettings
from shared.auth import Role, mint_token, new_secret
from shared.embedded import EmbeddedStack
from shared.embedded.process import free_port, stop_child
from wirkung.demo import seed_demo

T = TypeVar("T")
GOAL_MS = 250.0
DASHBOARD_GOAL_MS = 500.0
DEMO_TEAM = "asd-nord"
SPREAD = 40  # case ids per team, from the barest to the richest
_CSRF = re.compile(r'name="csrf_token"\s+value="([^"]+)"')
_HISTOGRAM = re.compile(
    r"^wirkung_http_request_duration_seconds_(sum|count)\{(.*)\} (\S+)$", re.M)


def say(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


@contextmanager
def demo(cases: int = 3000) -> Iterator[CityYear]:
    """The embedded stack with the demo municipality taken in by the three services."""
    with tempfile.TemporaryDirectory(prefix="wirkung-bench-web-") as directory:
        home = Path(directory)
        environ = {k: v for k, v in os.environ.items()
                   if not k.startswith(("WIRKUNG_", "KAFKA_"))}
        stack = EmbeddedStack(home, postgres_port=free_port(), broker_port=free_port(),
                              environ=environ, fsync=False)
        with stack as addresses:
            system = CityYear(city="demo", home=home, addresses=addresses,
                              secret=new_secret(), urls={}, processes={})
            try:
                with stage(system.stages, "seed"):
                    seed_demo(home, addresses.database_urls, cases=cases)
                # Under the keys the demo's clients were stored with, as `wirkung dev` does.
                serve(system, environ)
                asyncio.run(await_intake(system, say))
                yield system
            finally:
                for process in system.processes.values():
                    stop_child(process, sig=signal.SIGTERM, timeout=20)


@contextmanager
def web_service(system: CityYear, team: str) -> Iterator[str]:
    """`wirkung serve web` against the system's services; its address."""
    environment = {f"WIRKUNG_{name.upper()}_URL": url for name, url in system.urls.items()}
    environment |= {"WIRKUNG_AUTH_SECRET": system.secret, "WIRKUNG_LOG_LEVEL": "WARNING",
                    "WIRKUNG_WEB_SESSION_KEY": WebSettings.new_session_key(),
                    "WIRKUNG_WEB_SECURE_COOKIES": "false", "WIRKUNG_WEB_DEV_TEAMS": team}
    with serving("web", environment, system.home / "logs" / "web.log") as served:
        yield served.url


@dataclass
class Team:
    name: str
    cases: int
    open_cases: int
    spread: list[str]  # case ids, barest first
    with_goals: int  # of the spread
    with_reviews: int
    with_services: int


def busiest_team(database_url: str) -> str:
    with psycopg.connect(database_url) as db:
        row = db.execute("SELECT team FROM case_summaries WHERE status = 'open' "
                         "GROUP BY team ORDER BY count(*) DESC, team LIMIT 1").fetchone()
    if row is None:
        raise RuntimeError("no open case in the cases view")
    return str(row[0])


def team_cases(database_url: str, team: str, size: int = SPREAD) -> Team:
    """The team's counts and `size` of its cases, evenly spread from bare to richest."""
    with psycopg.connect(database_url) as db:
        rows = db.execute(
            """SELECT s.case_id::text, s.status = 'open',
                      (SELECT count(*) FROM case_goals g WHERE g.case_id = s.case_id),
                      (SELECT count(*) FROM case_goals g WHERE g.case_id = s.case_id
                       AND g.last_reviewed_on IS NOT NULL),
                      (SELECT count(*) FROM case_services c WHERE c.case_id = s.case_id)
               FROM case_summaries s WHERE s.team = %s""", (team,)).fetchall()
    if not rows:
        raise RuntimeError(f"the team {team} has no case")
    ranked = sorted(rows, key=lambda row: (row[2] + row[3] + row[4], row[0]))
    chosen = spread(ranked, size)
    return Team(name=team, cases=len(rows), open_cases=sum(1 for row in rows if row[1]),
                spread=[row[0] for row in chosen],
                with_goals=sum(1 for row in chosen if row[2]),
                with_reviews=sum(1 for row in chosen if row[3]),
                with_services=sum(1 for row in chosen if row[4]))


def spread(ranked: Sequence[T], size: int) -> list[T]:
    """`size` items at even steps through `ranked`, its first and last included."""
    if size >= len(ranked):
        return list(ranked)
    if size == 1:
        return [ranked[-1]]
    return [ranked[round(i * (len(ranked) - 1) / (size - 1))] for i in range(size)]


def csrf_token(html: str) -> str:
    found = _CSRF.search(html)
    if found is None:
        raise RuntimeError("the sign-in page carries no CSRF token")
    return found.group(1)


@dataclass(frozen=True)
class Someone:
    """Who signs in: a role, and the caseworker's team or the provider."""

    role: Role
    team: str | None = None
    provider_id: str | None = None


def sign_in(client: httpx.Client, someone: Someone) -> None:
    """The development sign-in; the client keeps the cookie. Signed in, the person is sent
    on to their home page, which answers; a refused sign-in shows the form again."""
    page = client.get("/anmelden")
    page.raise_for_status()
    form = {"csrf_token": csrf_token(page.text), "role": someone.role.value,
            "team": someone.team or "", "provider_id": someone.provider_id or ""}
    answer = client.post("/anmelden", data=form)
    home = answer.headers.get("location", "")
    if answer.status_code != 303 or not home.startswith("/") or home.startswith("/anmelden") \
            or client.get(home).status_code != 200:
        raise RuntimeError(f"sign-in refused: {answer.status_code} {answer.text[:200]}")


def server_seconds(metrics: str, route: str) -> tuple[float, int]:
    """The web's own total seconds and count of GET `route`, from its /metrics."""
    total, count = 0.0, 0
    for kind, labels, value in _HISTOGRAM.findall(metrics):
        if f'route="{route}"' in labels and 'method="GET"' in labels:
            if kind == "sum":
                total += float(value)
            else:
                count += int(float(value))
    return total, count


def timed(ask: Callable[[int], httpx.Response], times: int) -> list[float]:
    """Milliseconds of `times` requests, one at a time; each must answer 200."""
    elapsed = []
    for i in range(times):
        started = time.perf_counter()
        response = ask(i)
        elapsed.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise RuntimeError(f"{response.request.url}: {response.status_code}")
    return elapsed


Ask = Callable[[httpx.Client, int], httpx.Response]


@dataclass(frozen=True)
class Page:
    """One page to time: who asks it, its route (as /metrics names it), how, its goal."""

    name: str
    someone: Someone
    route: str
    ask: Ask
    goal_ms: float = GOAL_MS


def pages_of(team: Team, provider_id: str) -> list[Page]:
    """Every role's main pages."""
    ids = team.spread
    caseworker = Someone(Role.CASEWORKER, team=team.name)
    manager = Someone(Role.CONTRACT_MANAGER)
    provider = Someone(Role.PROVIDER, provider_id=provider_id)
    return [
        Page("case_list", caseworker, "/faelle", lambda client, _: client.get("/faelle")),
        Page("case_page", caseworker, "/faelle/{case_id}",
             lambda client, i: client.get(f"/faelle/{ids[i % len(ids)]}")),
        Page("dashboard", manager, "/steuerung", lambda client, _: client.get("/steuerung"),
             DASHBOARD_GOAL_MS),
        Page("review_queue", manager, "/pruefung", lambda client, _: client.get("/pruefung")),
        Page("provider_reports", provider, "/berichte",
             lambda client, _: client.get("/berichte")),
    ]


def measure_pages(url: str, pages: list[Page], requests: int,
                  warmup: int) -> dict[str, list[float]]:
    """Each page's times, signed in as its person; their server means from /metrics."""
    times: dict[str, list[float]] = {}
    for page in pages:
        with httpx.Client(base_url=url, timeout=60) as client:
            sign_in(client, page.someone)
            timed(partial(page.ask, client), warmup)
            before = server_seconds(client.get("/metrics").text, page.route)
            times[page.name] = timed(partial(page.ask, client), requests)
            after = server_seconds(client.get("/metrics").text, page.route)
            if after[1] - before[1] != requests:
                raise RuntimeError(f"/metrics counted {after[1] - before[1]} of {page.route}")
            times[f"{page.name}_server_mean"] = [(after[0] - before[0]) * 1000 / requests]
    return times


def measure_api(cases_url: str, secret: str, team: Team, requests: int,
                warmup: int) -> dict[str, list[float]]:
    """The cases service's calls the two pages make, each alone, with the team's token."""
    token = mint_token(secret, role=Role.CASEWORKER, subject="bench-web", team=team.name)
    ids = team.spread
    calls: dict[str, Callable[[httpx.Client, int], httpx.Response]] = {
        "cases": lambda client, _: client.get("/cases", params={
            "status": "open", "sort": "-opened_on", "limit": 25, "offset": 0}),
        "counts": lambda client, _: client.get("/cases/counts"),
        "case": lambda client, i: client.get(f"/cases/{ids[i % len(ids)]}"),
        "assignable": lambda client, i: client.get(
            f"/cases/{ids[i % len(ids)]}/assignable-agreements"),
    }
    times = {}
    with httpx.Client(base_url=cases_url, timeout=60,
                      headers={"Authorization": f"Bearer {token}"}) as client:
        for name, ask in calls.items():
            timed(partial(ask, client), warmup)
            times[name] = timed(partial(ask, client), requests)
    return times


def report(phase: str, team: Team, pages: list[Page], times: dict[str, list[float]],
           api: dict[str, list[float]]) -> float:
    """The phase's figures; its worst page's p95 over that page's goal."""
    figure(f"{phase}_team", team.name)
    figure(f"{phase}_team_cases", str(team.cases))
    figure(f"{phase}_team_open_cases", str(team.open_cases))
    figure(f"{phase}_case_spread", f"{len(team.spread)} cases: {team.with_goals} with goals, "
           f"{team.with_reviews} with reviews, {team.with_services} with services")
    worst = 0.0
    for page in pages:
        values = times[page.name]
        figure(f"{phase}_{page.name}_p50_ms", statistics.median(values))
        figure(f"{phase}_{page.name}_p95_ms", p95(values))
        figure(f"{phase}_{page.name}_max_ms", max(values))
        figure(f"{phase}_{page.name}_mean_ms", statistics.fmean(values))
        figure(f"{phase}_{page.name}_server_mean_ms", times[f"{page.name}_server_mean"][0])
        figure(f"{phase}_{page.name}_goal_ms", page.goal_ms)
        worst = max(worst, p95(values) / page.goal_ms)
    for name, values in api.items():
        figure(f"{phase}_api_{name}_p50_ms", statistics.median(values))
        figure(f"{phase}_api_{name}_p95_ms", p95(values))
    return worst


def busiest_provider(database_url: str) -> str:
    """The provider with the most agreements (its report list is the longest)."""
    with psycopg.connect(database_url) as db:
        row = db.execute("SELECT provider_id::text FROM agreement_summaries "
                         "GROUP BY provider_id ORDER BY count(*) DESC, provider_id "
                         "LIMIT 1").fetchone()
    if row is None:
        raise RuntimeError("no agreement in the agreements view")
    return str(row[0])


def run_phase(phase: str, system: CityYear, team_name: str, requests: int,
              warmup: int) -> float:
    cases_db = system.database_urls["cases"]
    with psycopg.connect(cases_db) as db:
        row = db.execute("SELECT count(*) FROM case_summaries").fetchone()
    figure(f"{phase}_cases", str(row[0] if row else 0))
    for name, seconds in system.stages.items():
        figure(f"{phase}_stage_{name}_seconds", seconds)
    team = team_cases(cases_db, team_name)
    provider_id = busiest_provider(system.database_urls["agreements"])
    figure(f"{phase}_provider", provider_id)
    pages = pages_of(team, provider_id)
    # What else ran meanwhile (the goal is for a quiet machine): load before and after.
    figure(f"{phase}_load_average_before", os.getloadavg()[0])
    with web_service(system, team.name) as url:
        times = measure_pages(url, pages, requests, warmup)
    api = measure_api(system.urls["cases"], system.secret, team, requests, warmup)
    figure(f"{phase}_load_average_after", os.getloadavg()[0])
    return report(phase, team, pages, times, api)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--city", choices=("small", "medium", "large"), default="medium")
    parser.add_argument("--seed", type=int, default=1, help="the city-year's seed")
    parser.add_argument("--requests", type=int, default=200, help="timed requests per page")
    parser.add_argument("--warmup", type=int, default=20, help="untimed requests per page")
    parser.add_argument("--demo-cases", type=int, default=3000)
    parser.add_argument("--phases", default="demo,city", help="demo, city or both")
    args = parser.parse_args(argv)
    phases = {phase.strip() for phase in args.phases.split(",")}
    if not phases or not phases <= {"demo", "city"}:
        parser.error("--phases: demo, city or demo,city")
    figure("machine", machine())
    worst = []
    if "demo" in phases:
        with demo(args.demo_cases) as system:
            worst.append(run_phase("demo", system, DEMO_TEAM, args.requests, args.warmup))
    if "city" in phases:
        with city_year(args.city, seed=args.seed, show=say) as system:
            figure("city", args.city)
            figure("city_events", str(system.counts.events))
            worst.append(run_phase("city", system, busiest_team(system.database_urls["cases"]),
                                   args.requests, args.warmup))
    figure("ratio", max(worst))


if __name__ == "__main__":
    main()
