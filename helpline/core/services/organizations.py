"""Use cases about organizations (Zammad organization = ITFlow client = NodePoint client)."""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet

from helpline.core import permissions as perms
from helpline.core import rules, selectors
from helpline.core.events import OrganizationCreated, OrganizationDeleted
from helpline.core.models import Organization, User
from helpline.lib import clock, events
from helpline.lib.actor import Actor
from helpline.lib.errors import Conflict, Invalid
from helpline.lib.references import find_references

FIELDS = frozenset(
    {"name", "shared", "domain", "domain_assignment", "active", "vip", "note", "member_ids"}
)
_BOOLS = frozenset({"shared", "domain_assignment", "active", "vip"})


def _clean(field: str, value: object) -> object:
    if field in _BOOLS:
        return rules.check_bool(value, field=field, code="organization")
    if field == "member_ids":
        return rules.check_ids(value, field=field, code="organization")
    column = Organization._meta.get_field(field)
    max_length = getattr(column, "max_length", None) or rules.NOTE_MAX
    text = rules.check_text(
        value, field=field, max_length=max_length, code="organization", required=field == "name"
    )
    return text.strip() if field == "name" else text


def _check_name_free(name: str, *, exclude: int | None = None) -> None:
    clash = Organization.objects.filter(name__iexact=name)
    if exclude is not None:
        clash = clash.exclude(pk=exclude)
    if clash.exists():
        raise Conflict(
            f"an organization named {name!r} exists", code="organization.name_taken", field="name"
        )


def _set_members(actor: Actor, org: Organization, member_ids: list[int]) -> None:
    """Make exactly ``member_ids`` the organization's (primary) members."""
    found = set(User.objects.filter(pk__in=member_ids).values_list("pk", flat=True))
    missing = sorted(set(member_ids) - found)
    if missing:
        raise Invalid(
            f"no user with id {missing[0]}", code="organization.member_unknown", field="member_ids"
        )
    now = clock.now()
    User.objects.filter(organization=org).exclude(pk__in=member_ids).update(
        organization=None, updated_at=now, updated_by=actor.user
    )
    User.objects.filter(pk__in=member_ids).exclude(organization=org).update(
        organization=org, updated_at=now, updated_by=actor.user
    )


@transaction.atomic
def create_organization(actor: Actor, **values: object) -> Organization:
    """Create an organization (``admin.organization``). Names are unique in any case;
    ``member_ids`` moves those users into it (their primary organization)."""
    perms.require(actor, perms.ADMIN_ORGANIZATION)
    unknown = set(values) - FIELDS
    if unknown:
        field = sorted(unknown)[0]
        raise Invalid(
            f"unknown organization attribute {field!r}",
            code="organization.unknown_field",
            field=field,
        )
    if "name" not in values:
        raise Invalid("name is required", code="organization.missing", field="name")
    clean = {field: _clean(field, value) for field, value in values.items()}
    member_ids = clean.pop("member_ids", None)
    name = str(clean["name"])
    _check_name_free(name)
    org = Organization(created_by=actor.user, updated_by=actor.user, **clean)
    org.save()
    if member_ids is not None:
        _set_members(actor, org, member_ids)  # type: ignore[arg-type]
    events.publish(OrganizationCreated(organization_id=org.pk, actor_id=actor.user_id))
    return org


@transaction.atomic
def update_organization(actor: Actor, organization_id: int, **changes: object) -> Organization:
    """Change an organization (``admin.organization``); only the fields given change.
    ``member_ids`` replaces the list of (primary) members."""
    perms.require(actor, perms.ADMIN_ORGANIZATION)
    org = selectors.get_organization(actor, organization_id)
    org = Organization.objects.select_for_update().get(pk=org.pk)
    unknown = set(changes) - FIELDS
    if unknown:
        field = sorted(unknown)[0]
        raise Invalid(
            f"unknown organization attribute {field!r}",
            code="organization.unknown_field",
            field=field,
        )
    clean = {field: _clean(field, value) for field, value in changes.items()}
    member_ids = clean.pop("member_ids", None)
    if "name" in clean:
        _check_name_free(str(clean["name"]), exclude=org.pk)
    for field, value in clean.items():
        setattr(org, field, value)
    org.updated_by = actor.user
    org.save()
    if member_ids is not None:
        _set_members(actor, org, member_ids)  # type: ignore[arg-type]
    return org


@transaction.atomic
def delete_organization(actor: Actor, organization_id: int) -> None:
    """Delete an organization (``admin.organization``) nothing refers to: refused with
    ``Conflict`` while it has members (primary or secondary), tickets or other rows."""
    perms.require(actor, perms.ADMIN_ORGANIZATION)
    org = selectors.get_organization(actor, organization_id)
    references = find_references(org, extra=[org.secondary_members.all()])
    if references:
        raise Conflict(
            f"organization {org.name} is still referenced ({', '.join(references)})",
            code="organization.referenced",
        )
    org_pk = org.pk
    org.delete()
    events.publish(OrganizationDeleted(organization_id=org_pk, actor_id=actor.user_id))


def search_organizations(
    actor: Actor, query: str = "", *, sort: selectors.Sort | None = None
) -> QuerySet[Organization]:
    """Organizations whose name, domain or note contains every word of ``query``
    (agents and organization administrators only, as in Zammad). ``name:``, ``domain:``,
    ``id:``, ``active:`` and ``shared:`` words match one field; ``*`` matches everyone."""
    perms.require(actor, perms.TICKET_AGENT, perms.ADMIN_ORGANIZATION)
    condition = selectors.search_condition(query, **selectors.ORGANIZATION_SEARCH)
    qs = selectors.with_organization_relations(selectors.visible_organizations(actor))
    return selectors.apply_sort(
        qs.filter(condition),
        sort,
        selectors.ORGANIZATION_SORT_FIELDS,
        [("updated_at", True), ("id", True)],
    )
