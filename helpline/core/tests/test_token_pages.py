"""The personal access tokens page: own tokens only, a new token's secret shown once and
working at the API, field errors that make nothing, delete, and the permission gate."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from helpline.core.models import AccessToken, Role
from helpline.core.services import tokens
from helpline.lib import clock
from helpline.lib.actor import Actor
from helpline.testing.factories import UserFactory

pytestmark = pytest.mark.django_db
URL = "/accounts/settings/tokens/"


@pytest.fixture
def agent():
    return UserFactory(login="alice", roles=["Agent"])


def messages_of(response):
    return [str(m) for m in response.context["messages"]]


def test_a_token_is_made_shown_once_used_and_deleted(client, agent):
    client.force_login(agent)
    settings_page = client.get("/accounts/settings/").content.decode()
    assert f'href="{URL}"' in settings_page
    page = client.get(URL)
    offered = dict(page.context["form"].fields["permissions"].choices)
    assert "ticket.agent" in offered
    assert "admin" not in offered
    tomorrow = (clock.now() + dt.timedelta(days=30)).date()
    response = client.post(
        URL,
        {"label": "CI script", "permissions": ["ticket.agent"], "expires_at": tomorrow},
    )
    assert response["Location"] == URL  # a reload does not make a second token
    response = client.get(URL)
    assert "no-store" in response["Cache-Control"]
    plaintext = response.context["issued"].plaintext
    html = response.content.decode()
    assert f'value="{plaintext}"' in html
    assert "Copy it now: it is not shown again." in html
    made = AccessToken.objects.get(user=agent)
    assert (made.label, made.permissions) == ("CI script", ["ticket.agent"])
    assert made.expires_at.date() == tomorrow
    assert plaintext not in client.get(URL).content.decode()  # shown once

    api = client.__class__()
    answer = api.get("/api/v1/users/me", HTTP_AUTHORIZATION=f"Token token={plaintext}")
    assert answer.status_code == 200
    assert answer.json()["login"] == "alice"
    made.refresh_from_db()
    listed = client.get(URL).content.decode()
    assert "CI script" in listed
    assert made.prefix in listed
    assert made.last_used_at is not None

    response = client.post(f"{URL}{made.pk}/delete/", follow=True)
    assert messages_of(response) == ["The token is deleted; it no longer works."]
    assert not AccessToken.objects.exists()
    assert "You have no tokens." in response.content.decode()
    answer = api.get("/api/v1/users/me", HTTP_AUTHORIZATION=f"Token token={plaintext}")
    assert answer.status_code == 401


def test_field_errors_make_nothing(client, agent):
    client.force_login(agent)
    yesterday = (clock.now() - dt.timedelta(days=1)).date()
    cases = [
        ({"label": "", "permissions": ["ticket.agent"]}, "label"),
        ({"label": "x", "permissions": []}, "permissions"),
        ({"label": "x", "permissions": ["admin"]}, "permissions"),
        ({"label": "x", "permissions": ["ticket.agent"], "expires_at": yesterday}, "expires_at"),
        ({"label": "x", "permissions": ["ticket.agent"], "expires_at": "soon"}, "expires_at"),
    ]
    for data, field in cases:
        response = client.post(URL, data)
        assert response.status_code == 200, data
        assert list(response.context["form"].errors) == [field], data
        assert response.context["issued"] is None
        assert 'class="invalid-feedback d-block"' in response.content.decode()
    assert not AccessToken.objects.exists()
    response = client.post(URL, cases[3][0])
    assert "The expiry date must lie in the future." in response.content.decode()


def test_only_own_tokens_and_the_permission_gate(client, agent):
    other = UserFactory(login="bob", roles=["Agent"])
    theirs = tokens.create_token(Actor.for_user(other), label="Bob's", permissions=["ticket.agent"])
    client.force_login(agent)
    assert "Bob&#x27;s" not in client.get(URL).content.decode()
    assert client.post(f"{URL}{theirs.token.pk}/delete/").status_code == 404
    assert AccessToken.objects.filter(pk=theirs.token.pk).exists()

    no_tokens = Role.objects.create(name="Readers only")
    stranger = UserFactory(login="carol", roles=[no_tokens.name])
    client.force_login(stranger)
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"label": "x", "permissions": ["ticket.agent"]}).status_code == 403
    assert client.post(f"{URL}{theirs.token.pk}/delete/").status_code == 403
    assert f'href="{URL}"' not in client.get("/accounts/settings/").content.decode()
    assert AccessToken.objects.count() == 1
    client.logout()
    assert client.get(URL).status_code == 302


def test_french_page(client, agent):
    client.force_login(agent)
    client.cookies["django_language"] = "fr"
    assert "Jetons d\u2019accès personnels" in client.get(URL).content.decode()


def test_list_query_count_does_not_grow(client, agent):
    client.force_login(agent)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL).status_code == 200
        return len(queries)

    actor = Actor.for_user(agent)
    tokens.create_token(actor, label="t", permissions=["ticket.agent"])
    few = count()
    for i in range(10):
        tokens.create_token(actor, label=f"t{i}", permissions=["ticket.agent"])
    assert count() == few <= 12
