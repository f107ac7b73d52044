"""``/users``: Zammad's user endpoints."""

from __future__ import annotations

from typing import Any

from ninja import Query, Router, Status

from helpline.api import expand
from helpline.api.auth import ApiRequest, api_auth_or_guest, token_scheme
from helpline.api.pagination import page_of, search_page_of, sort_of
from helpline.api.schemas.common import Empty, ListParams, SearchParams
from helpline.api.schemas.users import UserCreateIn, UserOut, UserUpdateIn
from helpline.api.status import CREATED
from helpline.core import selectors
from helpline.core.services import users as user_services

router = Router(tags=["users"])


def _changes(payload: UserCreateIn | UserUpdateIn) -> dict[str, Any]:
    """The payload in the services' names: ``group_ids`` is group access."""
    changes = payload.model_dump(exclude_unset=True)
    if "group_ids" in changes:
        changes["group_access"] = changes.pop("group_ids") or {}
    return changes


@router.get("/users/me", response=UserOut, exclude_unset=True, url_name="user-me")
def me(request: ApiRequest) -> dict[str, Any]:
    """The caller's own user (any valid authentication)."""
    user = selectors.get_user(request.auth, request.auth.user_id or 0)
    return expand.user(user, expanded=expand.is_expanded(request))


@router.get("/users", response=list[UserOut], exclude_unset=True, url_name="user-list")
def list_users(request: ApiRequest, params: Query[ListParams]) -> list[dict[str, Any]]:
    """Agents and user administrators get everyone; customers themselves and the members of
    their shared organizations."""
    rows = page_of(params).of(selectors.list_users(request.auth, sort=sort_of(params)))
    expanded = expand.is_expanded(request)
    return [expand.user(u, expanded=expanded) for u in rows]


@router.get("/users/search", response=list[UserOut], exclude_unset=True, url_name="user-search")
def search_users(request: ApiRequest, params: Query[SearchParams]) -> list[dict[str, Any]]:
    """Free text over login, names and email (agents and user administrators)."""
    found = user_services.search_users(request.auth, params.query, sort=sort_of(params))
    expanded = expand.is_expanded(request)
    return [expand.user(u, expanded=expanded) for u in search_page_of(params).of(found)]


@router.get("/users/{user_id}", response=UserOut, exclude_unset=True, url_name="user-detail")
def show_user(request: ApiRequest, user_id: int) -> dict[str, Any]:
    user = selectors.get_user(request.auth, user_id)
    return expand.user(user, expanded=expand.is_expanded(request))


@router.post(
    "/users",
    response={CREATED: UserOut},
    exclude_unset=True,
    auth=[api_auth_or_guest, token_scheme],
    url_name="user-create",
)
def create_user(request: ApiRequest, payload: UserCreateIn) -> Status[dict[str, Any]]:
    """Administrators set anything; agents create customers (default roles); guests register
    while registration is open."""
    user = user_services.create_user(request.auth, **_changes(payload))
    return Status(CREATED, expand.user(user, expanded=expand.is_expanded(request)))


@router.put("/users/{user_id}", response=UserOut, exclude_unset=True, url_name="user-update")
def update_user(request: ApiRequest, user_id: int, payload: UserUpdateIn) -> dict[str, Any]:
    user = user_services.update_user(request.auth, user_id, **_changes(payload))
    return expand.user(user, expanded=expand.is_expanded(request))


@router.delete("/users/{user_id}", response=Empty, url_name="user-delete")
def delete_user(request: ApiRequest, user_id: int) -> dict[str, Any]:
    """Only users nothing refers to (409 otherwise); disable the others."""
    user_services.delete_user(request.auth, user_id)
    return {}
