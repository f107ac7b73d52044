"""The custom fields pages (Zammad's object manager): refused without ``admin.object``,
create / edit / delete with the execute-migrations step, field errors that write nothing,
and a list whose query count does not grow with its rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from helpline.core.models import ObjectAttribute
from helpline.core.services import attributes
from helpline.lib.actor import Actor
from helpline.testing.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(login="boss", roles=["Admin"]))
    return client


def messages_of(response):
    return [str(m) for m in response.context["messages"]]


def custom():
    return list(
        ObjectAttribute.objects.filter(editable=True).values_list("object", "name", "display")
    )


def test_the_pages_need_admin_object(client):
    made = attributes.create_attribute(
        Actor.system(), object="Ticket", name="product", data_type="input"
    )
    client.force_login(UserFactory(login="alice", roles=["Agent"]))
    for url in (
        "/admin/attributes/",
        "/admin/attributes/new/",
        f"/admin/attributes/{made.pk}/",
    ):
        assert client.get(url).status_code == 403, url
    for url in (
        "/admin/attributes/new/",
        "/admin/attributes/migrate/",
        "/admin/attributes/discard/",
        f"/admin/attributes/{made.pk}/delete/",
    ):
        assert (
            client.post(url, {"object": "Ticket", "name": "x", "display": "X"}).status_code == 403
        )
    assert custom() == [("Ticket", "product", "product")]
    assert ObjectAttribute.objects.get(pk=made.pk).to_create is True
    assert 'href="/admin/attributes/"' not in client.get("/admin/").content.decode()


def test_a_select_field_is_created_migrated_changed_and_deleted(admin_client):
    response = admin_client.post(
        "/admin/attributes/new/",
        {
            "object": "Ticket",
            "name": "Product",
            "display": "Product line",
            "data_type": "select",
            "options": "hw: Hardware\nsw: Software\nnet",
            "default": "sw",
            "required": "on",
            "active": "on",
            "position": "1600",
        },
        follow=True,
    )
    assert messages_of(response) == [
        "Product line is saved; it takes effect when the migrations are executed."
    ]
    made = ObjectAttribute.objects.get(object="Ticket", name="product")
    assert made.data_option["options"] == {"hw": "Hardware", "sw": "Software", "net": "net"}
    assert (made.data_option["default"], made.data_option["null"]) == ("sw", False)
    assert made.to_create is True
    html = response.content.decode()
    assert f'href="/admin/attributes/{made.pk}/">Product line</a>' in html
    assert "to be created" in html
    assert "1 change waits until the migrations are executed." in html

    response = admin_client.post(
        "/admin/attributes/migrate/", {"next": "/admin/attributes/?object=Ticket"}, follow=True
    )
    assert messages_of(response) == ["Migrations executed: 1 created, 0 changed, 0 deleted."]
    made.refresh_from_db()
    assert (made.to_create, made.pending) == (False, False)
    assert "Execute the migrations" not in response.content.decode()

    form = admin_client.get(f"/admin/attributes/{made.pk}/").content.decode()
    assert "hw: Hardware\nsw: Software\nnet: net" in form
    response = admin_client.post(
        f"/admin/attributes/{made.pk}/",
        {
            "name": "product",
            "display": "Product",
            "data_type": "select",
            "options": "hw: Hardware\nsw: Software",
            "default": "",
            "active": "on",
            "position": "1600",
        },
        follow=True,
    )
    made.refresh_from_db()
    assert made.display == "Product"
    assert made.data_option_new["options"] == {"hw": "Hardware", "sw": "Software"}
    assert made.data_option["options"]["net"] == "net"  # in force until the migrations run
    assert "changes pending" in response.content.decode()
    response = admin_client.post("/admin/attributes/migrate/", follow=True)
    assert messages_of(response) == ["Migrations executed: 0 created, 1 changed, 0 deleted."]
    made.refresh_from_db()
    assert made.data_option["options"] == {"hw": "Hardware", "sw": "Software"}

    response = admin_client.post(f"/admin/attributes/{made.pk}/delete/", follow=True)
    assert messages_of(response) == ["Product is deleted when the migrations are executed."]
    assert "to be deleted" in response.content.decode()
    admin_client.post("/admin/attributes/migrate/")
    assert custom() == []


def test_discard_forgets_a_new_field_and_an_unsaved_type_is_refused(admin_client):
    admin_client.post(
        "/admin/attributes/new/",
        {"object": "User", "name": "shoe_size", "display": "Shoe size", "data_type": "integer",
         "min": "20", "max": "50", "position": "1550", "active": "on"},
    )  # fmt: skip
    made = ObjectAttribute.objects.get(object="User", name="shoe_size")
    assert (made.data_option["min"], made.data_option["max"]) == (20, 50)
    html = admin_client.get("/admin/attributes/?object=User").content.decode()
    assert "Shoe size" in html
    response = admin_client.post("/admin/attributes/discard/", follow=True)
    assert messages_of(response) == ["1 pending changes are discarded."]
    assert custom() == []


def test_field_errors_write_nothing(admin_client):
    base = {
        "object": "Ticket",
        "name": "product",
        "display": "Product",
        "data_type": "input",
        "position": "1550",
        "active": "on",
    }
    cases = [
        ({"name": "Bad Name"}, "name"),
        ({"name": "title"}, "name"),
        ({"name": "owner_id"}, "name"),
        ({"display": ""}, "display"),
        ({"data_type": "select", "options": ""}, "options"),
        ({"data_type": "select", "options": "a\na"}, "options"),
        ({"data_type": "integer", "min": "10", "max": "5"}, "max"),
        ({"data_type": "integer", "default": "abc"}, "default"),
        ({"data_type": "tag"}, "data_type"),
    ]
    for change, field in cases:
        response = admin_client.post("/admin/attributes/new/", {**base, **change})
        assert response.status_code == 200, change
        assert list(response.context["form"].errors) == [field], (
            change,
            response.context["form"].errors,
        )
        assert 'class="invalid-feedback d-block"' in response.content.decode()
    assert custom() == []
    builtin = ObjectAttribute.objects.filter(editable=False, object="Ticket").first()
    html = admin_client.get(f"/admin/attributes/{builtin.pk}/").content.decode()
    assert "This field is built in and cannot be changed." in html
    assert admin_client.post(f"/admin/attributes/{builtin.pk}/", base).status_code == 404


def test_french_page(admin_client):
    admin_client.cookies["django_language"] = "fr"
    html = admin_client.get("/admin/attributes/").content.decode()
    assert "Champs personnalisés" in html


def test_list_query_count_does_not_grow(admin_client):
    def count():
        with CaptureQueriesContext(connection) as queries:
            assert admin_client.get("/admin/attributes/?object=Group").status_code == 200
        return len(queries)

    few = count()
    for i in range(10):
        attributes.create_attribute(
            Actor.system(), object="Group", name=f"extra_{i}", data_type="boolean"
        )
    assert count() == few <= 8
