import pytest

from helpline.core.models import Organization
from helpline.core.services import settings as runtime
from helpline.lib.actor import Actor
from helpline.lib.errors import Conflict, Invalid, NotFound, PermissionDenied
from helpline.projects.models import CustomForm, Project
from helpline.projects.services import forms
from helpline.testing.factories import OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db

ALL_TYPES = [
    {"label": "Summary line", "type": "text"},
    {"label": "Steps", "type": "textarea", "required": True},
    {"label": "Agree", "type": "checkbox"},
    {"label": "Link", "type": "url"},
    {"name": "browser", "label": "Browser", "type": "select", "options": ["Firefox", "Chrome"]},
    {"label": "Satisfaction", "type": "rating"},
    {"label": "Seen on", "type": "date"},
    {"label": "Client", "type": "client"},
    {"label": "Item", "type": "item"},
]


@pytest.fixture
def manager():
    return Actor.for_user(UserFactory(login="pm", roles=["Level 4 - Projects management"]))


def one(kind, required=False, **extra):
    return [{"name": "f", "label": "F", "type": kind, "required": required, **extra}]


def set_components(*names):
    runtime.update_setting(Actor.system(), "site.components", list(names))


def form_rows():
    return list(CustomForm.objects.values_list("name", "fields", "active"))


# --- managing forms ------------------------------------------------------------------------


def test_create_normalises_the_fields(manager):
    form = forms.create_custom_form(manager, name=" Bug report ", fields=ALL_TYPES)
    assert form.name == "Bug report"
    assert form.active is True
    assert form.created_by == manager.user
    assert form.fields == [
        {"name": "summary_line", "label": "Summary line", "type": "text", "required": False,
         "options": []},
        {"name": "steps", "label": "Steps", "type": "textarea", "required": True, "options": []},
        {"name": "agree", "label": "Agree", "type": "checkbox", "required": False, "options": []},
        {"name": "link", "label": "Link", "type": "url", "required": False, "options": []},
        {"name": "browser", "label": "Browser", "type": "select", "required": False,
         "options": ["Firefox", "Chrome"]},
        {"name": "satisfaction", "label": "Satisfaction", "type": "rating", "required": False,
         "options": []},
        {"name": "seen_on", "label": "Seen on", "type": "date", "required": False, "options": []},
        {"name": "client", "label": "Client", "type": "client", "required": False, "options": []},
        {"name": "item", "label": "Item", "type": "item", "required": False, "options": []},
    ]  # fmt: skip


def test_derived_names_stay_unique_and_valid(manager):
    form = forms.create_custom_form(
        manager,
        name="Names",
        fields=[
            {"label": "Version", "type": "text"},
            {"label": "version", "type": "text"},
            {"label": "2nd try", "type": "text"},
            {"label": "???", "type": "text"},
        ],
    )
    assert [f["name"] for f in form.fields] == ["version", "version_2", "f_2nd_try", "field_4"]


def test_ten_fields_at_most(manager):
    ten = [{"label": f"Field {i}", "type": "text"} for i in range(10)]
    assert len(forms.create_custom_form(manager, name="Ten", fields=ten).fields) == 10
    with pytest.raises(Invalid) as info:
        forms.create_custom_form(
            manager, name="Eleven", fields=[*ten, {"label": "X", "type": "text"}]
        )
    assert (info.value.field, info.value.code) == ("fields", "form.too_many_fields")
    assert [r[0] for r in form_rows()] == ["Ten"]


