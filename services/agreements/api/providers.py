"""Routes for providers (Freie Träger)."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Response

from services.agreements.api.answers import ProviderOut, ProviderPage
from services.agreements.api.dependencies import App, Manager, Reader, versioned
from services.agreements.api.models import ProviderRegistration, ProviderUpdate, When
from shared.http import HistoryEntryOut, Past, expected_version
from shared.vocabulary import FieldOfAction

router = APIRouter(prefix="/providers", tags=["providers"])
IfMatch = Annotated[int | None, Depends(expected_version)]


@router.post("", status_code=201, summary="Register a provider")
def register_provider(body: ProviderRegistration, response: Response, caller: Manager,
                      agreements: App) -> ProviderOut:
    view = agreements.register_provider(
        name=body.name, legal_form=body.legal_form,
        fields_of_action=[field.value for field in body.fields_of_action],
        contact=body.contact, caller=caller, occurred_on=agreements.on(body.occurred_on))
    versioned(response, view.version, f"/providers/{view.id}")
    return ProviderOut.from_view(view)


@router.get("", summary="List providers")
def list_providers(caller: Reader, agreements: App,
                   field_of_action: FieldOfAction | None = None, active: bool | None = None,
                   limit: Annotated[int, Query(ge=1, le=200)] = 50,
                   offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0) -> ProviderPage:
    return ProviderPage.of(agreements.list_providers(
        caller=caller, field_of_action=field_of_action, active=active, limit=limit,
        offset=offset))


@router.get("/{provider_id}", summary="Read a provider, now or as of a moment or version")
def read_provider(provider_id: UUID, response: Response, caller: Reader, agreements: App,
                  past: Past) -> ProviderOut:
    view = agreements.provider(provider_id, caller=caller, version=past.version,
                               as_of=past.as_of)
    versioned(response, view.version)
    return ProviderOut.from_view(view)


@router.patch("/{provider_id}", summary="Update a provider's details")
def update_provider(provider_id: UUID, body: ProviderUpdate, response: Response,
                    caller: Manager, agreements: App, if_match: IfMatch) -> ProviderOut:
    fields = ([field.value for field in body.fields_of_action]
              if body.fields_of_action is not None else None)
    view = agreements.update_provider(
        provider_id, name=body.name, legal_form=body.legal_form, fields_of_action=fields,
        contact=body.contact, caller=caller, occurred_on=agreements.on(body.occurred_on),
        expected_version=if_match)
    versioned(response, view.version)
    return ProviderOut.from_view(view)


@router.post("/{provider_id}/deactivation", summary="Deactivate a provider")
def deactivate_provider(provider_id: UUID, response: Response, caller: Manager,
                        agreements: App, if_match: IfMatch,
                        body: When | None = None) -> ProviderOut:
    view = agreements.deactivate_provider(
        provider_id, caller=caller, occurred_on=agreements.on(body.occurred_on if body else None),
        expected_version=if_match)
    versioned(response, view.version)
    return ProviderOut.from_view(view)


@router.get("/{provider_id}/history", summary="Every recorded event of a provider")
def provider_history(provider_id: UUID, caller: Reader,
                     agreements: App) -> list[HistoryEntryOut]:
    return [HistoryEntryOut.of(entry)
            for entry in agreements.provider_history(provider_id, caller=caller)]
