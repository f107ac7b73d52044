from datetime import timedelta

import pytest

from helpline.core.models import ObjectAttribute, Organization, User
from helpline.core.services import attributes as svc
from helpline.lib import clock
from helpline.lib.actor import Actor
from helpline.lib.errors import Conflict, Invalid, NotFound, PermissionDenied
from helpline.testing.factories import GroupFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db

SEED_PRODUCT_OPTIONS = {"wert1": "anzeige1", "wert2": "anzeige12"}


@pytest.fixture
def admin():
    return Actor.for_user(UserFactory(login="objadmin", roles=["Admin"]))


@pytest.fixture
def agent():
    return Actor.for_user(UserFactory(login="objagent", roles=["Agent"]))


@pytest.fixture
def customer():
    return Actor.for_user(UserFactory(login="objcustomer", roles=["Customer"]))


def make(admin, name="product", *, data_type="select", data_option=None, obj="Ticket", **kw):
    if data_option is None and data_type == "select":
        data_option = {"options": dict(SEED_PRODUCT_OPTIONS)}
    return svc.create_attribute(
        admin,
        object=obj,
        name=name,
        display=name.title(),
        data_type=data_type,
        data_option=data_option,
        **kw,
    )


def applied(admin, name="product", **kw):
    attribute = make(admin, name, **kw)
    svc.execute_attribute_migrations(admin)
    attribute.refresh_from_db()
    return attribute


def custom_rows():
    return list(
        ObjectAttribute.objects.filter(editable=True).values_list(
            "object", "name", "to_create", "to_config", "to_delete", "data_option"
        )
    )


def make_ticket(title="T", attributes=None):
    from helpline.tickets.models import Ticket, TicketCategory

    group = GroupFactory()
    category, _ = TicketCategory.objects.get_or_create(
        group=group, name="General", defaults={"is_default": True}
    )
    return Ticket.objects.create(
        number=f"N{Ticket.objects.count() + 1}-{title}",
        title=title,
        group=group,
        category=category,
        state_id=1,
        priority_id=2,
        attributes=attributes or {},
    )


# --- the list -----------------------------------------------------------------------------


def test_builtin_attributes_are_listed_read_only_as_zammad_lists_them(admin):
    ticket = svc.list_attributes(admin, object_type="Ticket")
    assert [a.name for a in ticket] == [
        "number", "title", "customer_id", "organization_id", "type", "group_id", "owner_id",
        "state_id", "pending_time", "priority_id", "tags",
    ]  # fmt: skip
    customer_id = next(a for a in ticket if a.name == "customer_id")
    assert customer_id.display == "Customer"
    assert customer_id.data_type == "user_autocompletion"
    assert customer_id.data_option == {
        "relation": "User",
        "autocapitalize": False,
        "multiple": False,
        "guess": True,
        "null": False,
        "limit": 200,
        "placeholder": "Enter Person or Organization/Company",
        "minLengt": 2,
        "translate": False,
        "permission": ["ticket.agent"],
    }
    assert customer_id.data_option_new == {}
    assert customer_id.editable is False
    assert customer_id.active is True
    assert customer_id.screens["create_top"] == {"-all-": {"null": False}}
    assert not customer_id.pending
    counts: dict[str, int] = {}
    for attribute in svc.list_attributes(admin):
        counts[attribute.object] = counts.get(attribute.object, 0) + 1
    assert counts == {"Ticket": 11, "User": 21, "Organization": 6, "Group": 8}


def test_get_returns_one_and_unknown_ids_are_not_found(admin):
    attribute = make(admin)
    assert svc.get_attribute(admin, attribute.pk) == attribute
    with pytest.raises(NotFound) as info:
        svc.get_attribute(admin, 987654)
    assert info.value.code == "attribute.not_found"


# --- permissions --------------------------------------------------------------------------


CALLS = {
    "list": lambda actor, a: svc.list_attributes(actor),
    "get": lambda actor, a: svc.get_attribute(actor, a.pk),
    "create": lambda actor, a: svc.create_attribute(
        actor, object="Ticket", name="other", display="Other", data_type="input"
    ),
    "update": lambda actor, a: svc.update_attribute(actor, a.pk, display="Changed"),
    "delete": lambda actor, a: svc.delete_attribute(actor, a.pk),
    "execute": lambda actor, a: svc.execute_attribute_migrations(actor),
    "discard": lambda actor, a: svc.discard_attribute_changes(actor),
}


