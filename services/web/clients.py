"""One client per service API: the only place that speaks HTTP to the other services.

Each call carries the signed-in person's token, so every rule of scope, purpose,
suppression and logging holds for the pages as it does for the API. Answers are
the services' JSON; failures become the exceptions below, named by what they mean
for a page (sign in again, not there, someone else changed it, fix the input).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx
from starlette.requests import Request

JSON = dict[str, Any]


class ServiceError(Exception):
    """A service refused or failed; `problem` is its RFC 9457 document."""

    def __init__(self, status: int, problem: JSON) -> None:
        super().__init__(problem.get("detail") or problem.get("title") or str(status))
        self.status = status
        self.problem = problem

    @property
    def rule(self) -> str:
        return str(self.problem.get("rule") or "")


class SignInRequired(ServiceError):
    """The token is missing, invalid or expired (401)."""


class NotThere(ServiceError):
    """Not found, not yours, or erased (403 on an object, 404, 410)."""


class ChangedMeanwhile(ServiceError):
    """The version read is stale (409 on If-Match) or the rule refuses the state (409)."""


class Invalid(ServiceError):
    """The input breaks a field rule (400, 422); `field_errors` by field name."""

    @property
    def field_errors(self) -> dict[str, str]:
        errors: dict[str, str] = {}
        for error in self.problem.get("errors") or []:
            location = [str(part) for part in error.get("loc", []) if part != "body"]
            errors.setdefault(".".join(location) or "_", str(error.get("type", "")))
        return errors


class Unavailable(ServiceError):
    """The service does not answer or failed (5xx, connection errors)."""


@dataclass(frozen=True)
class Answer:
    data: Any
    version: int | None


def _version(response: httpx.Response) -> int | None:
    etag = response.headers.get("ETag", "").strip('W/"')
    return int(etag) if etag.isdigit() else None


class ServiceClient:
    """Calls one service with a person's token."""

    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http

    async def call(self, method: str, path: str, token: str, *, params: JSON | None = None,
                   body: JSON | None = None, version: int | None = None,
                   idempotency_key: str | None = None, purpose: str | None = None) -> Answer:
        headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
        if version is not None:
            headers["If-Match"] = f'"{version}"'
        if idempotency_key:
            headers["Idempotency-Key"] = idempotency_key
        if purpose:
            headers["X-Purpose"] = purpose
        query = {k: v for k, v in (params or {}).items() if v not in (None, "")}
        try:
            response = await self.http.request(method, path, params=query, json=body,
                                               headers=headers)
        except httpx.HTTPError as error:
            raise Unavailable(503, {"title": type(error).__name__}) from error
        if response.status_code >= 400:
            raise _error(response)
        data = response.json() if response.content else None
        return Answer(data, _version(response))

    async def get(self, path: str, token: str, **params: Any) -> Any:
        return (await self.call("GET", path, token, params=params)).data

    async def command(self, token: str, path: str, body: JSON | None, *,
                      version: int | None = None, idempotency_key: str | None = None,
                      method: str = "POST", purpose: str | None = None) -> Answer:
        """A command of the service (`path` below the service's root)."""
        return await self.call(method, path, token, body=body, version=version,
                               idempotency_key=idempotency_key, purpose=purpose)


def _error(response: httpx.Response) -> ServiceError:
    try:
        problem = response.json()
    except ValueError:
        problem = {}
    if not isinstance(problem, dict):
        problem = {}
    status = response.status_code
    kind: type[ServiceError]
    if status == 401:
        kind = SignInRequired
    elif status in (403, 404, 410):
        kind = NotThere
    elif status in (409, 412, 428):
        kind = ChangedMeanwhile
    elif status in (400, 422):
        kind = Invalid
    else:
        kind = Unavailable
    return kind(status, problem)


class HistoryReads(ServiceClient):
    """What the auditor reads of a write service: an object's history, its state at a
    version or moment, and the chain of the service's stored events."""

    async def history_of(self, token: str, path: str) -> list[JSON]:
        """Every recorded event of the object at `path`, oldest first."""
        result: list[JSON] = await self.get(f"{path}/history", token)
        return result

    async def state_of(self, token: str, path: str, *, version: int | None = None,
                       as_of: str | None = None) -> JSON:
        """The object at `path` as it stood at a version or a moment (ISO, with offset)."""
        result: JSON = await self.get(path, token, version=version, as_of=as_of)
        return result

    async def audit_chain(self, token: str, *, wait: float = 0) -> JSON:
        """The chain's last verification and the latest signed checkpoints."""
        result: JSON = await self.get("/audit/chain", token, wait=wait)
        return result

    async def verify_chain(self, token: str, *, wait: float = 0) -> JSON:
        """Start a verification of the chain now."""
        answer = await self.call("POST", "/audit/chain/verification", token,
                                 params={"wait": wait})
        result: JSON = answer.data
        return result

    async def access_counts(self, token: str, *, since: str, until: str) -> JSON:
        """The accesses logged from `since` to `until` (ISO, with offset), by role and
        purpose, granted and refused."""
        result: JSON = await self.get("/access-log/counts", token, since=since, until=until)
        return result


