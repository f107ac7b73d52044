"""``/ticket_states`` and ``/ticket_priorities``: Zammad's ticket state and priority
endpoints. Everyone signed in reads them; ``admin.object`` changes them."""

from __future__ import annotations

from typing import Any

from ninja import Query, Router, Status

from helpline.api import expand_tickets as shape
from helpline.api.auth import ApiRequest
from helpline.api.pagination import page_of, sort_of
from helpline.api.schemas.common import Empty, ListParams
from helpline.api.schemas.tickets import PriorityIn, PriorityOut, StateIn, StateOut
from helpline.api.status import CREATED
from helpline.tickets import selectors
from helpline.tickets import services as ticket_services

router = Router(tags=["ticket states and priorities"])


@router.get("/ticket_states", response=list[StateOut], url_name="ticket-state-list")
def list_states(request: ApiRequest, params: Query[ListParams]) -> list[dict[str, Any]]:
    """By id, or by ``sort_by``/``order_by``; ``page``/``per_page`` as every list."""
    rows = page_of(params).of(selectors.list_states(request.auth, sort=sort_of(params)))
    return [shape.state(s) for s in rows]


@router.get("/ticket_states/{state_id}", response=StateOut, url_name="ticket-state-detail")
def show_state(request: ApiRequest, state_id: int) -> dict[str, Any]:
    return shape.state(selectors.get_state(request.auth, state_id))


@router.post("/ticket_states", response={CREATED: StateOut}, url_name="ticket-state-create")
def create_state(request: ApiRequest, payload: StateIn) -> Status[dict[str, Any]]:
    state = ticket_services.create_state(request.auth, **payload.model_dump(exclude_unset=True))
    return Status(CREATED, shape.state(state))


@router.put("/ticket_states/{state_id}", response=StateOut, url_name="ticket-state-update")
def update_state(request: ApiRequest, state_id: int, payload: StateIn) -> dict[str, Any]:
    state = ticket_services.update_state(
        request.auth, state_id, **payload.model_dump(exclude_unset=True)
    )
    return shape.state(state)


@router.delete("/ticket_states/{state_id}", response=Empty, url_name="ticket-state-delete")
def delete_state(request: ApiRequest, state_id: int) -> dict[str, Any]:
    """Refused (409) while a ticket or another state refers to it."""
    ticket_services.delete_state(request.auth, state_id)
    return {}


@router.get("/ticket_priorities", response=list[PriorityOut], url_name="ticket-priority-list")
def list_priorities(request: ApiRequest, params: Query[ListParams]) -> list[dict[str, Any]]:
    """By rank (high last), or by ``sort_by``/``order_by``; ``page``/``per_page``."""
    rows = page_of(params).of(selectors.list_priorities(request.auth, sort=sort_of(params)))
    return [shape.priority(p) for p in rows]


@router.get(
    "/ticket_priorities/{priority_id}", response=PriorityOut, url_name="ticket-priority-detail"
)
def show_priority(request: ApiRequest, priority_id: int) -> dict[str, Any]:
    return shape.priority(selectors.get_priority(request.auth, priority_id))


@router.post(
    "/ticket_priorities", response={CREATED: PriorityOut}, url_name="ticket-priority-create"
)
def create_priority(request: ApiRequest, payload: PriorityIn) -> Status[dict[str, Any]]:
    priority = ticket_services.create_priority(
        request.auth, **payload.model_dump(exclude_unset=True)
    )
    return Status(CREATED, shape.priority(priority))


@router.put(
    "/ticket_priorities/{priority_id}", response=PriorityOut, url_name="ticket-priority-update"
)
def update_priority(request: ApiRequest, priority_id: int, payload: PriorityIn) -> dict[str, Any]:
    priority = ticket_services.update_priority(
        request.auth, priority_id, **payload.model_dump(exclude_unset=True)
    )
    return shape.priority(priority)


@router.delete(
    "/ticket_priorities/{priority_id}", response=Empty, url_name="ticket-priority-delete"
)
def delete_priority(request: ApiRequest, priority_id: int) -> dict[str, Any]:
    """Refused (409) while a ticket or an SLA refers to it."""
    ticket_services.delete_priority(request.auth, priority_id)
    return {}
