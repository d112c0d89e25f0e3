"""HTTP routes for clients: register, read, erase the personal data."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Response

from services.cases.api.answers import ClientOut
from services.cases.api.dependencies import App, ClientReader, ClientWorker, DataProtectionOfficer
from services.cases.api.models import ClientRegistration
from services.cases.personal_data import PersonalData
from shared.http import etag, expected_version

router = APIRouter(tags=["clients"])
ExpectedVersion = Annotated[int | None, Depends(expected_version)]


@router.post("/clients", status_code=201, response_model=ClientOut,
             summary="Register a client (the answer holds the pseudonym, not the data)",
             responses={409: {"description": "Your team knows a client of this name and birth "
                              "date: `rule` is `client_already_known`, `matches` lists their "
                              "ids. Send `register_anyway: true` for a namesake."}})
def register_client(body: ClientRegistration, response: Response, caller: ClientWorker,
                    cases: App) -> ClientOut:
    client = cases.register_client(
        personal_data=PersonalData(name=body.name, birth_date=body.birth_date,
                                   address=body.address),
        gender_category=body.gender_category, caller=caller, occurred_on=cases.on(body.occurred_on),
        register_anyway=body.register_anyway)
    response.headers["Location"] = f"/clients/{client.id}"
    response.headers["ETag"] = etag(client.version)
    return ClientOut.of(client)


@router.get("/clients/{client_id}", response_model=ClientOut, summary="Read a client",
            responses={410: {"description": "The personal data was erased."}})
def read_client(client_id: UUID, response: Response, caller: ClientReader,
                cases: App) -> ClientOut:
    client = cases.client(client_id, caller=caller)
    response.headers["ETag"] = etag(client.version)
    return ClientOut.of(client)


@router.delete("/clients/{client_id}/personal-data", response_model=ClientOut,
               summary="Erase a client's personal data for good (crypto-shredding)")
def erase_personal_data(client_id: UUID, response: Response, caller: DataProtectionOfficer,
                        cases: App, version: ExpectedVersion) -> ClientOut:
    client = cases.erase_personal_data(client_id, caller=caller, occurred_on=cases.today(),
                                       expected_version=version)
    response.headers["ETag"] = etag(client.version)
    return ClientOut.of(client)
