"""``/object_manager_attributes``: Zammad's object manager (custom attributes of tickets,
users, organizations and groups). Administrators with ``admin.object``; a change is pending
until ``object_manager_attributes_execute_migrations``."""

from __future__ import annotations

from typing import Any

from ninja import Query, Router, Status

from helpline.api import expand_tickets as shape
from helpline.api.auth import ApiRequest
from helpline.api.pagination import page_of, sort_of
from helpline.api.schemas.common import Empty, ListParams
from helpline.api.schemas.tickets import AttributeIn, AttributeOut
from helpline.api.status import CREATED
from helpline.core.services import attributes as attribute_services

router = Router(tags=["object manager attributes"])


@router.get("/object_manager_attributes", response=list[AttributeOut], url_name="attribute-list")
def list_attributes(request: ApiRequest, params: Query[ListParams]) -> list[dict[str, Any]]:
    """Every attribute, by position and name or by ``sort_by``/``order_by``; all at once as
    Zammad answers unless ``per_page`` asks for pages."""
    rows = attribute_services.list_attributes(request.auth, sort=sort_of(params))
    return [shape.object_attribute(a) for a in page_of(params).of(rows)]


@router.get(
    "/object_manager_attributes/{attribute_id}",
    response=AttributeOut,
    url_name="attribute-detail",
)
def show_attribute(request: ApiRequest, attribute_id: int) -> dict[str, Any]:
    return shape.object_attribute(attribute_services.get_attribute(request.auth, attribute_id))


@router.post(
    "/object_manager_attributes", response={CREATED: AttributeOut}, url_name="attribute-create"
)
def create_attribute(request: ApiRequest, payload: AttributeIn) -> Status[dict[str, Any]]:
    """Pending (``to_create``) until the migrations are executed."""
    fields = payload.model_dump(exclude_unset=True)
    created = attribute_services.create_attribute(
        request.auth,
        object=fields.pop("object", None),
        name=fields.pop("name", None),
        data_type=fields.pop("data_type", None),
        **fields,
    )
    return Status(CREATED, shape.object_attribute(created))


@router.put(
    "/object_manager_attributes/{attribute_id}",
    response=AttributeOut,
    url_name="attribute-update",
)
def update_attribute(
    request: ApiRequest, attribute_id: int, payload: AttributeIn
) -> dict[str, Any]:
    updated = attribute_services.update_attribute(
        request.auth, attribute_id, **payload.model_dump(exclude_unset=True)
    )
    return shape.object_attribute(updated)


@router.delete(
    "/object_manager_attributes/{attribute_id}", response=Empty, url_name="attribute-delete"
)
def delete_attribute(request: ApiRequest, attribute_id: int) -> dict[str, Any]:
    """A pending attribute goes at once; one in force is marked ``to_delete``."""
    attribute_services.delete_attribute(request.auth, attribute_id)
    return {}


@router.post(
    "/object_manager_attributes_execute_migrations",
    response=Empty,
    url_name="attribute-execute-migrations",
)
def execute_migrations(request: ApiRequest) -> dict[str, Any]:
    attribute_services.execute_attribute_migrations(request.auth)
    return {}


@router.post(
    "/object_manager_attributes_discard_changes",
    response=Empty,
    url_name="attribute-discard-changes",
)
def discard_changes(request: ApiRequest) -> dict[str, Any]:
    attribute_services.discard_attribute_changes(request.auth)
    return {}