@pytest.mark.parametrize("call", sorted(CALLS))
@pytest.mark.parametrize("persona", ["agent", "customer", "guest", "level5", "token"])
def test_only_object_admins_manage_attributes_and_refusals_change_nothing(
    admin, agent, customer, persona, call
):
    attribute = make(admin)
    actor = {
        "agent": agent,
        "customer": customer,
        "guest": Actor.guest(),
        "level5": Actor.for_user(UserFactory(roles=["Level 5 - Users management"])),
        "token": Actor.for_token(admin.user, frozenset({"ticket.agent"})),
    }[persona]
    before = custom_rows()
    with pytest.raises(PermissionDenied) as info:
        CALLS[call](actor, attribute)
    assert info.value.code == "permission.missing"
    assert custom_rows() == before


@pytest.mark.parametrize("role", ["Admin", "Level 6 - NodePoint Admin"])
def test_admins_and_nodepoint_level_6_may(role):
    actor = Actor.for_user(UserFactory(roles=[role]))
    attribute = make(actor)
    assert svc.get_attribute(actor, attribute.pk).name == "product"
    assert svc.execute_attribute_migrations(actor).created == ["Ticket.product"]


# --- definitions --------------------------------------------------------------------------


def test_create_fills_zammad_defaults_and_is_pending(admin):
    attribute = make(admin, active=True)
    assert attribute.object == "Ticket"
    assert attribute.name == "product"
    assert attribute.display == "Product"
    assert attribute.data_option == {
        "options": {"wert1": "anzeige1", "wert2": "anzeige12"},
        "default": "",
        "null": True,
        "relation": "",
        "nulloption": True,
        "maxlength": 255,
    }
    assert attribute.data_option_new == {}
    assert (attribute.editable, attribute.active, attribute.position) == (True, True, 1550)
    assert (
        attribute.to_create,
        attribute.to_migrate,
        attribute.to_delete,
        attribute.to_config,
    ) == (
        True,
        True,
        False,
        False,
    )
    assert attribute.screens == {}
    assert attribute.created_by == admin.user


def test_names_are_lower_cased(admin):
    assert make(admin, "Product").name == "product"


