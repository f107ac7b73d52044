"""The people services on their own, without a door in front."""

from datetime import timedelta

import pytest

from helpline.core.events import GroupCreated, UserUpdated
from helpline.core.models import AccessToken, Group, GroupMembership, Organization, User
from helpline.core.services import groups, organizations, tokens, users
from helpline.core.services import settings as runtime
from helpline.core.services.actors import act_on_behalf_of
from helpline.lib import clock, events
from helpline.lib.actor import Actor
from helpline.lib.errors import Conflict, Invalid, NotAuthenticated, NotFound, PermissionDenied
from helpline.lib.references import find_references
from helpline.testing.factories import GroupFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db


# --- references


def test_references_count_rows_made_by_a_user_but_not_their_own():
    maker = UserFactory(login="maker", roles=["Agent"], groups=[GroupFactory()])
    tokens.create_token(Actor.for_user(maker), label="t", permissions=["ticket.agent"])
    User.objects.filter(pk=maker.pk).update(created_by=maker)  # self-registered
    assert find_references(maker) == []
    Organization.objects.create(name="One", created_by=maker)
    Organization.objects.create(name="Two", updated_by=maker)
    assert find_references(maker) == ["Organization.created_by (1)", "Organization.updated_by (1)"]


def test_references_of_an_organization_include_protected_members_and_extras():
    org = OrganizationFactory(name="Busy")
    assert find_references(org) == []
    member = UserFactory(organization=org)
    assert find_references(org) == ["User (1)"]
    member.organization = None
    member.save()
    member.organizations.add(org)
    assert find_references(org, extra=[org.secondary_members.all()]) == ["User (1)"]


# --- users


def test_update_user_checks_and_records():
    user = UserFactory(login="target")
    with pytest.raises(Invalid) as info:
        users.update_user(Actor.system(), user.pk, shoe_size=9)
    assert (info.value.code, info.value.field) == ("user.unknown_field", "shoe_size")
    with pytest.raises(Invalid) as info:
        users.update_user(Actor.system(), user.pk, out_of_office_start_at="someday")
    assert info.value.code == "user.not_date"
    with pytest.raises(Conflict):
        users.update_user(Actor.system(), user.pk, email=UserFactory().email.upper())
    updated = users.update_user(
        Actor.system(), user.pk, firstname="New", preferences={"locale": "de-de"}
    )
    assert (updated.firstname, updated.preferences) == ("New", {"locale": "de-de"})
    users.update_user(Actor.system(), user.pk, preferences={"intro": True})
    assert User.objects.get(pk=user.pk).preferences == {"locale": "de-de", "intro": True}


def test_update_publishes_the_changed_fields(django_capture_on_commit_callbacks):
    user = UserFactory(login="evented")
    with events.capture() as seen, django_capture_on_commit_callbacks(execute=True):
        users.update_user(Actor.system(), user.pk, firstname="Changed", lastname="Tester")
    assert seen == [UserUpdated(user_id=user.pk, actor_id=None, fields=("firstname",))]


def test_agents_never_change_staff_even_disabled_ones():
    agent = Actor.for_user(UserFactory(roles=["Agent"]))
    other_agent = UserFactory(roles=["Agent"], active=False)
    with pytest.raises(PermissionDenied):
        users.update_user(agent, other_agent.pk, active=True)
    assert User.objects.get(pk=other_agent.pk).active is False


def test_delete_user_rules():
    admin = Actor.for_user(UserFactory(roles=["Admin"]))
    agent = Actor.for_user(UserFactory(roles=["Agent"]))
    target = UserFactory()
    with pytest.raises(PermissionDenied):
        users.delete_user(agent, target.pk)
    with pytest.raises(NotFound):
        users.delete_user(admin, 10**30)
    users.delete_user(admin, target.pk)
    assert not User.objects.filter(pk=target.pk).exists()


def test_search_users_words_and_fields():
    agent = Actor.for_user(UserFactory(login="searcher", roles=["Agent"]))
    org = OrganizationFactory(name="Chrispresso")
    UserFactory(login="chris", firstname="Christopher", lastname="Miller", organization=org)
    UserFactory(login="other", firstname="Sam", lastname="Miller", active=False)

    def logins(query):
        return sorted(users.search_users(agent, query).values_list("login", flat=True))

    assert logins("miller") == ["chris", "other"]
    assert logins("chris miller") == ["chris"]
    assert logins("organization:chrisp") == ["chris"]
    assert logins("miller active:false") == ["other"]
    assert logins(f"id:{User.objects.get(login='chris').pk}") == ["chris"]
    assert logins("id:abc") == []
    with pytest.raises(PermissionDenied):
        users.search_users(Actor.for_user(UserFactory()), "x")


