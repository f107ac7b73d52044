"""``/roles``: list and show, as Zammad (agents and user administrators)."""

from __future__ import annotations

from typing import Any

from ninja import Query, Router

from helpline.api import expand
from helpline.api.auth import ApiRequest
from helpline.api.pagination import page_of, sort_of
from helpline.api.schemas.common import ListParams
from helpline.api.schemas.roles import RoleOut
from helpline.core import selectors

router = Router(tags=["roles"])


@router.get("/roles", response=list[RoleOut], exclude_unset=True, url_name="role-list")
def list_roles(request: ApiRequest, params: Query[ListParams]) -> list[dict[str, Any]]:
    rows = page_of(params).of(selectors.list_roles(request.auth, sort=sort_of(params)))
    expanded = expand.is_expanded(request)
    return [expand.role(r, expanded=expanded) for r in rows]


@router.get("/roles/{role_id}", response=RoleOut, exclude_unset=True, url_name="role-detail")
def show_role(request: ApiRequest, role_id: int) -> dict[str, Any]:
    role = selectors.get_role(request.auth, role_id)
    return expand.role(role, expanded=expand.is_expanded(request))
