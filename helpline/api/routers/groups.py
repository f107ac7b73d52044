"""``/groups``: Zammad's group endpoints."""

from __future__ import annotations

from typing import Any

from ninja import Query, Router, Status

from helpline.api import expand
from helpline.api.auth import ApiRequest
from helpline.api.pagination import page_of, sort_of
from helpline.api.schemas.common import Empty, ListParams
from helpline.api.schemas.groups import GroupCreateIn, GroupOut, GroupUpdateIn
from helpline.api.status import CREATED
from helpline.core import selectors
from helpline.core.services import groups as group_services

router = Router(tags=["groups"])


@router.get("/groups", response=list[GroupOut], exclude_unset=True, url_name="group-list")
def list_groups(request: ApiRequest, params: Query[ListParams]) -> list[dict[str, Any]]:
    """Group administrators get all groups; agents the groups they belong to."""
    rows = page_of(params).of(selectors.list_groups(request.auth, sort=sort_of(params)))
    expanded = expand.is_expanded(request)
    return [expand.group(g, expanded=expanded) for g in rows]


@router.get("/groups/{group_id}", response=GroupOut, exclude_unset=True, url_name="group-detail")
def show_group(request: ApiRequest, group_id: int) -> dict[str, Any]:
    group = selectors.get_group(request.auth, group_id)
    return expand.group(group, expanded=expand.is_expanded(request))


@router.post("/groups", response={CREATED: GroupOut}, exclude_unset=True, url_name="group-create")
def create_group(request: ApiRequest, payload: GroupCreateIn) -> Status[dict[str, Any]]:
    group = group_services.create_group(request.auth, **payload.model_dump(exclude_unset=True))
    return Status(CREATED, expand.group(group, expanded=expand.is_expanded(request)))


@router.put("/groups/{group_id}", response=GroupOut, exclude_unset=True, url_name="group-update")
def update_group(request: ApiRequest, group_id: int, payload: GroupUpdateIn) -> dict[str, Any]:
    group = group_services.update_group(
        request.auth, group_id, **payload.model_dump(exclude_unset=True)
    )
    return expand.group(group, expanded=expand.is_expanded(request))


@router.delete("/groups/{group_id}", response=Empty, url_name="group-delete")
def delete_group(request: ApiRequest, group_id: int) -> dict[str, Any]:
    """Only groups nothing refers to (409 otherwise)."""
    group_services.delete_group(request.auth, group_id)
    return {}
