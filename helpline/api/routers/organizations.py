"""``/organizations``: Zammad's organization endpoints."""

from __future__ import annotations

from typing import Any

from ninja import Query, Router, Status

from helpline.api import expand
from helpline.api.auth import ApiRequest
from helpline.api.pagination import page_of, search_page_of, sort_of
from helpline.api.schemas.common import Empty, ListParams, SearchParams
from helpline.api.schemas.organizations import (
    OrganizationCreateIn,
    OrganizationOut,
    OrganizationUpdateIn,
)
from helpline.api.status import CREATED
from helpline.core import selectors
from helpline.core.services import organizations as org_services

router = Router(tags=["organizations"])


@router.get(
    "/organizations",
    response=list[OrganizationOut],
    exclude_unset=True,
    url_name="organization-list",
)
def list_organizations(request: ApiRequest, params: Query[ListParams]) -> list[dict[str, Any]]:
    """Agents and organization administrators get all; others their own."""
    rows = page_of(params).of(selectors.list_organizations(request.auth, sort=sort_of(params)))
    expanded = expand.is_expanded(request)
    return [expand.organization(o, expanded=expanded) for o in rows]


@router.get(
    "/organizations/search",
    response=list[OrganizationOut],
    exclude_unset=True,
    url_name="organization-search",
)
def search_organizations(request: ApiRequest, params: Query[SearchParams]) -> list[dict[str, Any]]:
    found = org_services.search_organizations(request.auth, params.query, sort=sort_of(params))
    expanded = expand.is_expanded(request)
    return [expand.organization(o, expanded=expanded) for o in search_page_of(params).of(found)]


@router.get(
    "/organizations/{organization_id}",
    response=OrganizationOut,
    exclude_unset=True,
    url_name="organization-detail",
)
def show_organization(request: ApiRequest, organization_id: int) -> dict[str, Any]:
    org = selectors.get_organization(request.auth, organization_id)
    return expand.organization(org, expanded=expand.is_expanded(request))


@router.post(
    "/organizations",
    response={CREATED: OrganizationOut},
    exclude_unset=True,
    url_name="organization-create",
)
def create_organization(
    request: ApiRequest, payload: OrganizationCreateIn
) -> Status[dict[str, Any]]:
    org = org_services.create_organization(request.auth, **payload.model_dump(exclude_unset=True))
    return Status(CREATED, expand.organization(org, expanded=expand.is_expanded(request)))


@router.put(
    "/organizations/{organization_id}",
    response=OrganizationOut,
    exclude_unset=True,
    url_name="organization-update",
)
def update_organization(
    request: ApiRequest, organization_id: int, payload: OrganizationUpdateIn
) -> dict[str, Any]:
    org = org_services.update_organization(
        request.auth, organization_id, **payload.model_dump(exclude_unset=True)
    )
    return expand.organization(org, expanded=expand.is_expanded(request))


@router.delete("/organizations/{organization_id}", response=Empty, url_name="organization-delete")
def delete_organization(request: ApiRequest, organization_id: int) -> dict[str, Any]:
    """Only organizations without members or other references (409 otherwise)."""
    org_services.delete_organization(request.auth, organization_id)
    return {}


@router.delete(
    "/organization/{organization_id}",
    response=Empty,
    url_name="organization-delete-singular",
    include_in_schema=False,
)
def delete_organization_singular(request: ApiRequest, organization_id: int) -> dict[str, Any]:
    """The path the seed documents for deletes (``/organization/{id}``)."""
    org_services.delete_organization(request.auth, organization_id)
    return {}
