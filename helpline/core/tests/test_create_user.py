import pytest

from helpline.core.models import Group, GroupMembership, Role, User
from helpline.core.services import settings as runtime
from helpline.core.services.users import check_credentials, create_user
from helpline.lib.actor import Actor
from helpline.lib.errors import Conflict, Invalid, PermissionDenied
from helpline.testing.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_guest_registers_with_the_default_role_and_can_log_in():
    user = create_user(Actor.guest(), login="jdoe", email="jdoe@example.com", password="secret1")
    assert list(user.roles.values_list("name", flat=True)) == ["Customer"]
    assert check_credentials("JDOE", "secret1") == user
    assert user.has_permission("ticket.customer")
    assert not user.has_permission("ticket.agent")


def test_guest_registration_closed():
    runtime.update_setting(Actor.system(), "users.allow_registrations", False)
    with pytest.raises(PermissionDenied):
        create_user(Actor.guest(), login="jdoe", email="jdoe@example.com", password="secret1")
    assert not User.objects.filter(login="jdoe").exists()


def test_agent_cannot_set_roles_but_admin_can_set_roles_and_groups():
    agent = Actor.for_user(UserFactory(roles=["Agent"]))
    admin_role = Role.objects.get(name="Admin")
    with pytest.raises(PermissionDenied):
        create_user(agent, email="x@example.com", role_ids=[admin_role.pk])
    customer = create_user(agent, email="cust@example.com", firstname="Cu")
    assert customer.login == "cust@example.com"
    assert not customer.has_usable_password()
    group = Group.objects.create(name="Support")
    admin = Actor.for_user(UserFactory(roles=["Admin"]))
    agent2 = create_user(
        admin,
        login="agent2",
        email="a2@example.com",
        role_ids=[Role.objects.get(name="Agent").pk],
        group_access={group.pk: ["full"]},
    )
    assert agent2.has_permission("ticket.agent")
    assert list(GroupMembership.objects.filter(user=agent2).values_list("access", flat=True)) == [
        "full"
    ]


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"login": "ab", "email": "ab@example.com"}, "login"),
        ({"login": "okay", "email": "x" * 95 + "@e.com"}, "email"),
        ({"login": "okay", "email": "okay@example.com", "password": "12345"}, "password"),
        ({"login": "okay", "email": "okay@example.com", "shoe_size": 9}, "shoe_size"),
        ({"login": "okay", "email": "o@example.com", "organization_id": 999}, "organization_id"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(kwargs, field):
    with pytest.raises(Invalid) as info:
        create_user(Actor.system(), **kwargs)
    assert info.value.field == field
    assert User.objects.count() == 0


def test_duplicates_in_any_case_are_refused():
    create_user(Actor.system(), login="Mary", email="mary@example.com")
    with pytest.raises(Conflict):
        create_user(Actor.system(), login="MARY", email="other@example.com")
    with pytest.raises(Conflict):
        create_user(Actor.system(), login="mary2", email="MARY@example.com")
