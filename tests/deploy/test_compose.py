"""docker-compose.yml, the image and deploy/ agree with the code and with each other.

No Docker engine runs where the tests run, so these read the files: the
environment each service gets must be what its settings model reads, every
address must point at a service that exists and listens there, the image must
carry what `make` would build, and the dashboards must chart metrics the
services export.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

import pytest
import yaml
from pydantic_settings import BaseSettings

from services.agreements.settings import AgreementsSettings
from services.cases.settings import CasesSettings
from services.metrics.settings import MetricsSettings
from services.web.main import create_app
from services.web.settings import WebSettings
from shared.settings import ServiceSettings, environment_names
from shared.topics import Topics

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"

# The services with an event store or a projection: broker, database, topics.
BACKENDS: dict[str, type[ServiceSettings]] = {
    "agreements": AgreementsSettings,
    "cases": CasesSettings,
    "metrics": MetricsSettings,
}
# Every process the stack runs from the image, with the settings model it reads; the web
# service reads no broker or database, only the services' APIs and the OIDC issuer.
SETTINGS: dict[str, type[BaseSettings]] = {**BACKENDS, "web": WebSettings}
HOST_PORTS = {"agreements": "8001", "cases": "8002", "metrics": "8003", "web": "8000"}
CONTAINER_PORT = "8000"
DATABASE_URL_NAMES = {
    "agreements": "WIRKUNG_AGREEMENTS_DATABASE_URL",
    "cases": "WIRKUNG_CASES_DATABASE_URL",
    "metrics": "WIRKUNG_METRICS_DATABASE_URL",
}
# What an operator must export before `docker compose up`; everything else has a default.
OPERATOR_ENVIRONMENT = {
    "WIRKUNG_AUTH_JWKS_URL": "https://idp.example.org/realms/wirkung/certs",
    "WIRKUNG_AUTH_ISSUER": "https://idp.example.org/realms/wirkung",
    "WIRKUNG_AGREEMENTS_AUDIT_KEY": "operator-provided-agreements-key",
    "WIRKUNG_CASES_AUDIT_KEY": "operator-provided-cases-key",
    "WIRKUNG_CASES_BLIND_INDEX_KEY": "operator-provided-blind-index-key-of-32-characters",
    "WIRKUNG_CASES_KEY_ENCRYPTION_KEY": "b3BlcmF0b3ItcHJvdmlkZWQta2V5LWVuY3J5cHRpb24=",
    "WIRKUNG_METRICS_CELL_KEY_SECRET": "operator-provided-cell-key-secret",
    "WIRKUNG_WEB_SESSION_KEY": WebSettings.new_session_key(),
    "WIRKUNG_WEB_OIDC_CLIENT_SECRET": "operator-provided-client-secret",
    "WIRKUNG_WEB_PUBLIC_URL": "https://wirkung.example.org",
    "WIRKUNG_WEB_FEEDBACK_ADDRESS": "barrierefreiheit@stadt.example.org",
}
# Set for every backend although their settings have defaults: the defaults fit development.
ALWAYS_SET = {"KAFKA_BOOTSTRAP_SERVERS", "KAFKA_ENABLE_IDEMPOTENCE"}
# Without these the web service has no sign-in: only development has one of its own.
WEB_ALWAYS_SET = {"WIRKUNG_WEB_OIDC_ISSUER", "WIRKUNG_WEB_OIDC_CLIENT_ID",
                  "WIRKUNG_WEB_OIDC_CLIENT_SECRET", "WIRKUNG_WEB_PUBLIC_URL",
                  "WIRKUNG_WEB_FEEDBACK_ADDRESS",
                  "WIRKUNG_AUTH_JWKS_URL", "WIRKUNG_AUTH_ISSUER", "WIRKUNG_AUTH_AUDIENCE"}
SettingsT = TypeVar("SettingsT", bound=BaseSettings)

_VARIABLE = re.compile(
    r"\$\$|\$\{(?P<name>\w+)(?:(?P<operator>:?[-?+])(?P<argument>[^}]*))?\}|\$(?P<bare>\w+)"
)


def _mapping(value: object) -> dict[str, Any]:
    assert isinstance(value, dict), f"expected a mapping, got {value!r}"
    return value


def _load_yaml(path: Path) -> dict[str, Any]:
    return _mapping(yaml.safe_load(path.read_text(encoding="utf-8")))


@cache
def compose() -> dict[str, Any]:
    return _load_yaml(ROOT / "docker-compose.yml")


def service(name: str) -> dict[str, Any]:
    return _mapping(_mapping(compose()["services"])[name])


def interpolate(text: str, environment: dict[str, str]) -> str:
    """Substitute `${NAME}`, `${NAME:-default}`, `${NAME:?error}`... as Compose does."""

    def substitute(match: re.Match[str]) -> str:
        if match.group(0) == "$$":
            return "$"
        name = match.group("name") or match.group("bare")
        operator = match.group("operator") or ""
        argument = match.group("argument") or ""
        value = environment.get(name)
        # With a colon, an empty value counts as unset.
        is_set = bool(value) if operator.startswith(":") else value is not None
        if operator.endswith("-"):
            return value if is_set and value is not None else argument
        if operator.endswith("?"):
            if not is_set or value is None:
                raise ValueError(f"{name} must be set: {argument}")
            return value
        if operator.endswith("+"):
            return argument if is_set else ""
        return value or ""

    return _VARIABLE.sub(substitute, text)


def environment(name: str, operator_environment: dict[str, str]) -> dict[str, str]:
    """A service's environment as its container sees it."""
    declared = service(name).get("environment", {})
    if isinstance(declared, list):
        declared = dict(str(item).partition("=")[::2] for item in declared)
    return {
        key: interpolate(str(value), operator_environment)
        for key, value in _mapping(declared).items()
    }


