"""django-helpdesk's API beyond the golden files: methods, credentials, refusals that write
nothing, URL names."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse

from helpline.core.models import Group, User
from helpline.dialects.djhelpdesk import views
from helpline.lib import events
from helpline.testing.factories import PASSWORD, GroupFactory, UserFactory

pytestmark = pytest.mark.django_db

# Authentication keeps its own books on the user row; everything else must stay as it was.
LOGIN_ACCOUNTING = {"login_failed", "last_login"}


@pytest.fixture
def api() -> Client:
    return Client(enforce_csrf_checks=True)


@pytest.fixture
def agent() -> User:
    return UserFactory(login="susan", roles=["Agent"])


def snapshot() -> dict[str, list[dict]]:
    """Every row of every Helpline model, less the user's login accounting."""
    rows = {}
    for model in apps.get_models():
        if not model.__module__.startswith("helpline."):
            continue
        values = [
            {k: v for k, v in row.items() if k not in LOGIN_ACCOUNTING}
            for row in model.objects.order_by("pk").values()
        ]
        rows[model._meta.label] = values
    return rows


def test_url_names_are_the_method_names():
    assert reverse("dialect-djhelpdesk:list_queues") == "/helpdesk/api/list_queues/"
    assert reverse("dialect-djhelpdesk:find_user") == "/helpdesk/api/find_user/"
    assert reverse("dialect-djhelpdesk:hold_ticket") == "/helpdesk/api/hold_ticket/"
    assert sorted(views.CALLS) == [
        "add_followup",
        "create_ticket",
        "delete_ticket",
        "find_user",
        "hold_ticket",
        "list_queues",
        "resolve",
        "unhold_ticket",
    ]


@pytest.mark.parametrize("method", ["get", "put", "patch", "delete", "head", "options"])
@pytest.mark.parametrize("call", [*views.CALLS, "no_such_call"])
def test_anything_but_post_is_405_with_allow_post(api, agent, method, call):
    answer = getattr(api, method)(f"/helpdesk/api/{call}/")
    assert answer.status_code == 405
    assert answer["Allow"] == "POST"
    assert answer["Content-Type"] == "text/plain; charset=utf-8"
    if method != "head":
        assert answer.content.decode() == (
            f"Invalid request method {method.upper()}: the django-helpdesk API accepts POST only"
        )


def test_a_wrong_password_is_403_counts_a_failed_login_and_writes_nothing_else(api, agent):
    GroupFactory(name="Sales")
    before = snapshot()
    with events.capture() as published:
        answer = api.post("/helpdesk/api/list_queues/", {"user": "susan", "password": "nope"})
    assert (answer.status_code, answer.content) == (403, b"Invalid username or password")
    assert snapshot() == before
    assert published == []
    assert User.objects.get(pk=agent.pk).login_failed == 1


@pytest.mark.parametrize(
    ("roles", "active", "text"),
    [
        (["Customer"], True, "Permission denied: this needs one of the permissions: ticket.agent"),
        (["Admin"], True, "Permission denied: this needs one of the permissions: ticket.agent"),
        ([], True, "Permission denied: this needs one of the permissions: ticket.agent"),
        (["Agent"], False, "Invalid username or password"),
    ],
)
@pytest.mark.parametrize("call", list(views.CALLS))
def test_non_agents_and_disabled_users_are_403_and_nothing_is_written(
    api, roles, active, text, call
):
    caller = UserFactory(login="caller", roles=roles, active=active)
    GroupFactory(name="Sales")
    before = snapshot()
    with events.capture() as published:
        answer = api.post(
            f"/helpdesk/api/{call}/",
            {"user": "caller", "password": PASSWORD, "username": "caller"},
        )
    assert answer.status_code == 403
    assert answer.content.decode() == text
    assert snapshot() == before
    assert published == []
    assert User.objects.get(pk=caller.pk).login_failed == 0


def test_an_unknown_method_is_404_after_the_credentials(api, agent):
    answer = api.post("/helpdesk/api/close_ticket/", {"user": "susan", "password": PASSWORD})
    assert answer.status_code == 404
    assert answer.content.decode() == (
        "Unknown method 'close_ticket'; this API has: add_followup, create_ticket, "
        "delete_ticket, find_user, hold_ticket, list_queues, resolve, unhold_ticket"
    )
    refused = api.post("/helpdesk/api/close_ticket/", {"user": "susan", "password": "nope"})
    assert (refused.status_code, refused.content) == (403, b"Invalid username or password")


def test_the_email_address_also_logs_in_and_user_wins_over_username(api, agent):
    UserFactory(login="jblogs")
    answer = api.post(
        "/helpdesk/api/find_user/",
        {"user": "susan@example.com", "password": PASSWORD, "username": "jblogs"},
    )
    assert answer.status_code == 200
    assert answer.content.decode() == str(User.objects.get(login="jblogs").pk)


def test_find_user_finds_disabled_users_too(api, agent):
    gone = UserFactory(login="gone", active=False)
    answer = api.post(
        "/helpdesk/api/find_user/", {"user": "susan", "password": PASSWORD, "username": "gone"}
    )
    assert (answer.status_code, answer.content.decode()) == (200, str(gone.pk))


def test_list_queues_is_every_group_by_name_ids_as_strings_non_ascii_escaped(api, agent):
    second = GroupFactory(name="Été")
    first = GroupFactory(name="Accounts")
    Group.objects.filter(pk=first.pk).update(active=False)
    answer = api.post("/helpdesk/api/list_queues/", {"user": "susan", "password": PASSWORD})
    assert answer.status_code == 200
    assert answer["Content-Type"] == "text/json; charset=utf-8"
    assert answer.content.decode() == (
        f'[{{"id": "{first.pk}", "title": "Accounts"}}, '
        f'{{"id": "{second.pk}", "title": "\\u00c9t\\u00e9"}}]'
    )


def test_list_queues_with_no_groups_is_an_empty_list(api, agent):
    answer = api.post("/helpdesk/api/list_queues/", {"user": "susan", "password": PASSWORD})
    assert (answer.status_code, answer.content) == (200, b"[]")
