"""``/online_notifications``: Zammad's online notification endpoints. Every signed-in user
reads, marks seen and deletes only their own."""

from __future__ import annotations

from typing import Any

from ninja import Query, Router

from helpline.api import expand
from helpline.api import expand_tickets as shape
from helpline.api.auth import ApiRequest
from helpline.api.pagination import page_of, sort_of
from helpline.api.schemas.common import Empty, ListParams
from helpline.api.schemas.tickets import NotificationIn, NotificationOut
from helpline.core import selectors
from helpline.core.services import notifications as notification_services

router = Router(tags=["online notifications"])


@router.post(
    "/online_notifications/mark_all_as_read",
    response=Empty,
    url_name="notification-mark-all-read",
)
def mark_all_as_read(request: ApiRequest) -> dict[str, Any]:
    """Every notification of the caller seen (registered before ``/{id}``)."""
    notification_services.mark_all_notifications_read(request.auth)
    return {}


@router.get(
    "/online_notifications",
    response=list[NotificationOut],
    exclude_unset=True,
    url_name="notification-list",
)
def list_notifications(request: ApiRequest, params: Query[ListParams]) -> list[dict[str, Any]]:
    """The caller's notifications, newest first (or by ``sort_by``/``order_by``)."""
    rows = page_of(params).of(selectors.list_notifications(request.auth, sort=sort_of(params)))
    expanded = expand.is_expanded(request)
    return [shape.notification(n, expanded=expanded) for n in rows]


@router.get(
    "/online_notifications/{notification_id}",
    response=NotificationOut,
    exclude_unset=True,
    url_name="notification-detail",
)
def show_notification(request: ApiRequest, notification_id: int) -> dict[str, Any]:
    found = selectors.get_notification(request.auth, notification_id)
    return shape.notification(found, expanded=expand.is_expanded(request))


@router.put(
    "/online_notifications/{notification_id}",
    response=NotificationOut,
    exclude_unset=True,
    url_name="notification-update",
)
def update_notification(
    request: ApiRequest, notification_id: int, payload: NotificationIn
) -> dict[str, Any]:
    """``{"seen": true}`` marks it seen (``false`` unseen again)."""
    found = notification_services.mark_notification_seen(
        request.auth, notification_id, seen=payload.seen
    )
    return shape.notification(found, expanded=expand.is_expanded(request))


@router.delete(
    "/online_notifications/{notification_id}", response=Empty, url_name="notification-delete"
)
def delete_notification(request: ApiRequest, notification_id: int) -> dict[str, Any]:
    notification_services.delete_notification(request.auth, notification_id)
    return {}
