"""``/tags``, ``/tag_search`` and ``/tag_list``: Zammad's tag endpoints."""

from __future__ import annotations

from typing import Any

from ninja import Field, Query, Router, Schema, Status

from helpline.api.auth import ApiRequest
from helpline.api.schemas.tickets import TagChangeIn, TagSearchOut, TagsOut
from helpline.api.status import CREATED
from helpline.core.services import tags as tag_services

router = Router(tags=["tags"])


class TagListParams(Schema):
    object: str = Field(..., max_length=100)
    o_id: int = Field(..., ge=1, le=2**62)


class TagSearchParams(Schema):
    term: str = Field("", max_length=1000)
    limit: int = Field(10, ge=1, le=500)


class TagCount(Schema):
    id: int
    name: str
    count: int


@router.get("/tags", response=TagsOut, url_name="tag-list-object")
def list_tags(request: ApiRequest, params: Query[TagListParams]) -> dict[str, Any]:
    """``{"tags": [...]}`` of one object (agents who may read it, tag admins)."""
    return {"tags": tag_services.list_tags(request.auth, params.object, params.o_id)}


@router.post("/tags/add", response={CREATED: bool}, url_name="tag-add")
def add_tag(request: ApiRequest, payload: TagChangeIn) -> Status[bool]:
    """``true``; the tag is made if it does not exist yet."""
    tag_services.add_tag(request.auth, payload.object, payload.o_id, payload.item)
    return Status(CREATED, True)


@router.post("/tags/remove", response=bool, url_name="tag-remove")
def remove_tag(request: ApiRequest, payload: TagChangeIn) -> bool:
    tag_services.remove_tag(request.auth, payload.object, payload.o_id, payload.item)
    return True


@router.delete("/tags/remove", response=bool, url_name="tag-remove-delete")
def remove_tag_delete(request: ApiRequest, payload: TagChangeIn) -> bool:
    """The same, as ``DELETE`` (Zammad takes both)."""
    tag_services.remove_tag(request.auth, payload.object, payload.o_id, payload.item)
    return True


@router.get("/tag_search", response=list[TagSearchOut], url_name="tag-search")
def search_tags(request: ApiRequest, params: Query[TagSearchParams]) -> list[dict[str, Any]]:
    """Tags whose name contains ``term`` (agents and tag admins)."""
    found = tag_services.search_tag_items(request.auth, params.term, limit=params.limit)
    return [{"id": pk, "value": name} for pk, name in found]


@router.get("/tag_list", response=list[TagCount], url_name="tag-admin-list")
def tag_list(request: ApiRequest) -> list[dict[str, Any]]:
    """Every tag with how often it is used (``admin.tag``)."""
    return [
        {"id": pk, "name": name, "count": count}
        for pk, name, count in tag_services.tag_counts(request.auth)
    ]