@pytest.mark.parametrize(
    ("name", "fields", "field", "code"),
    [
        ("", ALL_TYPES, "name", "form.name_missing"),
        ("x" * 151, ALL_TYPES, "name", "form.name_too_long"),
        ("Empty", [], "fields", "form.fields_missing"),
        ("Bad", "text", "fields", "form.fields_missing"),
        ("Bad", ["text"], "fields[0]", "form.field_invalid"),
        ("Bad", [{"label": "A", "type": "text", "colour": "red"}], "fields[0].colour",
         "form.field_invalid"),
        ("Bad", [{"type": "text"}], "fields[0].label", "form.label_missing"),
        ("Bad", [{"label": "L" * 101, "type": "text"}], "fields[0].label", "form.label_too_long"),
        ("Bad", [{"label": "A", "type": "signature"}], "fields[0].type", "form.field_type_unknown"),
        ("Bad", [{"label": "A", "type": "text", "required": "yes"}], "fields[0].required",
         "form.required_invalid"),
        ("Bad", [{"name": "Bad Name", "label": "A", "type": "text"}], "fields[0].name",
         "form.field_name_invalid"),
        ("Bad", [{"name": "a", "label": "A", "type": "text"},
                 {"name": "a", "label": "B", "type": "text"}], "fields[1].name",
         "form.field_name_taken"),
        ("Bad", [{"label": "A", "type": "select"}], "fields[0].options", "form.options_missing"),
        ("Bad", [{"label": "A", "type": "select", "options": ["x", "x"]}], "fields[0].options",
         "form.options_invalid"),
        ("Bad", [{"label": "A", "type": "select", "options": [1]}], "fields[0].options",
         "form.options_invalid"),
        ("Bad", [{"label": "A", "type": "text", "options": ["x"]}], "fields[0].options",
         "form.options_invalid"),
    ],
)  # fmt: skip
def test_bad_forms_name_the_field_and_write_nothing(manager, name, fields, field, code):
    with pytest.raises(Invalid) as info:
        forms.create_custom_form(manager, name=name, fields=fields)
    assert (info.value.field, info.value.code) == (field, code)
    assert form_rows() == []


def test_client_fields_need_the_clients_component(manager):
    set_components("tickets", "kb")
    with pytest.raises(Invalid) as info:
        forms.create_custom_form(manager, name="Crm", fields=ALL_TYPES)
    assert (info.value.field, info.value.code) == ("fields[7].type", "form.clients_disabled")
    assert form_rows() == []
    set_components("tickets", "clients")
    assert forms.create_custom_form(manager, name="Crm", fields=ALL_TYPES).name == "Crm"


def test_names_are_unique_in_any_case(manager):
    forms.create_custom_form(manager, name="Bug report", fields=one("text"))
    with pytest.raises(Conflict) as info:
        forms.create_custom_form(manager, name="BUG REPORT", fields=one("text"))
    assert (info.value.field, info.value.code) == ("name", "form.name_taken")
    other = forms.create_custom_form(manager, name="Other", fields=one("text"))
    with pytest.raises(Conflict):
        forms.update_custom_form(manager, other.pk, name="bug Report")
    assert sorted(r[0] for r in form_rows()) == ["Bug report", "Other"]


def test_update_replaces_fields_and_a_refused_update_changes_nothing(manager):
    form = forms.create_custom_form(manager, name="Bugs", fields=one("text"))
    updated = forms.update_custom_form(
        manager, form.pk, name="Defects", fields=one("rating", required=True), active=False
    )
    assert (updated.name, updated.active) == ("Defects", False)
    assert updated.fields == [
        {"name": "f", "label": "F", "type": "rating", "required": True, "options": []}
    ]
    before = form_rows()
    with pytest.raises(Invalid) as info:
        forms.update_custom_form(manager, form.pk, name="Renamed", fields=[])
    assert info.value.code == "form.fields_missing"
    assert form_rows() == before
    with pytest.raises(NotFound) as info:
        forms.update_custom_form(manager, 98765, name="X")
    assert info.value.code == "form.not_found"


def test_assign_and_unassign_a_form_and_delete_falls_back_to_the_default(manager):
    project = Project.objects.create(name="Web shop")
    form = forms.create_custom_form(manager, name="Bugs", fields=one("text"))
    assert forms.assign_custom_form(manager, project.pk, form.pk).custom_form == form
    project.refresh_from_db()
    assert forms.form_for_project(project) == form
    forms.update_custom_form(manager, form.pk, active=False)
    project.refresh_from_db()
    assert forms.form_for_project(project) is None
    with pytest.raises(Invalid) as info:
        forms.assign_custom_form(manager, project.pk, form.pk)
    assert (info.value.field, info.value.code) == ("custom_form_id", "form.inactive")
    forms.update_custom_form(manager, form.pk, active=True)
    assert forms.assign_custom_form(manager, project.pk, None).custom_form is None
    forms.assign_custom_form(manager, project.pk, form.pk)
    forms.delete_custom_form(manager, form.pk)
    project.refresh_from_db()
    assert project.custom_form is None
    assert form_rows() == []
    with pytest.raises(NotFound) as info:
        forms.assign_custom_form(manager, 98765, None)
    assert info.value.code == "project.not_found"
    with pytest.raises(NotFound) as info:
        forms.assign_custom_form(manager, project.pk, 98765)
    assert info.value.code == "form.not_found"