def port_mappings(name: str) -> list[tuple[str | None, str]]:
    """(host port, container port) for each port a service publishes."""
    mappings: list[tuple[str | None, str]] = []
    for entry in service(name).get("ports", []):
        if isinstance(entry, dict):
            published = entry.get("published")
            mappings.append((None if published is None else str(published), str(entry["target"])))
            continue
        parts = str(entry).split("/")[0].split(":")
        mappings.append((parts[-2] if len(parts) > 1 else None, parts[-1]))
    return mappings


def bind_mounts(name: str) -> dict[str, str]:
    """Container path to repository path, for each file or folder a service mounts."""
    mounts: dict[str, str] = {}
    for entry in service(name).get("volumes", []):
        source, _, rest = str(entry).partition(":")
        if source.startswith(("./", "../")):
            mounts[rest.partition(":")[0]] = source
    return mounts


def required_environment_names(settings_class: type[BaseSettings]) -> set[str]:
    """The environment names of the fields that have no default."""
    return environment_names(settings_class, required_only=True)


def settings_from_compose(
    name: str, settings_class: type[SettingsT], monkeypatch: pytest.MonkeyPatch
) -> SettingsT:
    """Build a service's settings from nothing but what compose hands its container."""
    for env_name in environment_names(settings_class):
        monkeypatch.delenv(env_name, raising=False)
    for key, value in environment(name, OPERATOR_ENVIRONMENT).items():
        monkeypatch.setenv(key, value)
    return settings_class()


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(KEYWORD, arguments) of each Dockerfile instruction, continuation lines joined."""
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    lines = [
        line.strip()
        for line in dockerfile.replace("\\\n", " ").splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    return [(line.split(maxsplit=1)[0].upper(), line.split(maxsplit=1)[1]) for line in lines]


def asset_copies(commands: str, node_modules: str, vendor: str) -> list[str]:
    """The `cp` commands among `commands`, with both sides' folders named alike."""
    copies = [part.strip() for part in re.split(r"&&|\n", commands)
              if part.strip().startswith("cp ")]
    named = (c.replace(node_modules, "NODE_MODULES/").replace(vendor, "VENDOR/") for c in copies)
    return [re.sub(r"\s+", " ", c) for c in named]