@pytest.mark.parametrize(
    ("kwargs", "field", "code"),
    [
        ({"name": "bad name"}, "name", "attribute.name_invalid"),
        ({"name": "1st"}, "name", "attribute.name_invalid"),
        ({"name": "x" * 61}, "name", "attribute.name_invalid"),
        ({"name": ""}, "name", "attribute.name_missing"),
        ({"name": "product_id"}, "name", "attribute.name_reserved"),
        ({"name": "labels_ids"}, "name", "attribute.name_reserved"),
        ({"name": "select"}, "name", "attribute.name_reserved"),
        ({"name": "title"}, "name", "attribute.name_reserved"),
        ({"name": "customer"}, "name", "attribute.name_reserved"),
        ({"name": "article"}, "name", "attribute.name_reserved"),
        ({"name": "attributes"}, "name", "attribute.name_reserved"),
        ({"name": "login", "obj": "User"}, "name", "attribute.name_reserved"),
        ({"name": "shared", "obj": "Organization"}, "name", "attribute.name_reserved"),
        ({"name": "members", "obj": "Group"}, "name", "attribute.name_reserved"),
        ({"obj": "Article"}, "object", "attribute.object_unknown"),
        ({"display": " "}, "display", "attribute.display_missing"),
        ({"data_type": "colour"}, "data_type", "attribute.data_type_unknown"),
        ({"data_type": "tag"}, "data_type", "attribute.data_type_unsupported"),
        ({"data_type": "richtext"}, "data_type", "attribute.data_type_unsupported"),
        ({"data_option": {}}, "data_option.options", "attribute.options_missing"),
        ({"data_option": {"options": []}}, "data_option.options", "attribute.options_missing"),
        (
            {"data_option": {"options": {"a": "A"}, "default": "b"}},
            "data_option.default",
            "attribute.default_invalid",
        ),
        (
            {"data_option": {"options": {"a": "A"}, "relation": "Group"}},
            "data_option.relation",
            "attribute.relation_invalid",
        ),
        ({"data_option": "options"}, "data_option", "attribute.data_option_invalid"),
        (
            {"data_option": {"options": {"a": "A"}, "null": "no"}},
            "data_option.null",
            "attribute.null_invalid",
        ),
        (
            {"data_type": "multiselect", "data_option": {"options": {"a": "A"}, "default": "a"}},
            "data_option.default",
            "attribute.default_invalid",
        ),
        (
            {"data_type": "input", "data_option": {"type": "colour"}},
            "data_option.type",
            "attribute.input_type_invalid",
        ),
        (
            {"data_type": "input", "data_option": {"maxlength": "long"}},
            "data_option.maxlength",
            "attribute.maxlength_invalid",
        ),
        (
            {"data_type": "input", "data_option": {"maxlength": 0}},
            "data_option.maxlength",
            "attribute.maxlength_invalid",
        ),
        (
            {"data_type": "input", "data_option": {"maxlength": 3, "default": "abcd"}},
            "data_option.default",
            "attribute.default_invalid",
        ),
        (
            {"data_type": "integer", "data_option": {"min": "low"}},
            "data_option.min",
            "attribute.min_invalid",
        ),
        (
            {"data_type": "integer", "data_option": {"min": 5, "max": 1}},
            "data_option.max",
            "attribute.max_invalid",
        ),
        (
            {"data_type": "integer", "data_option": {"max": 2_147_483_648}},
            "data_option.max",
            "attribute.max_invalid",
        ),
        (
            {"data_type": "integer", "data_option": {"min": 1, "max": 5, "default": 9}},
            "data_option.default",
            "attribute.default_invalid",
        ),
        (
            {"data_type": "boolean", "data_option": {"options": {"yes": "Yes"}}},
            "data_option.options",
            "attribute.options_invalid",
        ),
        (
            {"data_type": "date", "data_option": {"future": "sometimes"}},
            "data_option.future",
            "attribute.future_invalid",
        ),
        (
            {"data_type": "datetime", "data_option": {"diff": "soon"}},
            "data_option.diff",
            "attribute.diff_invalid",
        ),
        (
            {"data_type": "tree_select", "data_option": {"options": {"a": "A"}}},
            "data_option.options",
            "attribute.options_missing",
        ),
        (
            {"data_type": "tree_select", "data_option": {"options": [{"value": "a"}]}},
            "data_option.options",
            "attribute.options_invalid",
        ),
        (
            {
                "data_type": "tree_select",
                "data_option": {"options": [{"name": "a"}, {"name": "a"}]},
            },
            "data_option.options",
            "attribute.options_invalid",
        ),
        (
            {"data_type": "autocompletion_ajax", "data_option": {"relation": "Group"}},
            "data_option.relation",
            "attribute.relation_invalid",
        ),
        (
            {"data_type": "user_autocompletion", "data_option": {"default": 3}},
            "data_option.default",
            "attribute.default_invalid",
        ),
        ({"active": "yes"}, "active", "attribute.active_invalid"),
        ({"position": "first"}, "position", "attribute.position_invalid"),
        ({"screens": {"edit": True}}, "screens", "attribute.screens_invalid"),
    ],
)
def test_bad_definitions_name_the_field_and_write_nothing(admin, kwargs, field, code):
    kwargs = dict(kwargs)
    call = {
        "name": kwargs.pop("name", "product"),
        "data_type": kwargs.pop("data_type", "select"),
        "obj": kwargs.pop("obj", "Ticket"),
    }
    data_option = kwargs.pop("data_option", None)
    display = kwargs.pop("display", "Product")
    with pytest.raises(Invalid) as info:
        svc.create_attribute(
            admin,
            object=call["obj"],
            name=call["name"],
            display=display,
            data_type=call["data_type"],
            data_option=data_option
            if data_option is not None or call["data_type"] != "select"
            else {"options": {"a": "A"}},
            **kwargs,
        )
    assert (info.value.field, info.value.code) == (field, code)
    assert custom_rows() == []


def test_a_taken_name_conflicts(admin):
    make(admin)
    with pytest.raises(Conflict) as info:
        make(admin, "PRODUCT", data_type="input", data_option={})
    assert (info.value.code, info.value.field) == ("attribute.name_taken", "name")
    assert ObjectAttribute.objects.filter(name="product").count() == 1
    assert make(admin, "product", obj="User").object == "User"