@pytest.mark.parametrize(
    "roles",
    [["Level 3 - Tickets management"], ["Agent"], ["Customer"], None],
    ids=["level3", "agent", "customer", "guest"],
)
def test_only_level_4_and_up_manage_forms(manager, roles):
    actor = Actor.guest() if roles is None else Actor.for_user(UserFactory(roles=roles))
    project = Project.objects.create(name="Web shop")
    form = forms.create_custom_form(manager, name="Bugs", fields=one("text"))
    forms.assign_custom_form(manager, project.pk, form.pk)
    before = form_rows()
    for call in (
        lambda: forms.create_custom_form(actor, name="Mine", fields=one("text")),
        lambda: forms.update_custom_form(actor, form.pk, name="Mine"),
        lambda: forms.delete_custom_form(actor, form.pk),
        lambda: forms.assign_custom_form(actor, project.pk, None),
    ):
        with pytest.raises(PermissionDenied) as info:
            call()
        assert info.value.code == "permission.missing"
    assert form_rows() == before
    project.refresh_from_db()
    assert project.custom_form == form


def test_nodepoint_admins_manage_forms():
    actor = Actor.for_user(UserFactory(roles=["Level 6 - NodePoint Admin"]))
    assert forms.create_custom_form(actor, name="Bugs", fields=one("text")).name == "Bugs"


# --- filing a ticket with a form -----------------------------------------------------------