def databases_created_by_init_script() -> set[str]:
    script = (DEPLOY / "postgres" / "init.sql").read_text(encoding="utf-8")
    script = re.sub(r"--[^\n]*", "", script)
    return set(re.findall(r"CREATE\s+DATABASE\s+\"?(\w+)\"?", script, flags=re.IGNORECASE))


def scrape_targets() -> set[tuple[str, str]]:
    """(host:port, path) of everything Prometheus scrapes."""
    config = _load_yaml(DEPLOY / "prometheus" / "prometheus.yml")
    targets: set[tuple[str, str]] = set()
    for job in config["scrape_configs"]:
        path = str(job.get("metrics_path", "/metrics"))
        for static_config in job.get("static_configs", []):
            targets.update((str(target), path) for target in static_config["targets"])
    return targets


def dashboard_expressions() -> list[str]:
    dashboard = _mapping(
        json.loads(
            (DEPLOY / "grafana" / "dashboards" / "wirkung-overview.json").read_text(
                encoding="utf-8"
            )
        )
    )
    return [
        str(target["expr"]) for panel in dashboard["panels"] for target in panel.get("targets", [])
    ]


_PROMQL_KEYWORDS = {
    "by", "without", "on", "ignoring", "group_left", "group_right",
    "bool", "offset", "and", "or", "unless", "inf", "nan",
}  # fmt: skip


def metric_names(expression: str) -> set[str]:
    """The metric names a PromQL expression selects (not functions, labels or keywords)."""
    stripped = re.sub(r'"(?:[^"\\]|\\.)*"', "", expression)
    stripped = re.sub(r"\{[^}]*\}|\[[^\]]*\]", "", stripped)
    stripped = re.sub(r"\b(?:by|without|on|ignoring)\s*\([^)]*\)", "", stripped)
    tokens = re.finditer(r"(?<![\w.:])([A-Za-z_:][\w:]*)(?![\w:])(?!\s*\()", stripped)
    return {token.group(1) for token in tokens} - _PROMQL_KEYWORDS


def test_the_stack_has_brokers_databases_services_and_monitoring() -> None:
    expected = {
        "kafka", "kafka-init", "postgres", "agreements", "cases", "metrics", "web",
        "prometheus", "grafana",
    }  # fmt: skip

    assert expected <= set(_mapping(compose()["services"]))


@pytest.mark.parametrize(("name", "settings_class"), list(SETTINGS.items()))
def test_every_service_reads_exactly_the_environment_its_settings_model_declares(
    name: str, settings_class: type[BaseSettings]
) -> None:
    given = set(environment(name, OPERATOR_ENVIRONMENT))
    read = environment_names(settings_class)
    required = required_environment_names(settings_class)
    always = ALWAYS_SET if name in BACKENDS else WEB_ALWAYS_SET

    assert required <= read
    assert always <= read
    assert given - read == set(), "compose sets names the settings model never reads"
    assert (required | always) - given == set(), "compose leaves out required settings"