class CasesApi(HistoryReads):
    """The cases service: clients, cases, goals, services, the work list."""

    async def cases(self, token: str, **filters: Any) -> JSON:
        result: JSON = await self.get("/cases", token, **filters)
        return result

    async def counts(self, token: str) -> JSON:
        result: JSON = await self.get("/cases/counts", token)
        return result

    async def work_list(self, token: str) -> JSON:
        result: JSON = await self.get("/work-list", token)
        return result

    async def case(self, token: str, case_id: str) -> Answer:
        return await self.call("GET", f"/cases/{case_id}", token)

    async def history(self, token: str, case_id: str) -> list[JSON]:
        result: list[JSON] = await self.get(f"/cases/{case_id}/history", token)
        return result

    async def assignable_agreements(self, token: str, case_id: str) -> JSON:
        result: JSON = await self.get(f"/cases/{case_id}/assignable-agreements", token)
        return result

    async def find_clients(self, token: str, *, name: str, birth_date: str,
                           purpose: str | None = None) -> JSON:
        answer = await self.call("GET", "/clients", token, purpose=purpose,
                                 params={"name": name, "birth_date": birth_date})
        result: JSON = answer.data
        return result

    async def subject_access(self, token: str, client_id: str) -> JSON:
        """Everything stored about the person, and every access (DSGVO Art. 15)."""
        result: JSON = await self.get(f"/clients/{client_id}/subject-access", token)
        return result

    async def retention_due(self, token: str) -> list[JSON]:
        answer = await self.call("GET", "/retention/due", token, purpose="retention")
        result: list[JSON] = answer.data
        return result

    async def client(self, token: str, client_id: str) -> Answer:
        return await self.call("GET", f"/clients/{client_id}", token)

    async def occupancy(self, token: str, agreement_ids: list[str]) -> dict[str, JSON]:
        """Places taken and free today per agreement (a provider's own only), by id."""
        if not agreement_ids:
            return {}
        result: JSON = await self.get("/agreement-occupancy", token, agreement_id=agreement_ids)
        return {str(item["agreement_id"]): item for item in result["items"]}


class AgreementsApi(HistoryReads):
    """The agreements service: providers, agreements, reports."""

    async def providers(self, token: str, *, active: bool, limit: int) -> list[JSON]:
        page: JSON = await self.get("/providers", token, active=active, limit=limit)
        items: list[JSON] = page["items"]
        return items

    async def reports_of(self, token: str, agreement_id: str) -> list[JSON]:
        """The periods of an agreement and where each report stands."""
        result: list[JSON] = await self.get(f"/agreements/{agreement_id}/reports", token)
        return result

    async def provider_list(self, token: str, **filters: Any) -> JSON:
        """One page of providers, active and deactivated (filters: active, limit, offset)."""
        result: JSON = await self.get("/providers", token, **filters)
        return result

    async def provider(self, token: str, provider_id: str) -> Answer:
        return await self.call("GET", f"/providers/{provider_id}", token)

    async def provider_history(self, token: str, provider_id: str) -> list[JSON]:
        result: list[JSON] = await self.get(f"/providers/{provider_id}/history", token)
        return result

    async def agreements(self, token: str, **filters: Any) -> JSON:
        """One page of agreements (filters: provider_id, field_of_action, status, limit...)."""
        result: JSON = await self.get("/agreements", token, **filters)
        return result

    async def report_overview(self, token: str, **filters: Any) -> JSON:
        """Report entries across agreements, the most urgent first (status may repeat)."""
        result: JSON = await self.get("/reports", token, **filters)
        return result

    async def agreement(self, token: str, agreement_id: str) -> Answer:
        return await self.call("GET", f"/agreements/{agreement_id}", token)

    async def agreement_history(self, token: str, agreement_id: str) -> list[JSON]:
        result: list[JSON] = await self.get(f"/agreements/{agreement_id}/history", token)
        return result

    async def report(self, token: str, agreement_id: str, period: str) -> Answer:
        return await self.call("GET", f"/agreements/{agreement_id}/reports/{period}", token)