# --- organizations and groups


def test_organization_member_ids_replace_primary_members():
    admin = Actor.for_user(UserFactory(roles=["Admin"]))
    a, b = UserFactory(), UserFactory()
    org = organizations.create_organization(admin, name="Members", member_ids=[a.pk])
    assert list(org.members.values_list("pk", flat=True)) == [a.pk]
    organizations.update_organization(admin, org.pk, member_ids=[b.pk])
    assert list(org.members.values_list("pk", flat=True)) == [b.pk]
    assert User.objects.get(pk=a.pk).organization_id is None
    with pytest.raises(Invalid):
        organizations.update_organization(admin, org.pk, member_ids=[10**12])
    assert list(org.members.values_list("pk", flat=True)) == [b.pk]


def test_create_group_publishes_group_created_after_commit(django_capture_on_commit_callbacks):
    admin_user = UserFactory(roles=["Admin"])
    with events.capture() as seen, django_capture_on_commit_callbacks(execute=True):
        group = groups.create_group(Actor.for_user(admin_user), name="Billing")
    assert seen == [GroupCreated(group_id=group.pk, actor_id=admin_user.pk)]


def test_group_names_are_unique_in_any_case_and_refusals_write_nothing():
    admin = Actor.for_user(UserFactory(roles=["Admin"]))
    groups.create_group(admin, name="Billing")
    with pytest.raises(Conflict):
        groups.create_group(admin, name="BILLING")
    with pytest.raises(Invalid):
        groups.create_group(admin, name="Other", user_ids=[10**12])
    assert list(Group.objects.values_list("name", flat=True)) == ["Billing"]
    assert GroupMembership.objects.count() == 0


# --- tokens


def test_token_authenticates_as_its_user_with_its_permissions_only():
    user = UserFactory(roles=["Agent"])
    issued = tokens.create_token(Actor.for_user(user), label="ci", permissions=["ticket.agent"])
    assert tokens.authenticate(issued.plaintext) == (user, frozenset({"ticket.agent"}))
    with pytest.raises(NotAuthenticated):
        tokens.authenticate(issued.plaintext, kind=AccessToken.Kind.SESSION)
    with pytest.raises(NotAuthenticated):
        tokens.authenticate(issued.plaintext + "x")
    with pytest.raises(NotAuthenticated):
        tokens.authenticate("x" * 100_000)


def test_expired_tokens_are_refused():
    user = UserFactory(roles=["Agent"])
    issued = tokens.create_token(
        Actor.for_user(user),
        label="short",
        permissions=["ticket.agent"],
        expires_at=clock.now() + timedelta(hours=1),
    )
    AccessToken.objects.filter(pk=issued.token.pk).update(expires_at=clock.now())
    with pytest.raises(NotAuthenticated) as info:
        tokens.authenticate(issued.plaintext)
    assert info.value.code == "token.expired"


def test_other_doors_issue_their_own_kind_of_token():
    user = UserFactory()
    issued = tokens.create_token(
        Actor.for_user(user),
        label="flicket session",
        permissions=["ticket.customer"],
        kind=AccessToken.Kind.SESSION,
        expires_at=clock.now() + timedelta(minutes=30),
    )
    assert tokens.authenticate(issued.plaintext, kind=AccessToken.Kind.SESSION)[0] == user
    with pytest.raises(NotAuthenticated):
        tokens.authenticate(issued.plaintext)
    assert list(tokens.list_tokens(Actor.for_user(user))) == []


# --- acting on behalf


def test_on_behalf_rules():
    runtime.update_setting(Actor.system(), "users.allow_impersonation", True)
    admin = Actor.for_user(UserFactory(login="boss", roles=["Admin"]))
    agent = Actor.for_user(UserFactory(login="agent", roles=["Agent"]))
    customer = UserFactory(login="customer")
    acting = act_on_behalf_of(agent, "customer")
    assert (acting.user, acting.extra["real_user_id"]) == (customer, agent.user_id)
    assert act_on_behalf_of(admin, "agent").user == agent.user
    with pytest.raises(PermissionDenied):
        act_on_behalf_of(agent, "boss")
    with pytest.raises(PermissionDenied):
        act_on_behalf_of(Actor.for_user(customer), "agent")
    with pytest.raises(Invalid):
        act_on_behalf_of(admin, "nobody")