FORM_VALUE_CASES = [
    # type, extra definition, good value, stored, bad value, error code
    ("text", {}, " hello ", "hello", ["x"], "form.not_text"),
    ("text", {}, 12, "12", "x" * 1001, "form.too_long"),
    ("textarea", {}, "line 1\nline 2", "line 1\nline 2", "x" * 10001, "form.too_long"),
    ("url", {}, "https://example.com/a?b=1", "https://example.com/a?b=1", "example.com",
     "form.url_invalid"),
    ("url", {}, "http://intranet.local/x", "http://intranet.local/x", "javascript:alert(1)",
     "form.url_invalid"),
    ("checkbox", {}, "on", True, "maybe", "form.checkbox_invalid"),
    ("checkbox", {}, "no", False, 7, "form.checkbox_invalid"),
    ("select", {"options": ["Firefox", "Chrome"]}, "Chrome", "Chrome", "Edge",
     "form.option_invalid"),
    ("rating", {}, "5", 5, 6, "form.rating_invalid"),
    ("rating", {}, 1, 1, 0, "form.rating_invalid"),
    ("rating", {}, 3, 3, "three", "form.rating_invalid"),
    ("date", {}, "2024-02-29", "2024-02-29", "2023-02-29", "form.date_invalid"),
    ("date", {}, "2024-02-29", "2024-02-29", "29/02/2024", "form.date_invalid"),
    ("item", {}, "12", 12, -3, "form.item_invalid"),
    ("item", {}, 7, 7, "laptop", "form.item_invalid"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("kind", "extra", "good", "stored", "bad", "code"),
    FORM_VALUE_CASES,
    ids=[f"{c[0]}-{i}" for i, c in enumerate(FORM_VALUE_CASES)],
)
def test_form_values_per_field_type(manager, kind, extra, good, stored, bad, code):
    form = forms.create_custom_form(manager, name="F", fields=one(kind, **extra))
    assert forms.clean_form_values(form, {"f": good}) == {"f": stored}
    with pytest.raises(Invalid) as info:
        forms.clean_form_values(form, {"f": bad})
    assert (info.value.field, info.value.code) == ("f", code)


def test_required_fields_and_blank_optional_ones(manager):
    form = forms.create_custom_form(
        manager,
        name="F",
        fields=[
            {"name": "steps", "label": "Steps", "type": "textarea", "required": True},
            {"name": "agree", "label": "Agree", "type": "checkbox", "required": True},
            {"name": "note", "label": "Note", "type": "text"},
            {"name": "ok", "label": "OK", "type": "checkbox"},
        ],
    )
    assert forms.clean_form_values(form, {"steps": "1. open", "agree": True, "note": "  "}) == {
        "steps": "1. open",
        "agree": True,
        "ok": False,
    }
    for values, field in [
        ({"agree": True}, "steps"),
        ({"steps": "   ", "agree": True}, "steps"),
        ({"steps": "x"}, "agree"),
        ({"steps": "x", "agree": "off"}, "agree"),
    ]:
        with pytest.raises(Invalid) as info:
            forms.clean_form_values(form, values)
        assert (info.value.field, info.value.code) == (field, "form.field_required")
    with pytest.raises(Invalid) as info:
        forms.clean_form_values(form, {"steps": "x", "agree": True, "colour": "red"})
    assert (info.value.field, info.value.code) == ("colour", "form.field_unknown")
    with pytest.raises(Invalid) as info:
        forms.clean_form_values(form, ["steps"])
    assert (info.value.field, info.value.code) == ("form", "form.values_invalid")


def test_client_fields_take_an_open_client_while_the_component_is_on(manager):
    form = forms.create_custom_form(
        manager, name="Crm", fields=[{"name": "client", "label": "Client", "type": "client",
                                      "required": True}]
    )  # fmt: skip
    paying = OrganizationFactory(name="Paying", status=Organization.Status.PAID)
    closed = OrganizationFactory(name="Gone", status=Organization.Status.CLOSED)
    assert forms.clean_form_values(form, {"client": str(paying.pk)}) == {"client": paying.pk}
    missing = Organization.objects.order_by("-pk").first().pk + 1
    for value, code in [
        (closed.pk, "form.client_closed"),
        (missing, "form.client_unknown"),
        ("acme", "form.client_invalid"),
        (None, "form.field_required"),
    ]:
        with pytest.raises(Invalid) as info:
            forms.clean_form_values(form, {"client": value})
        assert (info.value.field, info.value.code) == ("client", code)
    set_components("tickets")
    assert forms.clean_form_values(form, {}) == {}
    with pytest.raises(Invalid) as info:
        forms.clean_form_values(form, {"client": paying.pk})
    assert (info.value.field, info.value.code) == ("client", "form.clients_disabled")


# --- the default form's custom field -------------------------------------------------------


def configure(name, kind):
    runtime.update_setting(Actor.system(), "tickets.custom_field_name", name)
    runtime.update_setting(Actor.system(), "tickets.custom_field_type", kind)


def test_without_a_custom_field_the_value_is_dropped():
    assert forms.clean_custom_field("related: #12") == ""


@pytest.mark.parametrize(
    ("kind", "value", "stored"),
    [
        ("text", "  related: #12 ", "related: #12"),
        ("text", None, ""),
        ("text", 42, "42"),
        ("url", "https://example.com/issue/1", "https://example.com/issue/1"),
        ("url", "", ""),
        ("checkbox", True, "yes"),
        ("checkbox", "on", "yes"),
        ("checkbox", "no", "no"),
        ("checkbox", None, "no"),
    ],
)
def test_custom_field_follows_its_type(kind, value, stored):
    configure("Related", kind)
    assert forms.clean_custom_field(value) == stored


@pytest.mark.parametrize(
    ("kind", "value", "code"),
    [
        ("text", "x" * 1001, "ticket.custom_field_too_long"),
        ("text", ["x"], "ticket.custom_field_invalid"),
        ("url", "not a link", "ticket.custom_field_invalid"),
        ("url", "ftp://example.com", "ticket.custom_field_invalid"),
        ("checkbox", "perhaps", "ticket.custom_field_invalid"),
    ],
)
def test_bad_custom_field_values(kind, value, code):
    configure("Related", kind)
    with pytest.raises(Invalid) as info:
        forms.clean_custom_field(value)
    assert (info.value.field, info.value.code) == ("custom_field", code)