@pytest.mark.parametrize(
    ("data_type", "data_option", "expected"),
    [
        ("input", {}, {"type": "text", "maxlength": 120, "default": "", "null": True}),
        ("textarea", {}, {"maxlength": 500, "rows": 4, "default": "", "null": True}),
        (
            "integer",
            {"min": 1, "max": "10"},
            {"min": 1, "max": 10, "default": None, "null": True},
        ),
        (
            "integer",
            {},
            {"min": -2_147_483_647, "max": 2_147_483_647, "default": None, "null": True},
        ),
        (
            "boolean",
            {"default": "true"},
            {"options": {"true": "yes", "false": "no"}, "default": True, "null": True},
        ),
        (
            "date",
            {"diff": 3},
            {"future": True, "past": True, "diff": 3, "default": None, "null": True},
        ),
        (
            "datetime",
            {"future": True, "past": False, "diff": 24, "null": False},
            {"future": True, "past": False, "diff": 24, "default": None, "null": False},
        ),
        (
            "multiselect",
            {"options": {"a": "A", "b": "B"}, "default": ["b"]},
            {
                "options": {"a": "A", "b": "B"},
                "default": ["b"],
                "null": True,
                "relation": "",
                "nulloption": True,
                "maxlength": 255,
                "multiple": True,
            },
        ),
        (
            "tree_select",
            {"options": [{"name": "a", "children": [{"name": "b"}]}], "default": "a::b"},
            {
                "options": [
                    {"name": "a", "value": "a", "children": [{"name": "b", "value": "a::b"}]}
                ],
                "default": "a::b",
                "null": True,
                "relation": "",
                "nulloption": True,
                "maxlength": 255,
            },
        ),
        (
            "user_autocompletion",
            {},
            {"relation": "User", "multiple": False, "default": None, "null": True},
        ),
        (
            "autocompletion_ajax",
            {"relation": "Organization", "multiple": True},
            {"relation": "Organization", "multiple": True, "default": None, "null": True},
        ),
        (
            "autocompletion_ajax_customer_organization",
            {},
            {"relation": "Organization", "multiple": False, "default": None, "null": True},
        ),
    ],
)
def test_each_data_type_gets_its_defaults(admin, data_type, data_option, expected):
    attribute = make(admin, "field", data_type=data_type, data_option=data_option)
    assert attribute.data_option == expected


# --- values, per data type ----------------------------------------------------------------

TOMORROW = (clock.now() + timedelta(days=1)).date().isoformat()
YESTERDAY = (clock.now() - timedelta(days=1)).date().isoformat()

