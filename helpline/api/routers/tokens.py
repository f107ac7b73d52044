"""``/user_access_token``: personal access tokens (``user_preferences.access_token``)."""

from __future__ import annotations

from typing import Any

from ninja import Router

from helpline.api import expand
from helpline.api.auth import ApiRequest
from helpline.api.schemas.common import Empty
from helpline.api.schemas.tokens import TokenCreatedOut, TokenCreateIn, TokenListOut
from helpline.core import selectors
from helpline.core.services import tokens as token_services

router = Router(tags=["user access tokens"])


@router.get("/user_access_token", response=TokenListOut, url_name="token-list")
def list_tokens(request: ApiRequest) -> dict[str, Any]:
    """The caller's tokens and the permissions a new token may carry (parents of those
    are listed with ``preferences.disabled``)."""
    tokens = token_services.list_tokens(request.auth)
    grantable = selectors.grantable_permissions(request.auth)
    return {
        "tokens": [expand.token(t) for t in tokens],
        "permissions": [expand.permission(p, disabled=off) for p, off in grantable],
    }


@router.post("/user_access_token", response=TokenCreatedOut, url_name="token-create")
def create_token(request: ApiRequest, payload: TokenCreateIn) -> dict[str, Any]:
    """Answers the new token once, as ``{"name": "<token>"}``."""
    issued = token_services.create_token(
        request.auth,
        label=payload.label,
        permissions=payload.permission,
        expires_at=payload.expires_at,
    )
    return {"name": issued.plaintext}


@router.delete("/user_access_token/{token_id}", response=Empty, url_name="token-delete")
def delete_token(request: ApiRequest, token_id: int) -> dict[str, Any]:
    token_services.delete_token(request.auth, token_id)
    return {}


@router.put(
    "/user_access_token/{token_id}",
    response=Empty,
    url_name="token-delete-put",
    include_in_schema=False,
)
def delete_token_put(request: ApiRequest, token_id: int) -> dict[str, Any]:
    """The seed documents the delete as ``PUT /user_access_token/:id``; both work."""
    token_services.delete_token(request.auth, token_id)
    return {}
