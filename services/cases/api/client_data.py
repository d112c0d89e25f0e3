"""HTTP routes to find a client by name and birth date, and to change the personal data."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Response

from services.cases.api.answers import ClientOut, ClientsOut
from services.cases.api.dependencies import App, ClientFinder, ClientWorker
from services.cases.api.models import PersonalDataChange
from services.cases.personal_data import PersonalData
from shared.http import etag, expected_version

router = APIRouter(tags=["clients"])
ExpectedVersion = Annotated[int | None, Depends(expected_version)]


@router.get("/clients", response_model=ClientsOut,
            summary="Find your team's clients by name and birth date",
            description="Matches the name however it is written (case, spaces, umlauts "
                        "written out, ß as ss) with the exact birth date, through a keyed blind "
                        "index: no one's data is decrypted to search. Clients your team "
                        "registered or helps in a case (the data protection officer: every "
                        "team's, to answer a person's request); each one found is in the "
                        "access log.")
def find_clients(
    caller: ClientFinder, cases: App,
    name: Annotated[str, Query(min_length=1, max_length=200, examples=["Erika Mustermann"])],
    birth_date: Annotated[date, Query(examples=["2009-05-17"])],
) -> ClientsOut:
    found = cases.find_clients(name=name, birth_date=birth_date, caller=caller)
    return ClientsOut(items=[ClientOut.of(client) for client in found])


@router.put("/clients/{client_id}/personal-data", response_model=ClientOut,
            summary="Change a client's name, birth date and address",
            description="Sealed in the vault like a registration; the event records only who "
                        "changed it and when. Send the version you read as `If-Match`.",
            responses={409: {"description": "You read an older version (`expected_version`)."},
                       410: {"description": "The personal data was erased."}})
def update_personal_data(client_id: UUID, body: PersonalDataChange, response: Response,
                         caller: ClientWorker, cases: App,
                         version: ExpectedVersion) -> ClientOut:
    client = cases.update_personal_data(
        client_id, personal_data=PersonalData(name=body.name, birth_date=body.birth_date,
                                              address=body.address),
        caller=caller, expected_version=version)
    response.headers["ETag"] = etag(client.version)
    return ClientOut.of(client)
