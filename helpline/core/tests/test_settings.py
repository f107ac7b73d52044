import pytest

from helpline.core.models import RuntimeSetting
from helpline.core.services import settings as runtime
from helpline.lib.actor import Actor
from helpline.lib.errors import Invalid, NotFound, PermissionDenied
from helpline.testing.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_defaults_until_changed_then_the_stored_value():
    assert runtime.get_setting("tickets.allow_guest_tickets") is False
    runtime.update_setting(Actor.system(), "tickets.allow_guest_tickets", True)
    assert runtime.get_setting("tickets.allow_guest_tickets") is True
    assert RuntimeSetting.objects.get(key="tickets.allow_guest_tickets").value is True


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("tickets.allow_guest_tickets", "yes", "true or false"),
        ("site.posts_per_page", -1, "whole number"),
        ("tickets.visibility", "secret", "public, private, restricted"),
        ("uploads.allowed_extensions", "pdf", "list of strings"),
    ],
)
def test_bad_values_name_the_setting_and_change_nothing(key, value, message):
    with pytest.raises(Invalid, match=message) as info:
        runtime.update_setting(Actor.system(), key, value)
    assert info.value.field == key
    assert not RuntimeSetting.objects.exists()


def test_only_setting_admins_change_or_read_private_settings():
    agent = Actor.for_user(UserFactory(roles=["Agent"]))
    with pytest.raises(PermissionDenied):
        runtime.update_setting(agent, "site.name", "Mine")
    with pytest.raises(PermissionDenied):
        runtime.read_setting(agent, "uploads.max_size_mb")
    assert runtime.read_setting(agent, "site.name") == "Helpline"
    admin = Actor.for_user(UserFactory(roles=["Admin"]))
    runtime.update_setting(admin, "site.name", "Desk")
    assert runtime.read_setting(Actor.guest(), "site.name") == "Desk"


def test_unknown_key():
    with pytest.raises(NotFound):
        runtime.get_setting("nope.nothing")


@pytest.mark.django_db(transaction=True)
def test_settings_are_read_once_until_one_changes(django_assert_num_queries):
    """Every page reads the site's settings: a process keeps them, and a committed change
    (here, through the service) is read at once."""
    assert runtime.get_settings("site.name", "site.posts_per_page")["site.name"] == "Helpline"
    with django_assert_num_queries(0):
        values = runtime.get_settings("site.name", "site.posts_per_page")
        allowed = runtime.get_setting("uploads.allowed_extensions")
    allowed.append("exe")  # a caller's copy: changing it changes nothing shared
    assert "exe" not in runtime.get_setting("uploads.allowed_extensions")
    runtime.update_setting(Actor.system(), "site.name", "Desk")
    assert runtime.get_settings("site.name", "site.posts_per_page") == values | {
        "site.name": "Desk"
    }