class MetricsApi(ServiceClient):
    """The metrics service: the indicator catalog and the indicators' values."""

    async def catalog(self, token: str) -> list[JSON]:
        result: list[JSON] = await self.get("/indicators", token)
        return result

    async def indicator(self, token: str, indicator_id: str, **params: Any) -> JSON:
        """One indicator's values (params: period, by, grain, as_of)."""
        result: JSON = await self.get(f"/indicators/{indicator_id}", token, **params)
        return result

    async def answer_text(self, token: str, indicator_id: str, **params: Any) -> str:
        """One indicator's values as the service's JSON text, byte for byte: the saved
        answer an auditor keeps and has verified (params: period, by, grain, as_of)."""
        query = {k: v for k, v in params.items() if v not in (None, "")}
        try:
            response = await self.http.get(
                f"/indicators/{indicator_id}", params=query,
                headers={"Authorization": f"Bearer {token}", "Accept": "application/json"})
        except httpx.HTTPError as error:
            raise Unavailable(503, {"title": type(error).__name__}) from error
        if response.status_code >= 400:
            raise _error(response)
        return response.text

    async def restatements(self, token: str, indicator_id: str, **params: Any) -> JSON:
        """How one indicator's values for a period changed after it closed (params: period,
        by, grain, as_of, limit)."""
        result: JSON = await self.get(f"/indicators/{indicator_id}/restatements", token,
                                      **params)
        return result

    async def start_verification(self, token: str, document: JSON) -> JSON:
        """Verify a saved answer by replay, in the background (auditors only)."""
        result: JSON = (await self.command(token, "/verifications", document)).data
        return result

    async def verification(self, token: str, verification_id: str) -> JSON:
        """A verification's progress, and its verdict once done."""
        result: JSON = await self.get(f"/verifications/{verification_id}", token)
        return result

    async def import_population(self, token: str, *, source: str, content: bytes) -> JSON:
        """Import reference population figures from a CSV file (as uploaded)."""
        headers = {"Authorization": f"Bearer {token}", "Accept": "application/json",
                   "Content-Type": "text/csv"}
        try:
            response = await self.http.post("/reference/population/csv",
                                            params={"source": source},
                                            content=content, headers=headers)
        except httpx.HTTPError as error:
            raise Unavailable(503, {"title": type(error).__name__}) from error
        if response.status_code >= 400:
            raise _error(response)
        result: JSON = response.json()
        return result

    async def impact_goals(self, token: str, **params: Any) -> JSON:
        """The agreements' impact goals against their targets (params: period, grain,
        agreement, limit, offset); a provider's own agreements only."""
        result: JSON = await self.get("/impact-goals", token, **params)
        return result


class Services:
    """The three services' clients, one pooled connection pool each."""

    def __init__(self, *, agreements_url: str, cases_url: str, metrics_url: str,
                 transport: httpx.AsyncBaseTransport | None = None,
                 read_timeout: float = 15.0) -> None:
        def pooled(url: str) -> httpx.AsyncClient:
            return httpx.AsyncClient(base_url=url,
                                     timeout=httpx.Timeout(read_timeout, connect=3.0),
                                     limits=httpx.Limits(max_connections=50),
                                     transport=transport)

        self.agreements = AgreementsApi(pooled(agreements_url))
        self.cases = CasesApi(pooled(cases_url))
        self.metrics = MetricsApi(pooled(metrics_url))

    def patient(self, read_timeout: float) -> Services:
        """Clients of the same services that wait longer for an answer (close them after):
        for work in the background, where no person waits for a page."""
        return Services(agreements_url=str(self.agreements.http.base_url),
                        cases_url=str(self.cases.http.base_url),
                        metrics_url=str(self.metrics.http.base_url),
                        read_timeout=read_timeout)

    async def answering(self) -> dict[str, bool]:
        """Which services answer their health check (the web's readiness)."""
        checks = {}
        for name, client in (("agreements", self.agreements), ("cases", self.cases),
                             ("metrics", self.metrics)):
            try:
                checks[name] = (await client.http.get("/health", timeout=2.0)).status_code == 200
            except httpx.HTTPError:
                checks[name] = False
        return checks

    async def close(self) -> None:
        for client in (self.agreements, self.cases, self.metrics):
            await client.http.aclose()


def services_of(request: Request) -> Services:
    """The app's service clients."""
    services: Services = request.app.state.services
    return services
