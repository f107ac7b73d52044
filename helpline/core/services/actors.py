"""Acting for someone else: Zammad's ``X-On-Behalf-Of`` (and NodePoint's ``from_user``)."""

from __future__ import annotations

from helpline.core import permissions as perms
from helpline.core import selectors
from helpline.core.services.settings import get_setting
from helpline.lib.actor import Actor
from helpline.lib.errors import Invalid, PermissionDenied


def act_on_behalf_of(actor: Actor, reference: str) -> Actor:
    """The actor that does the rest of the request as the user named by ``reference``
    (an id, a login or an email address).

    Allowed only while the runtime setting ``users.allow_impersonation`` is on, and only to
    user administrators (for anyone) and agents (for customer accounts, never for another
    agent or an administrator). A token actor stays narrowed to its token's permissions.
    """
    if not get_setting("users.allow_impersonation"):
        raise PermissionDenied(
            "acting on behalf of other users is disabled (users.allow_impersonation)",
            code="auth.on_behalf_disabled",
        )
    if actor.user is None or not actor.has_any(perms.ADMIN_USER, perms.TICKET_AGENT):
        raise PermissionDenied(
            "acting on behalf of other users needs admin.user or ticket.agent",
            code="auth.on_behalf_forbidden",
        )
    target = selectors.find_user_by_reference(reference)
    if target is None or not target.active:
        raise Invalid(
            f"no active user {reference[:100]!r} to act on behalf of",
            code="auth.on_behalf_unknown",
            field="X-On-Behalf-Of",
        )
    if not actor.has(perms.ADMIN_USER) and perms.is_staff_account(target):
        raise PermissionDenied(
            "agents may act on behalf of customers only", code="auth.on_behalf_staff"
        )
    extra = {**actor.extra, "real_user_id": actor.user_id}
    return Actor(
        user=target,
        kind=actor.kind,
        token_permissions=actor.token_permissions,
        via=actor.via,
        extra=extra,
    )
