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


TREE_TEXT = "Hardware\n  Laptop\n  Printer::Toner\n    Black\nSoftware\n\n"
TREE = [
    {
        "name": "Hardware",
        "value": "Hardware",
        "children": [
            {"name": "Laptop", "value": "Hardware::Laptop"},
            {
                "name": "Printer",
                "value": "Hardware::Printer",
                "children": [
                    {
                        "name": "Toner",
                        "value": "Hardware::Printer::Toner",
                        "children": [{"name": "Black", "value": "Hardware::Printer::Toner::Black"}],
                    }
                ],
            },
        ],
    },
    {"name": "Software", "value": "Software"},
]


def new_field(admin_client, **data):
    base = {"object": "Ticket", "display": "Field", "position": "1550", "active": "on"}
    return admin_client.post("/admin/attributes/new/", {**base, **data}, follow=True)


def test_a_tree_field_is_made_from_indented_lines_and_paths(admin_client):
    response = new_field(
        admin_client,
        name="device",
        display="Device",
        data_type="tree_select",
        options=TREE_TEXT,
        default="Hardware::Laptop",
    )
    assert messages_of(response) == [
        "Device is saved; it takes effect when the migrations are executed."
    ]
    made = ObjectAttribute.objects.get(object="Ticket", name="device")
    assert made.data_type == "tree_select"
    assert made.data_option["options"] == TREE
    assert (made.data_option["default"], made.data_option["relation"]) == ("Hardware::Laptop", "")
    form = admin_client.get(f"/admin/attributes/{made.pk}/").content.decode()
    assert "Hardware\n  Laptop\n  Printer\n    Toner\n      Black\nSoftware</textarea>" in form
    assert '<option value="tree_select" selected>Tree selection</option>' in form

    response = new_field(
        admin_client,
        name="areas",
        data_type="multi_tree_select",
        options="Network::VPN\nNetwork::Wifi\nPhones",
        default="Network::VPN, Phones",
    )
    areas = ObjectAttribute.objects.get(name="areas")
    assert areas.data_option["options"] == [
        {
            "name": "Network",
            "value": "Network",
            "children": [
                {"name": "VPN", "value": "Network::VPN"},
                {"name": "Wifi", "value": "Network::Wifi"},
            ],
        },
        {"name": "Phones", "value": "Phones"},
    ]
    assert (areas.data_option["default"], areas.data_option["multiple"]) == (
        ["Network::VPN", "Phones"],
        True,
    )


def test_a_tree_edit_keeps_the_values_of_the_options(admin_client):
    made = attributes.create_attribute(
        Actor.system(),
        object="Ticket",
        name="device",
        data_type="tree_select",
        data_option={"options": [{"name": "Hardware", "value": "hw", "children": [
            {"name": "Laptop", "value": "hw-laptop"}]}]},
    )  # fmt: skip
    attributes.execute_attribute_migrations(Actor.system())
    form = admin_client.get(f"/admin/attributes/{made.pk}/").content.decode()
    assert "Hardware\n  Laptop</textarea>" in form
    admin_client.post(
        f"/admin/attributes/{made.pk}/",
        {"display": "Device", "data_type": "tree_select", "position": "1550", "active": "on",
         "options": "Hardware\n  Laptop\n  Desktop"},
    )  # fmt: skip
    made.refresh_from_db()
    assert made.data_option_new["options"] == [
        {
            "name": "Hardware",
            "value": "hw",
            "children": [
                {"name": "Laptop", "value": "hw-laptop"},
                {"name": "Desktop", "value": "Hardware::Desktop"},
            ],
        }
    ]


def test_a_bad_tree_says_why_and_writes_nothing(admin_client):
    cases = [
        ("Hardware\n  Laptop\n  Laptop", "The tree option 'Hardware::Laptop' is repeated"),
        ("Hardware\nHardware", "The tree option 'Hardware' is repeated"),
        ("Hardware::\nSoftware", "Tree option names are not empty and hold no '::'"),
        ("", "A tree attribute needs its options"),
    ]
    for text, message in cases:
        response = new_field(admin_client, name="device", data_type="tree_select", options=text)
        form = response.context["form"]
        assert form.errors == {"options": [message]}, text
        assert f"<div>{message}</div>".replace("'", "&#x27;") in response.content.decode()
    response = new_field(
        admin_client, name="device", data_type="tree_select", options="A\n  B", default="B"
    )
    assert list(response.context["form"].errors) == ["default"]
    assert custom() == []


def test_user_and_organization_fields(admin_client):
    response = new_field(
        admin_client,
        name="approver",
        display="Approver",
        data_type="user_autocompletion",
        multiple="on",
        required="on",
    )
    assert messages_of(response) == [
        "Approver is saved; it takes effect when the migrations are executed."
    ]
    approver = ObjectAttribute.objects.get(name="approver")
    assert approver.data_type == "user_autocompletion"
    assert {k: approver.data_option[k] for k in ("relation", "multiple", "default", "null")} == {
        "relation": "User",
        "multiple": True,
        "default": None,
        "null": False,
    }
    new_field(
        admin_client,
        object="User",
        name="employer",
        display="Employer",
        data_type="autocompletion_ajax_customer_organization",
    )
    employer = ObjectAttribute.objects.get(object="User", name="employer")
    assert {k: employer.data_option[k] for k in ("relation", "multiple", "default", "null")} == {
        "relation": "Organization",
        "multiple": False,
        "default": None,
        "null": True,
    }
    form = admin_client.get(f"/admin/attributes/{approver.pk}/").content.decode()
    assert 'name="multiple" class="form-check-input" id="id_multiple" checked' in form
    # a relation made through the API with the general type stays editable here
    either = attributes.create_attribute(
        Actor.system(),
        object="Ticket",
        name="contact",
        data_type="autocompletion_ajax",
        data_option={"relation": "Organization"},
    )
    response = admin_client.post(
        f"/admin/attributes/{either.pk}/",
        {"name": "contact", "display": "Contact", "data_type": "autocompletion_ajax",
         "position": "1550", "active": "on", "multiple": "on"},
        follow=True,
    )  # fmt: skip
    either.refresh_from_db()
    assert (either.display, either.data_option["relation"], either.data_option["multiple"]) == (
        "Contact",
        "Organization",
        True,
    )


def test_french_tree_help(admin_client):
    admin_client.cookies["django_language"] = "fr"
    html = admin_client.get("/admin/attributes/new/").content.decode()
    assert "Sélection arborescente" in html