@pytest.mark.parametrize(("name", "settings_class"), list(BACKENDS.items()))
def test_the_compose_environment_alone_is_enough_to_start_each_service(
    name: str, settings_class: type[ServiceSettings], monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = settings_from_compose(name, settings_class, monkeypatch)

    assert settings.auth_jwks_url == OPERATOR_ENVIRONMENT["WIRKUNG_AUTH_JWKS_URL"]
    assert settings.auth_secret is None, "the shared dev secret has no place in production"


def test_compose_refuses_to_start_without_the_token_issuers_keys() -> None:
    with pytest.raises(ValueError, match="WIRKUNG_AUTH_JWKS_URL"):
        environment("agreements", {})


def test_the_compose_environment_alone_is_enough_to_start_the_web_service(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings = settings_from_compose("web", WebSettings, monkeypatch)

    create_app(settings)  # signs in at the issuer: the development sign-in is not built
    assert settings.development_sign_in is False
    assert settings.auth_secret is None, "the shared dev secret has no place in production"
    assert settings.oidc_issuer == OPERATOR_ENVIRONMENT["WIRKUNG_AUTH_ISSUER"]
    assert settings.public_url == OPERATOR_ENVIRONMENT["WIRKUNG_WEB_PUBLIC_URL"]
    assert settings.secure_cookies is True


def test_the_web_service_checks_tokens_as_the_services_do() -> None:
    web = environment("web", OPERATOR_ENVIRONMENT)
    names = {"WIRKUNG_AUTH_JWKS_URL", "WIRKUNG_AUTH_ISSUER", "WIRKUNG_AUTH_AUDIENCE"}

    for name in BACKENDS:
        backend = environment(name, OPERATOR_ENVIRONMENT)
        assert {k: web[k] for k in names} == {k: backend[k] for k in names}
    # People sign in at the very issuer whose tokens the services accept.
    assert web["WIRKUNG_WEB_OIDC_ISSUER"] == web["WIRKUNG_AUTH_ISSUER"]


@pytest.mark.parametrize("name", list(BACKENDS))
def test_the_web_service_calls_each_service_where_it_listens(name: str) -> None:
    url = urlsplit(environment("web", OPERATOR_ENVIRONMENT)[f"WIRKUNG_{name.upper()}_URL"])
    command = [str(part) for part in service(name)["command"]]

    assert (url.scheme, url.hostname, url.path) == ("http", name, "")
    assert str(url.port) == command[command.index("--port") + 1] == CONTAINER_PORT


@pytest.mark.parametrize("name", ["WIRKUNG_WEB_SESSION_KEY", "WIRKUNG_WEB_OIDC_CLIENT_SECRET",
                                  "WIRKUNG_WEB_PUBLIC_URL", "WIRKUNG_AUTH_ISSUER"])
def test_compose_refuses_to_start_the_web_service_without_its_secrets_and_addresses(
    name: str,
) -> None:
    without = {k: v for k, v in OPERATOR_ENVIRONMENT.items() if k != name}

    with pytest.raises(ValueError, match=name):
        environment("web", without)


@pytest.mark.parametrize(("name", "settings_class"), list(BACKENDS.items()))
def test_kafka_idempotence_is_switched_on_for_every_service(
    name: str, settings_class: type[ServiceSettings], monkeypatch: pytest.MonkeyPatch
) -> None:
    given = environment(name, OPERATOR_ENVIRONMENT)

    settings = settings_from_compose(name, settings_class, monkeypatch)

    assert given["KAFKA_ENABLE_IDEMPOTENCE"] == "true"
    assert settings.kafka_enable_idempotence is True


@pytest.mark.parametrize("name", list(BACKENDS))
def test_every_service_reaches_kafka_at_the_address_the_broker_advertises(name: str) -> None:
    broker = environment("kafka", {})
    bootstrap = environment(name, OPERATOR_ENVIRONMENT)["KAFKA_BOOTSTRAP_SERVERS"]

    assert bootstrap.partition(":")[0] == "kafka"
    assert f"PLAINTEXT://{bootstrap}" in broker["KAFKA_ADVERTISED_LISTENERS"].split(",")
    assert broker["KAFKA_AUTO_CREATE_TOPICS_ENABLE"] == "false"


@pytest.mark.parametrize("name", list(BACKENDS))
def test_each_service_keeps_its_store_in_its_own_database_on_the_postgres_service(
    name: str,
) -> None:
    url = urlsplit(environment(name, OPERATOR_ENVIRONMENT)[DATABASE_URL_NAMES[name]])
    postgres = environment("postgres", {})

    assert url.scheme in {"postgresql", "postgres"}
    assert url.hostname == "postgres"
    assert url.port == 5432
    assert url.path == f"/wirkung_{name}"
    assert (url.username, url.password) == (
        postgres["POSTGRES_USER"],
        postgres["POSTGRES_PASSWORD"],
    )
    assert f"wirkung_{name}" in databases_created_by_init_script()


def test_the_init_script_runs_when_postgres_first_starts() -> None:
    mounts = bind_mounts("postgres")

    assert mounts["/docker-entrypoint-initdb.d/init.sql"] == "./deploy/postgres/init.sql"


@pytest.mark.parametrize("name", list(SETTINGS))
def test_each_service_listens_on_8000_behind_its_own_host_port_and_is_scraped_there(
    name: str,
) -> None:
    command = [str(part) for part in service(name)["command"]]

    assert command[0] == name
    assert command[command.index("--port") + 1] == CONTAINER_PORT
    assert port_mappings(name) == [(HOST_PORTS[name], CONTAINER_PORT)]
    assert (f"{name}:{CONTAINER_PORT}", "/metrics") in scrape_targets()


def test_no_two_services_publish_the_same_host_port() -> None:
    host_ports = [
        host
        for name in _mapping(compose()["services"])
        for host, _ in port_mappings(name)
        if host is not None
    ]

    assert host_ports
    assert len(host_ports) == len(set(host_ports))


@pytest.mark.parametrize("name", list(BACKENDS))
def test_services_start_only_after_the_database_is_healthy_and_the_topics_exist(
    name: str,
) -> None:
    depends_on = _mapping(service(name)["depends_on"])

    assert depends_on["postgres"]["condition"] == "service_healthy"
    assert depends_on["kafka-init"]["condition"] == "service_completed_successfully"
    assert "healthcheck" in service("postgres")
    assert _mapping(service("kafka-init")["depends_on"])["kafka"]["condition"] == (
        "service_healthy"
    )
    assert "healthcheck" in service("kafka")


def test_kafka_init_creates_every_topic_the_services_use() -> None:
    prefixes = prefixes_of_backends()
    script = interpolate(" ".join(str(part) for part in service("kafka-init")["command"]), {})
    creations = [line for line in script.splitlines() if "--create" in line]

    assert len(prefixes) == 1
    assert {re.findall(r"--topic\s+(\S+)", line)[0] for line in creations} == set(
        Topics(prefixes.pop()).all()
    )
    assert all("--if-not-exists" in line and "--partitions 6" in line for line in creations)
    durable = set(Topics(next(iter(prefixes_of_backends()))).durable())
    unlimited = {re.findall(r"--topic\s+(\S+)", line)[0] for line in creations
                 if "--config retention.ms=-1" in line}
    altered = set(re.findall(r"--alter --entity-type topics --entity-name (\S+) "
                             r"--add-config retention\.ms=-1", script))
    assert unlimited == altered == durable  # topics made before get it too


def prefixes_of_backends() -> set[str]:
    return {environment(name, OPERATOR_ENVIRONMENT)["WIRKUNG_TOPIC_PREFIX"] for name in BACKENDS}


def test_grafana_reads_from_the_prometheus_service() -> None:
    provisioning = _load_yaml(
        DEPLOY / "grafana" / "provisioning" / "datasources" / "prometheus.yml"
    )
    [datasource] = provisioning["datasources"]
    url = urlsplit(str(datasource["url"]))
    prometheus_ports = {str(container) for _, container in port_mappings("prometheus")}

    assert datasource["type"] == "prometheus"
    assert datasource["uid"] == "prometheus"
    assert datasource["isDefault"] is True
    assert url.hostname == "prometheus"
    assert str(url.port) in prometheus_ports


def test_grafana_loads_the_dashboards_from_the_folder_it_mounts() -> None:
    provider_file = DEPLOY / "grafana" / "provisioning" / "dashboards" / "wirkung.yml"
    [provider] = _load_yaml(provider_file)["providers"]
    mounts = bind_mounts("grafana")

    assert mounts[provider["options"]["path"]].rstrip("/") == "./deploy/grafana/dashboards"
    assert "./deploy/grafana/provisioning/datasources" in mounts.values()
    assert "./deploy/grafana/provisioning/dashboards" in mounts.values()


def test_every_file_the_stack_mounts_is_in_the_repository() -> None:
    sources = [
        source for name in _mapping(compose()["services"]) for source in bind_mounts(name).values()
    ]

    assert sources
    assert [source for source in sources if not (ROOT / source).exists()] == []


def test_the_dashboard_charts_only_wirkung_metrics() -> None:
    expressions = dashboard_expressions()
    names = [metric_names(expression) for expression in expressions]

    assert expressions
    assert all(names), "every panel query selects at least one metric"
    assert {name for found in names for name in found if not name.startswith("wirkung_")} == set()


def test_the_dashboard_queries_the_provisioned_datasource() -> None:
    dashboard = json.loads(
        (DEPLOY / "grafana" / "dashboards" / "wirkung-overview.json").read_text(encoding="utf-8")
    )

    assert {panel["datasource"]["uid"] for panel in dashboard["panels"]} == {"prometheus"}


def test_metric_names_are_told_apart_from_functions_labels_and_ranges() -> None:
    expression = (
        "histogram_quantile(0.95, sum by (le, service) "
        '(rate(wirkung_http_request_duration_seconds_bucket{service="cases"}[5m])))'
    )

    assert metric_names(expression) == {"wirkung_http_request_duration_seconds_bucket"}


def test_the_image_runs_the_wirkung_command_unprivileged_on_port_8000() -> None:
    instructions = dockerfile_instructions()
    # The last instruction of a kind wins: the final stage's base, user, entrypoint.
    keyword = dict(instructions)

    assert keyword["FROM"] == "python:3.11-slim"
    assert json.loads(keyword["ENTRYPOINT"]) == ["wirkung", "serve"]
    assert keyword["USER"] not in {"root", "0"}
    assert keyword["EXPOSE"] == CONTAINER_PORT
    assert f"127.0.0.1:{CONTAINER_PORT}/health" in keyword["HEALTHCHECK"]
    assert [line for line in instructions if "[embedded" in line] == []


@pytest.mark.parametrize("name", ["agreements", "cases"])
def test_compose_refuses_to_start_a_write_service_without_its_audit_key(name: str) -> None:
    without = {k: v for k, v in OPERATOR_ENVIRONMENT.items() if "AUDIT_KEY" not in k}

    with pytest.raises(ValueError, match=f"WIRKUNG_{name.upper()}_AUDIT_KEY"):
        environment(name, without)


def test_compose_refuses_to_start_the_cases_service_without_its_blind_index_key() -> None:
    without = {k: v for k, v in OPERATOR_ENVIRONMENT.items() if "BLIND_INDEX" not in k}

    with pytest.raises(ValueError, match="WIRKUNG_CASES_BLIND_INDEX_KEY"):
        environment("cases", without)


def test_compose_refuses_to_start_the_cases_service_without_its_key_encryption_key() -> None:
    without = {k: v for k, v in OPERATOR_ENVIRONMENT.items() if "KEY_ENCRYPTION" not in k}

    with pytest.raises(ValueError, match="WIRKUNG_CASES_KEY_ENCRYPTION_KEY"):
        environment("cases", without)


def test_the_image_makes_the_web_assets_as_make_assets_does() -> None:
    instructions = dockerfile_instructions()
    stages = [arguments for keyword, arguments in instructions if keyword == "FROM"]
    [npm] = [args for keyword, args in instructions if keyword == "RUN" and "npm ci" in args]
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = makefile.split("$(VENDOR)/.installed:", 1)[1].split("\nassets:", 1)[0]
    copy_into_image = instructions.index(
        ("COPY", "--from=assets /vendor/ services/web/static/vendor/"))
    install = instructions.index(("RUN", "pip install --no-cache-dir ."))

    assert stages[0].endswith(" AS assets")
    assert stages[-1] == "python:3.11-slim"
    assert "npm ci --ignore-scripts" in npm
    assert "npm ci --ignore-scripts" in recipe
    made = asset_copies(recipe, "$(WEB)/assets/node_modules/", "$(VENDOR)/")
    assert made, "the Makefile's assets recipe copies files"
    assert asset_copies(npm, "node_modules/", "/vendor/") == made
    assert copy_into_image < install, "pip installs the package data the assets are part of"


def test_compose_refuses_to_start_the_metrics_service_without_its_cell_key_secret() -> None:
    without = {k: v for k, v in OPERATOR_ENVIRONMENT.items() if "CELL_KEY" not in k}

    with pytest.raises(ValueError, match="WIRKUNG_METRICS_CELL_KEY_SECRET"):
        environment("metrics", without)
