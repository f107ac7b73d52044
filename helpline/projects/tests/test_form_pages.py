"""The custom form pages: refused without ``project.manage``, a create / edit / assign /
delete round trip visible in the list, field errors on the row they name with nothing
written, and a list whose query count does not grow with its rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from helpline.core.services import settings as runtime
from helpline.lib.actor import Actor
from helpline.projects.models import CustomForm, Project
from helpline.projects.services import forms
from helpline.testing.factories import UserFactory

pytestmark = pytest.mark.django_db

ONE = [{"label": "Browser", "type": "text"}]


@pytest.fixture
def manager_client(client):
    client.force_login(UserFactory(login="pm", roles=["Level 4 - Projects management"]))
    return client


def messages_of(response):
    return [str(m) for m in response.context["messages"]]


def rows(*fields):
    data = {}
    for i, (label, kind, *rest) in enumerate(fields):
        data[f"field_{i}_label"] = label
        data[f"field_{i}_type"] = kind
        if rest and rest[0]:
            data[f"field_{i}_options"] = rest[0]
        if len(rest) > 1 and rest[1]:
            data[f"field_{i}_required"] = "on"
    for i in range(len(fields), 10):
        data[f"field_{i}_type"] = "text"
    return data


def test_the_pages_need_project_manage(client):
    form = forms.create_custom_form(Actor.system(), name="Bugs", fields=ONE)
    shop = Project.objects.create(name="Web shop")
    client.force_login(UserFactory(login="cust", roles=["Customer"]))
    for url in ("/admin/forms/", "/admin/forms/new/", f"/admin/forms/{form.pk}/"):
        assert client.get(url).status_code == 403, url
    assert client.post("/admin/forms/new/", {"name": "X", **rows(("A", "text"))}).status_code == 403
    assert client.post(f"/admin/forms/{form.pk}/delete/").status_code == 403
    response = client.post("/admin/forms/assign/", {"project": shop.pk, "form": form.pk})
    assert response.status_code == 403
    assert list(CustomForm.objects.values_list("name", flat=True)) == ["Bugs"]
    assert Project.objects.get(pk=shop.pk).custom_form is None
    assert 'href="/admin/"' not in client.get("/").content.decode()


def test_a_form_of_every_type_is_built_assigned_changed_and_deleted(manager_client):
    shop = Project.objects.create(name="Web shop")
    response = manager_client.post(
        "/admin/forms/new/",
        {
            "name": "Bug report",
            "active": "on",
            **rows(
                ("Summary", "text", "", True),
                ("Steps", "textarea"),
                ("Agree", "checkbox"),
                ("Link", "url"),
                ("Browser", "select", "Firefox\nChrome\n"),
                ("Satisfaction", "rating"),
                ("Seen on", "date"),
                ("Item", "item"),
            ),
        },
        follow=True,
    )
    assert messages_of(response) == ["The form Bug report is saved."]
    made = CustomForm.objects.get(name="Bug report")
    assert [(f["name"], f["type"], f["required"]) for f in made.fields][:2] == [
        ("summary", "text", True),
        ("steps", "textarea", False),
    ]
    assert [f["type"] for f in made.fields] == [
        "text", "textarea", "checkbox", "url", "select", "rating", "date", "item",
    ]  # fmt: skip
    assert made.fields[4]["options"] == ["Firefox", "Chrome"]
    html = response.content.decode()
    assert f'href="/admin/forms/{made.pk}/">Bug report</a>' in html
    assert "Satisfaction (Satisfaction (1 to 5))" in html

    response = manager_client.post(
        "/admin/forms/assign/", {"project": shop.pk, "form": made.pk}, follow=True
    )
    assert messages_of(response) == ["The project Web shop is saved."]
    assert Project.objects.get(pk=shop.pk).custom_form == made
    assert "<td>Web shop</td>" in response.content.decode()

    page = manager_client.get(f"/admin/forms/{made.pk}/").content.decode()
    assert 'name="field_0_name" value="summary"' in page
    response = manager_client.post(
        f"/admin/forms/{made.pk}/",
        {
            "name": "Bugs",
            "active": "on",
            "field_0_name": "summary",
            **{k: v for k, v in rows(("Short summary", "text")).items() if k != "field_0_name"},
        },
        follow=True,
    )
    made.refresh_from_db()
    assert made.name == "Bugs"
    assert made.fields == [
        {"name": "summary", "label": "Short summary", "type": "text", "required": False,
         "options": []}
    ]  # fmt: skip

    response = manager_client.post(f"/admin/forms/{made.pk}/delete/", follow=True)
    assert messages_of(response) == ["The form is deleted; its projects use the default form."]
    assert not CustomForm.objects.exists()
    assert Project.objects.get(pk=shop.pk).custom_form is None
    assert "No custom forms yet." in response.content.decode()


def test_field_errors_land_on_their_row_and_write_nothing(manager_client):
    forms.create_custom_form(Actor.system(), name="Taken", fields=ONE)
    runtime.update_setting(Actor.system(), "site.components", [])  # no clients component
    cases = [
        ({"name": "taken", **rows(("A", "text"))}, "name"),
        ({"name": "X", **rows()}, "field_0_label"),
        ({"name": "X", **rows(("A", "text"), ("", "text"), ("Pick", "select"))}, "field_2_options"),
        ({"name": "X", **rows(("A", "text"), ("B", "checkbox", "yes"))}, "field_1_options"),
        ({"name": "X", **rows(("A", "client"))}, "field_0_type"),
        ({"name": "X", **rows(("A", "nonsense"))}, "field_0_type"),
    ]
    for data, field in cases:
        response = manager_client.post("/admin/forms/new/", data)
        assert response.status_code == 200, data
        assert list(response.context["form"].errors) == [field], response.context["form"].errors
        assert 'class="invalid-feedback d-block"' in response.content.decode()
    assert list(CustomForm.objects.values_list("name", flat=True)) == ["Taken"]


def test_french_page(manager_client):
    manager_client.cookies["django_language"] = "fr"
    html = manager_client.get("/admin/forms/new/").content.decode()
    assert "Nouveau formulaire" in html
    assert "Satisfaction (1 à 5)" in html


def test_list_query_count_does_not_grow(manager_client):
    def count():
        with CaptureQueriesContext(connection) as queries:
            assert manager_client.get("/admin/forms/").status_code == 200
        return len(queries)

    forms.create_custom_form(Actor.system(), name="F", fields=ONE)
    few = count()
    for i in range(10):
        made = forms.create_custom_form(Actor.system(), name=f"F{i}", fields=ONE * 1)
        Project.objects.create(name=f"P{i}", custom_form=made)
    assert count() == few <= 8