VALUE_CASES = [
    # data type, data_option, good value, stored form, bad value, error code
    ("input", {"maxlength": 5}, "abc", "abc", "abcdef", "attribute.too_long"),
    ("input", {}, 42, "42", True, "attribute.not_text"),
    ("input", {}, "plain", "plain", {"a": 1}, "attribute.not_text"),
    ("input", {"type": "email"}, "a@example.com", "a@example.com", "nope",
     "attribute.email_invalid"),
    ("input", {"type": "url"}, "https://example.com/x", "https://example.com/x", "ftp://x.org",
     "attribute.url_invalid"),
    ("input", {"type": "tel"}, "+49 30 1234", "+49 30 1234", ["1"], "attribute.not_text"),
    ("textarea", {"maxlength": 10}, "two\nlines", "two\nlines", "x" * 11, "attribute.too_long"),
    ("select", {"options": {"a": "A", "1": "One"}}, "a", "a", "c", "attribute.option_invalid"),
    ("select", {"options": {"a": "A", "1": "One"}}, 1, "1", ["a"], "attribute.option_invalid"),
    ("multiselect", {"options": {"a": "A", "b": "B"}}, ["b", "a", "b"], ["b", "a"], "a",
     "attribute.not_list"),
    ("multiselect", {"options": {"a": "A", "b": "B"}}, ["a"], ["a"], ["a", "z"],
     "attribute.option_invalid"),
    ("boolean", {}, False, False, "yes", "attribute.not_boolean"),
    ("boolean", {}, "true", True, 1, "attribute.not_boolean"),
    ("integer", {"min": 1, "max": 10}, "7", 7, 11, "attribute.too_large"),
    ("integer", {"min": 1, "max": 10}, 1, 1, 0, "attribute.too_small"),
    ("integer", {}, -5, -5, 2.5, "attribute.not_integer"),
    ("integer", {}, 3.0, 3, True, "attribute.not_integer"),
    ("integer", {}, 3, 3, "three", "attribute.not_integer"),
    ("date", {}, "2024-02-29", "2024-02-29", "2024-02-30", "attribute.date_invalid"),
    ("date", {}, "2024-02-29", "2024-02-29", "20240229", "attribute.date_invalid"),
    ("date", {}, "2024-02-29", "2024-02-29", "2024-02-29T10:00:00Z", "attribute.date_invalid"),
    ("date", {"future": False}, YESTERDAY, YESTERDAY, TOMORROW, "attribute.future_not_allowed"),
    ("date", {"past": False}, TOMORROW, TOMORROW, YESTERDAY, "attribute.past_not_allowed"),
    ("datetime", {}, "2019-03-15T12:38:35.444Z", "2019-03-15T12:38:35.444Z", "2019-03-15",
     "attribute.datetime_invalid"),
    ("datetime", {}, "2019-03-15T14:38:35+02:00", "2019-03-15T12:38:35.000Z", "yesterday",
     "attribute.datetime_invalid"),
    ("datetime", {}, "2019-03-15 12:38", "2019-03-15T12:38:00.000Z", 1552653515,
     "attribute.datetime_invalid"),
    ("datetime", {"past": False}, "2999-01-01T00:00:00Z", "2999-01-01T00:00:00.000Z",
     "2000-01-01T00:00:00Z", "attribute.past_not_allowed"),
    ("datetime", {"future": False}, "2000-01-01T00:00:00Z", "2000-01-01T00:00:00.000Z",
     "2999-01-01T00:00:00Z", "attribute.future_not_allowed"),
    ("tree_select", {"options": [{"name": "a", "children": [{"name": "b"}]}]}, "a::b", "a::b",
     "b", "attribute.option_invalid"),
    ("tree_select", {"options": [{"name": "a", "children": [{"name": "b"}]}]}, "a", "a",
     ["a"], "attribute.option_invalid"),
    ("multi_tree_select", {"options": [{"name": "a", "children": [{"name": "b"}]}]},
     ["a", "a::b"], ["a", "a::b"], ["a::c"], "attribute.option_invalid"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("data_type", "data_option", "good", "stored", "bad", "code"),
    VALUE_CASES,
    ids=[f"{c[0]}-{i}" for i, c in enumerate(VALUE_CASES)],
)
def test_values_are_checked_and_converted_per_data_type(
    admin, data_type, data_option, good, stored, bad, code
):
    applied(admin, "field", data_type=data_type, data_option=data_option)
    assert svc.clean_attribute_values("Ticket", {"field": good}) == {"field": stored}
    with pytest.raises(Invalid) as info:
        svc.clean_attribute_values("Ticket", {"field": bad})
    assert (info.value.field, info.value.code) == ("field", code)


def test_user_and_organization_ids_must_exist(admin):
    person = UserFactory()
    acme = OrganizationFactory(name="Acme")
    beta = OrganizationFactory(name="Beta")
    applied(admin, "contact", data_type="user_autocompletion", data_option={})
    applied(
        admin, "vendor", data_type="autocompletion_ajax", data_option={"relation": "Organization"}
    )
    applied(
        admin,
        "partners",
        data_type="autocompletion_ajax",
        data_option={"relation": "Organization", "multiple": True},
    )
    applied(admin, "billed", data_type="autocompletion_ajax_customer_organization", data_option={})
    assert svc.clean_attribute_values(
        "Ticket",
        {"contact": str(person.pk), "vendor": acme.pk, "partners": [beta.pk, acme.pk, beta.pk],
         "billed": acme.pk},
    ) == {"contact": person.pk, "vendor": acme.pk, "partners": [beta.pk, acme.pk],
          "billed": acme.pk}  # fmt: skip
    missing_user = User.objects.order_by("-pk").first().pk + 1
    missing_org = Organization.objects.order_by("-pk").first().pk + 1
    for values, field, code in [
        ({"contact": missing_user}, "contact", "attribute.user_unknown"),
        ({"vendor": missing_org}, "vendor", "attribute.organization_unknown"),
        ({"partners": [acme.pk, missing_org]}, "partners", "attribute.organization_unknown"),
        ({"partners": acme.pk}, "partners", "attribute.not_list"),
        ({"contact": "bob"}, "contact", "attribute.id_invalid"),
        ({"contact": -1}, "contact", "attribute.id_invalid"),
    ]:
        with pytest.raises(Invalid) as info:
            svc.clean_attribute_values("Ticket", values)
        assert (info.value.field, info.value.code) == (field, code)


def test_unknown_and_builtin_names_are_refused(admin):
    applied(admin, "product")
    for name in ("colour", "title", "customer_id"):
        with pytest.raises(Invalid) as info:
            svc.clean_attribute_values("Ticket", {"product": "wert1", name: "x"})
        assert (info.value.field, info.value.code) == (name, "attribute.unknown")
    with pytest.raises(Invalid) as info:
        svc.clean_attribute_values("User", {"product": "wert1"})
    assert (info.value.field, info.value.code) == ("product", "attribute.unknown")
    with pytest.raises(Invalid) as info:
        svc.clean_attribute_values("Article", {})
    assert info.value.code == "attribute.object_unknown"


def test_empty_values_and_null_false(admin):
    applied(admin, "note_text", data_type="input", data_option={"null": False})
    applied(admin, "tags_list", data_type="multiselect", data_option={"options": {"a": "A"}})
    applied(admin, "level", data_type="integer", data_option={})
    assert svc.clean_attribute_values("Ticket", {"tags_list": [], "level": None}) == {
        "tags_list": [],
        "level": None,
    }
    assert svc.clean_attribute_values("Ticket", {"level": ""}) == {"level": None}
    for empty in (None, ""):
        with pytest.raises(Invalid) as info:
            svc.clean_attribute_values("Ticket", {"note_text": empty})
        assert (info.value.field, info.value.code) == ("note_text", "attribute.required")
    # Not given on an update: fine. Not given on create: refused.
    assert svc.clean_attribute_values("Ticket", {"level": 3}) == {"level": 3}
    with pytest.raises(Invalid) as info:
        svc.clean_attribute_values("Ticket", {"level": 3}, for_create=True)
    assert (info.value.field, info.value.code) == ("note_text", "attribute.required")
    assert svc.clean_attribute_values("Ticket", {"note_text": "x"}, for_create=True) == {
        "note_text": "x"
    }


def test_defaults_fill_in_on_create_only(admin):
    applied(admin, "product", data_option={"options": SEED_PRODUCT_OPTIONS, "default": "wert2"})
    applied(admin, "urgent", data_type="boolean", data_option={"default": False, "null": False})
    applied(
        admin,
        "areas",
        data_type="multiselect",
        data_option={"options": {"a": "A"}, "default": ["a"]},
    )
    applied(admin, "size", data_type="integer", data_option={"default": None, "null": True})
    assert svc.clean_attribute_values("Ticket", {}, for_create=True) == {
        "product": "wert2",
        "urgent": False,
        "areas": ["a"],
    }
    assert svc.clean_attribute_values("Ticket", {"product": "wert1"}, for_create=True) == {
        "product": "wert1",
        "urgent": False,
        "areas": ["a"],
    }
    assert svc.clean_attribute_values("Ticket", {}) == {}


def test_inactive_attributes_keep_accepting_values_but_are_never_required(admin):
    applied(admin, "legacy", data_type="input", data_option={"null": False})
    svc.update_attribute(admin, ObjectAttribute.objects.get(name="legacy").pk, active=False)
    assert svc.clean_attribute_values("Ticket", {}, for_create=True) == {}
    assert svc.clean_attribute_values("Ticket", {"legacy": None}) == {"legacy": None}
    assert svc.clean_attribute_values("Ticket", {"legacy": "v"}) == {"legacy": "v"}


# --- pending changes and executing them ---------------------------------------------------


def test_a_new_attribute_is_neither_accepted_nor_enforced_before_execution(admin):
    make(admin, "impact", data_type="integer", data_option={"min": 1, "max": 5, "null": False})
    with pytest.raises(Invalid) as info:
        svc.clean_attribute_values("Ticket", {"impact": 3})
    assert (info.value.field, info.value.code) == ("impact", "attribute.unknown")
    assert svc.clean_attribute_values("Ticket", {}, for_create=True) == {}

    result = svc.execute_attribute_migrations(admin)
    assert result == svc.MigrationResult(
        created=["Ticket.impact"], changed=[], deleted=[], values_removed=0
    )
    attribute = ObjectAttribute.objects.get(name="impact")
    assert (attribute.to_create, attribute.to_migrate, attribute.to_config) == (
        False,
        False,
        False,
    )
    assert svc.clean_attribute_values("Ticket", {"impact": "3"}) == {"impact": 3}
    with pytest.raises(Invalid) as info:
        svc.clean_attribute_values("Ticket", {}, for_create=True)
    assert (info.value.field, info.value.code) == ("impact", "attribute.required")
    assert svc.execute_attribute_migrations(admin) == svc.MigrationResult()


def test_select_options_are_remembered_when_applied(admin):
    attribute = applied(admin)
    assert attribute.data_option["historical_options"] == SEED_PRODUCT_OPTIONS


def test_changed_options_take_effect_only_when_executed(admin):
    attribute = applied(admin)
    changed = svc.update_attribute(
        admin,
        attribute.pk,
        data_option={"options": {"wert1": "anzeige1", "wert3": "drei"}, "default": "wert3"},
    )
    assert changed.to_config is True
    assert changed.to_migrate is False
    assert changed.data_option["options"] == SEED_PRODUCT_OPTIONS
    assert changed.data_option_new["options"] == {"wert1": "anzeige1", "wert3": "drei"}
    assert svc.clean_attribute_values("Ticket", {"product": "wert2"}) == {"product": "wert2"}
    with pytest.raises(Invalid):
        svc.clean_attribute_values("Ticket", {"product": "wert3"})

    result = svc.execute_attribute_migrations(admin)
    assert (result.created, result.changed, result.deleted) == ([], ["Ticket.product"], [])
    changed.refresh_from_db()
    assert changed.data_option["options"] == {"wert1": "anzeige1", "wert3": "drei"}
    assert changed.data_option["default"] == "wert3"
    assert changed.data_option["historical_options"] == {
        "wert1": "anzeige1",
        "wert2": "anzeige12",
        "wert3": "drei",
    }
    assert changed.data_option_new == {}
    assert not changed.pending
    assert svc.clean_attribute_values("Ticket", {"product": "wert3"}) == {"product": "wert3"}
    with pytest.raises(Invalid) as info:
        svc.clean_attribute_values("Ticket", {"product": "wert2"})
    assert info.value.code == "attribute.option_invalid"


def test_a_new_maxlength_needs_a_migration(admin):
    attribute = applied(admin, "code", data_type="input", data_option={"maxlength": 5})
    changed = svc.update_attribute(admin, attribute.pk, data_option={"maxlength": 3})
    assert (changed.to_config, changed.to_migrate) == (True, True)
    assert svc.clean_attribute_values("Ticket", {"code": "abcd"}) == {"code": "abcd"}
    svc.execute_attribute_migrations(admin)
    with pytest.raises(Invalid) as info:
        svc.clean_attribute_values("Ticket", {"code": "abcd"})
    assert info.value.code == "attribute.too_long"


def test_display_active_and_position_apply_at_once_and_flag_the_config(admin):
    attribute = applied(admin)
    changed = svc.update_attribute(admin, attribute.pk, display="Produkt", position=10)
    assert (changed.display, changed.position, changed.to_config) == ("Produkt", 10, True)
    assert changed.data_option_new == changed.data_option
    svc.execute_attribute_migrations(admin)
    changed.refresh_from_db()
    assert not changed.pending
    assert changed.data_option["options"] == SEED_PRODUCT_OPTIONS


def test_a_pending_attribute_may_be_renamed_and_retyped_at_once(admin):
    attribute = make(admin)
    renamed = svc.update_attribute(
        admin, attribute.pk, name="product1234", data_type="input", data_option={}
    )
    assert (renamed.name, renamed.data_type, renamed.to_create) == ("product1234", "input", True)
    assert renamed.data_option == {"type": "text", "maxlength": 120, "default": "", "null": True}
    assert renamed.data_option_new == {}


def test_an_attribute_in_force_keeps_its_name_and_incompatible_type(admin):
    attribute = applied(admin)
    before = custom_rows()
    for changes, field, code in [
        ({"name": "product1234"}, "name", "attribute.name_immutable"),
        ({"data_type": "integer", "data_option": {}}, "data_type", "attribute.data_type_immutable"),
        ({"data_type": "multiselect"}, "data_type", "attribute.data_type_immutable"),
        ({"object": "User"}, "object", "attribute.object_immutable"),
        ({"editable": False}, "editable", "attribute.field_unknown"),
        ({"data_option": {"options": {}}}, "data_option.options", "attribute.options_missing"),
        ({"display": ""}, "display", "attribute.display_missing"),
    ]:
        with pytest.raises(Invalid) as info:
            svc.update_attribute(admin, attribute.pk, **changes)
        assert (info.value.field, info.value.code) == (field, code)
    assert custom_rows() == before


def test_a_compatible_type_change_waits_for_execution(admin):
    attribute = applied(admin, "area", data_type="input", data_option={})
    changed = svc.update_attribute(
        admin,
        attribute.pk,
        data_type="tree_select",
        data_option={"options": [{"name": "north", "children": [{"name": "east"}]}]},
    )
    assert (changed.data_type, changed.data_type_new, changed.to_config) == (
        "input",
        "tree_select",
        True,
    )
    assert svc.clean_attribute_values("Ticket", {"area": "anything"}) == {"area": "anything"}
    svc.execute_attribute_migrations(admin)
    changed.refresh_from_db()
    assert (changed.data_type, changed.data_type_new) == ("tree_select", "")
    assert svc.clean_attribute_values("Ticket", {"area": "north::east"}) == {"area": "north::east"}
    with pytest.raises(Invalid) as info:
        svc.clean_attribute_values("Ticket", {"area": "anything"})
    assert info.value.code == "attribute.option_invalid"


def test_built_in_attributes_cannot_be_changed_or_deleted(admin):
    title = ObjectAttribute.objects.get(object="Ticket", name="title")
    for call in (
        lambda: svc.update_attribute(admin, title.pk, display="Subject"),
        lambda: svc.delete_attribute(admin, title.pk),
    ):
        with pytest.raises(Invalid) as info:
            call()
        assert (info.value.field, info.value.code) == ("name", "attribute.not_editable")
    title.refresh_from_db()
    assert (title.display, title.to_delete) == ("Title", False)


def test_deleting_a_pending_attribute_removes_it_at_once(admin):
    attribute = make(admin)
    assert svc.delete_attribute(admin, attribute.pk) is None
    assert custom_rows() == []


def test_a_deleted_attribute_stays_in_force_until_executed_then_its_values_go(admin):
    attribute = applied(admin)
    keep = applied(admin, "size", data_type="integer", data_option={})
    tickets = [make_ticket(f"t{i}", {"product": "wert1", "size": i}) for i in range(5)] + [
        make_ticket("plain", {"size": 9})
    ]
    user = UserFactory()
    user.attributes = {"product": "user value is another object's"}
    user.save()

    marked = svc.delete_attribute(admin, attribute.pk)
    assert marked is not None
    assert marked.to_delete is True
    assert svc.clean_attribute_values("Ticket", {"product": "wert2"}) == {"product": "wert2"}
    with pytest.raises(Conflict) as info:
        svc.update_attribute(admin, attribute.pk, display="Again")
    assert info.value.code == "attribute.to_delete"

    result = svc.execute_attribute_migrations(admin, batch_size=2)
    assert result == svc.MigrationResult(
        created=[], changed=[], deleted=["Ticket.product"], values_removed=5
    )
    assert not ObjectAttribute.objects.filter(name="product", object="Ticket").exists()
    for ticket in tickets:
        ticket.refresh_from_db()
    assert [t.attributes for t in tickets] == [{"size": i} for i in range(5)] + [{"size": 9}]
    user.refresh_from_db()
    assert user.attributes == {"product": "user value is another object's"}
    with pytest.raises(Invalid) as info:
        svc.clean_attribute_values("Ticket", {"product": "wert1"})
    assert info.value.code == "attribute.unknown"
    assert ObjectAttribute.objects.get(pk=keep.pk).name == "size"


def test_values_left_under_a_name_are_removed_before_it_is_created_again(admin):
    applied(admin, "tier", obj="Organization", data_type="integer", data_option={})
    acme = OrganizationFactory(name="Acme", attributes={"tier": "gold", "other": 1})
    make(admin, "tier", obj="User", data_type="input", data_option={})
    stale_user = UserFactory()
    stale_user.attributes = {"tier": "left over"}
    stale_user.save()
    result = svc.execute_attribute_migrations(admin)
    assert (result.created, result.values_removed) == (["User.tier"], 1)
    stale_user.refresh_from_db()
    assert stale_user.attributes == {}
    acme.refresh_from_db()
    assert acme.attributes == {"tier": "gold", "other": 1}


def test_discard_forgets_every_pending_change(admin):
    kept = applied(admin)
    deleted = applied(admin, "size", data_type="integer", data_option={})
    make(admin, "fresh", data_type="input", data_option={})
    svc.update_attribute(admin, kept.pk, data_option={"options": {"x": "X"}})
    svc.delete_attribute(admin, deleted.pk)
    assert svc.discard_attribute_changes(admin) == 3
    assert sorted(custom_rows()) == [
        (
            "Ticket",
            "product",
            False,
            False,
            False,
            {
                "options": SEED_PRODUCT_OPTIONS,
                "default": "",
                "null": True,
                "relation": "",
                "nulloption": True,
                "maxlength": 255,
                "historical_options": SEED_PRODUCT_OPTIONS,
            },
        ),
        (
            "Ticket",
            "size",
            False,
            False,
            False,
            {"min": -2_147_483_647, "max": 2_147_483_647, "default": None, "null": True},
        ),
    ]
    assert ObjectAttribute.objects.get(name="product").data_option_new == {}
    assert svc.execute_attribute_migrations(admin) == svc.MigrationResult()


def test_active_attributes_are_the_applied_active_custom_ones(admin):
    applied(admin, "product", position=20)
    applied(admin, "size", data_type="integer", data_option={}, position=10)
    hidden = applied(admin, "hidden", data_type="input", data_option={})
    svc.update_attribute(admin, hidden.pk, active=False)
    make(admin, "pending", data_type="input", data_option={})
    assert [a.name for a in svc.active_attributes("Ticket")] == ["size", "product"]
    assert svc.active_attributes("User") == []


def test_the_factory_makes_an_attribute_in_force():
    from helpline.testing.factories import ObjectAttributeFactory

    ObjectAttributeFactory(name="product", data_type="select", data_option={"options": {"a": "A"}})
    ObjectAttributeFactory(object="User", name="shoe_size", data_type="integer")
    assert svc.clean_attribute_values("Ticket", {"product": "a"}) == {"product": "a"}
    assert svc.clean_attribute_values("User", {"shoe_size": "44"}) == {"shoe_size": 44}
