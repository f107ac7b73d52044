"""Shapers: rows (with their relations prefetched by the selectors) to Zammad's JSON.

Every object carries the ids of its relations (``role_ids``, ``member_ids``, ...). With
``?expand=true`` the names come next to them, as Zammad does: ``organization``, ``roles``,
``groups``, ``members``, ``created_by``... Shapers never query per row: they read what the
selector prefetched.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from helpline.core.models import AccessToken, Group, Organization, Permission, Role, User

TRUE_WORDS = frozenset({"true", "1", "yes", "on"})


def is_expanded(request: HttpRequest) -> bool:
    return request.GET.get("expand", "").strip().lower() in TRUE_WORDS


def _login(user: User | None) -> str | None:
    return user.login if user is not None else None


def _group_access(memberships: list[Any], key: str) -> dict[str, list[str]]:
    """``{"<group id or name>": ["full", ...]}`` from prefetched memberships."""
    access: dict[str, list[str]] = {}
    for m in memberships:
        name = str(m.group_id) if key == "id" else m.group.name
        access.setdefault(name, []).append(m.access)
    return {k: sorted(set(v)) for k, v in access.items()}


def user(u: User, *, expanded: bool = False) -> dict[str, Any]:
    roles = list(u.roles.all())
    organizations = list(u.organizations.all())
    memberships = list(u.groupmembership_set.all())
    data: dict[str, Any] = {
        "id": u.pk,
        "organization_id": u.organization_id,
        "login": u.login,
        "firstname": u.firstname,
        "lastname": u.lastname,
        "email": u.email,
        "image": u.image or None,
        "image_source": u.image_source or None,
        "web": u.web,
        "phone": u.phone,
        "fax": u.fax,
        "mobile": u.mobile,
        "department": u.department,
        "street": u.street,
        "zip": u.zip,
        "city": u.city,
        "country": u.country,
        "address": u.address,
        "vip": u.vip,
        "verified": u.verified,
        "active": u.active,
        "note": u.note,
        "last_login": u.last_login,
        "source": u.source or None,
        "login_failed": u.login_failed,
        "out_of_office": u.out_of_office,
        "out_of_office_start_at": u.out_of_office_start_at,
        "out_of_office_end_at": u.out_of_office_end_at,
        "out_of_office_replacement_id": u.out_of_office_replacement_id,
        "preferences": u.preferences or {},
        "updated_by_id": u.updated_by_id,
        "created_by_id": u.created_by_id,
        "created_at": u.created_at,
        "updated_at": u.updated_at,
        "role_ids": [r.pk for r in roles],
        "organization_ids": [o.pk for o in organizations],
        "authorization_ids": [],
        "group_ids": _group_access(memberships, "id"),
    }
    if expanded:
        data.update(
            {
                "organization": u.organization.name if u.organization else None,
                "roles": [r.name for r in roles],
                "organizations": [o.name for o in organizations],
                "authorizations": [],
                "groups": _group_access(memberships, "name"),
                "created_by": _login(u.created_by),
                "updated_by": _login(u.updated_by),
            }
        )
    return data


def organization(o: Organization, *, expanded: bool = False) -> dict[str, Any]:
    members = sorted(o.members.all(), key=lambda m: m.pk)
    data: dict[str, Any] = {
        "id": o.pk,
        "name": o.name,
        "shared": o.shared,
        "domain": o.domain,
        "domain_assignment": o.domain_assignment,
        "active": o.active,
        "vip": o.vip,
        "note": o.note,
        "updated_by_id": o.updated_by_id,
        "created_by_id": o.created_by_id,
        "created_at": o.created_at,
        "updated_at": o.updated_at,
        "member_ids": [m.pk for m in members],
    }
    if expanded:
        data.update(
            {
                "members": [m.login for m in members],
                "created_by": _login(o.created_by),
                "updated_by": _login(o.updated_by),
            }
        )
    return data


def group(g: Group, *, expanded: bool = False) -> dict[str, Any]:
    users: dict[int, User] = {}
    for m in g.groupmembership_set.all():
        users.setdefault(m.user_id, m.user)
    ordered = [users[k] for k in sorted(users)]
    data: dict[str, Any] = {
        "id": g.pk,
        "signature_id": g.signature_id,
        "email_address_id": g.email_address_id,
        "name": g.name,
        "assignment_timeout": g.assignment_timeout,
        "follow_up_possible": g.follow_up_possible,
        "follow_up_assignment": g.follow_up_assignment,
        "active": g.active,
        "note": g.note,
        "updated_by_id": g.updated_by_id,
        "created_by_id": g.created_by_id,
        "created_at": g.created_at,
        "updated_at": g.updated_at,
        "user_ids": [u.pk for u in ordered],
    }
    if expanded:
        data.update(
            {
                "users": [u.login for u in ordered],
                "created_by": _login(g.created_by),
                "updated_by": _login(g.updated_by),
            }
        )
    return data


def role(r: Role, *, expanded: bool = False) -> dict[str, Any]:
    permissions = list(r.permissions.all())
    data: dict[str, Any] = {
        "id": r.pk,
        "name": r.name,
        "preferences": {},
        "default_at_signup": r.default_at_signup,
        "active": r.active,
        "note": r.note,
        "updated_by_id": r.updated_by_id,
        "created_by_id": r.created_by_id,
        "created_at": r.created_at,
        "updated_at": r.updated_at,
        "permission_ids": [p.pk for p in permissions],
        "knowledge_base_permission_ids": [],
        "group_ids": {},
    }
    if expanded:
        data.update(
            {
                "permissions": [p.name for p in permissions],
                "created_by": _login(r.created_by),
                "updated_by": _login(r.updated_by),
            }
        )
    return data


def token(t: AccessToken) -> dict[str, Any]:
    return {
        "id": t.pk,
        "user_id": t.user_id,
        "action": t.kind,
        "label": t.label,
        "prefix": t.prefix,
        "preferences": {"permission": list(t.permissions or [])},
        "last_used_at": t.last_used_at,
        "expires_at": t.expires_at,
        "created_at": t.created_at,
        "updated_at": t.updated_at,
    }


def permission(p: Permission, *, disabled: bool = False) -> dict[str, Any]:
    preferences = dict(p.preferences or {})
    if disabled:
        preferences["disabled"] = True
    return {
        "id": p.pk,
        "name": p.name,
        "note": p.note,
        "preferences": preferences,
        "active": p.active,
        "created_at": p.created_at,
        "updated_at": p.updated_at,
    }
