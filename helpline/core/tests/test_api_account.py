"""NodePoint's special account ``api``: made on migrate/serve, never signs in with a
password, keeps its login, is never deleted, and is no person in user lists."""

from __future__ import annotations

import pytest

from helpline import cli
from helpline.api.tests.conftest import Api, basic
from helpline.core.models import User
from helpline.core.services import users as user_services
from helpline.core.services.accounts import ensure_api_user
from helpline.lib.actor import Actor
from helpline.lib.errors import Conflict
from helpline.testing.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin():
    return UserFactory(login="admin1", roles=["Admin"])


def test_migrate_makes_it_once(capsys):
    assert not User.objects.filter(login="api").exists()
    assert cli.main(["migrate"]) == 0
    api = User.objects.get(login="api")
    assert (api.active, api.has_usable_password(), list(api.roles.all())) == (True, False, [])
    assert cli.main(["migrate"]) == 0
    assert ensure_api_user().pk == api.pk
    assert User.objects.filter(login__iexact="api").count() == 1


def test_it_cannot_sign_in_with_a_password(admin):
    api = ensure_api_user()
    # even a password written straight into the row does not open it
    api.set_password("correct horse")
    api.save()
    assert user_services.check_credentials("api", "correct horse") is None
    status, body = Api(basic("api", "correct horse")).get("/users/me")
    assert (status, body["code"]) == (401, "auth.bad_credentials")


def test_nobody_sets_its_password_or_login(admin):
    api = ensure_api_user()
    actor = Actor.for_user(admin)
    for field, value in (("password", "another secret"), ("login", "robot")):
        with pytest.raises(Conflict) as refused:
            user_services.update_user(actor, api.pk, **{field: value})
        assert (refused.value.code, refused.value.field) == ("user.special_account", field)
    api.refresh_from_db()
    assert (api.login, api.has_usable_password()) == ("api", False)
    # other fields change as for anyone (an administrator may disable it)
    user_services.update_user(actor, api.pk, active=False)
    assert User.objects.get(pk=api.pk).active is False


def test_it_cannot_be_deleted(admin):
    api = ensure_api_user()
    with pytest.raises(Conflict) as refused:
        user_services.delete_user(Actor.for_user(admin), api.pk)
    assert refused.value.code == "user.special_account"
    status, body = Api(basic("admin1")).delete(f"/users/{api.pk}")
    assert (status, body["code"]) == (409, "user.special_account")
    assert User.objects.filter(pk=api.pk).exists()


def test_it_is_not_registered_nor_listed_as_a_person(admin):
    api = ensure_api_user()
    as_admin = Api(basic("admin1"))
    assert [u["login"] for u in as_admin.get("/users")[1]] == ["admin1"]
    assert [u["login"] for u in as_admin.get("/users/search?query=api")[1]] == []
    status, shown = as_admin.get(f"/users/{api.pk}")
    assert (status, shown["login"]) == (200, "api")
    status, body = as_admin.post("/users", {"login": "API", "email": "x@example.com"})
    assert (status, body["code"]) == (409, "user.login_taken")
    assert User.objects.filter(login__iexact="api").count() == 1
