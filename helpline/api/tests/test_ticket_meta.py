"""/ticket_states, /ticket_priorities, /online_notifications, /object_manager_attributes and
the tag endpoints: exact shapes, admin-only changes, refusals that change nothing."""

from __future__ import annotations

from helpline.api.tests.conftest import ERROR_KEYS
from helpline.core.models import ObjectAttribute, OnlineNotification, Tag, Tagging
from helpline.core.services.attributes import OBJECT_LOOKUP_IDS
from helpline.core.services.notifications import TYPE_LOOKUP_IDS
from helpline.testing.factories import TicketFactory
from helpline.tickets.models import Sla, TicketPriority, TicketState

STATE_KEYS = {
    "id", "state_type_id", "name", "next_state_id", "ignore_escalation", "default_create",
    "default_follow_up", "note", "active", "updated_by_id", "created_by_id", "created_at",
    "updated_at",
}  # fmt: skip
PRIORITY_KEYS = {
    "id", "name", "default_create", "ui_color", "note", "active", "updated_by_id",
    "created_by_id", "created_at", "updated_at",
}  # fmt: skip
NOTIFICATION_KEYS = {
    "id", "o_id", "object_lookup_id", "type_lookup_id", "user_id", "seen", "updated_by_id",
    "created_by_id", "created_at", "updated_at",
}  # fmt: skip
ATTRIBUTE_KEYS = {
    "id", "object", "object_lookup_id", "name", "display", "data_type", "data_option",
    "data_option_new", "editable", "active", "screens", "to_create", "to_migrate",
    "to_delete", "to_config", "position", "updated_by_id", "created_by_id", "created_at",
    "updated_at",
}  # fmt: skip


def test_states_read_by_everyone_signed_in(as_customer, anonymous):
    status, states = as_customer.get("/ticket_states")
    assert status == 200
    assert [s["name"] for s in states] == list(
        TicketState.objects.order_by("id").values_list("name", flat=True)
    )
    assert set(states[0]) == STATE_KEYS
    new = TicketState.objects.get(name="new")
    status, shown = as_customer.get(f"/ticket_states/{new.pk}")
    assert shown["name"] == "new"
    assert shown["default_create"] is True
    assert shown["note"] is None
    assert anonymous.get("/ticket_states")[0] == 401
    assert as_customer.get("/ticket_states/999999")[1]["code"] == "ticket_state.not_found"


def test_state_round_trip_and_delete_rules(as_admin, as_agent, admin, customer, support):
    body = {"name": "Ticket State 1", "state_type_id": 1, "next_state_id": None,
            "ignore_escalation": True, "active": True, "note": "some note"}  # fmt: skip
    assert as_agent.post("/ticket_states", body)[0] == 403
    status, created = as_admin.post("/ticket_states", body)
    assert status == 200, created
    assert set(created) == STATE_KEYS
    assert (created["name"], created["ignore_escalation"], created["note"]) == (
        "Ticket State 1",
        True,
        "some note",
    )
    assert created["created_by_id"] == admin.pk
    status, again = as_admin.post("/ticket_states", body)
    assert (status, again["code"], again["field"]) == (422, "name.taken", "name")
    status, updated = as_admin.put(f"/ticket_states/{created['id']}", {"default_create": True})
    assert updated["default_create"] is True
    assert list(TicketState.objects.filter(default_create=True).values_list("name", flat=True)) == [
        "Ticket State 1"
    ]
    TicketFactory(group=support, customer=customer, state="Ticket State 1")
    status, refused = as_admin.delete(f"/ticket_states/{created['id']}")
    assert status == 409
    assert set(refused) >= ERROR_KEYS
    assert refused["code"] == "ticket_state.in_use"
    assert TicketState.objects.filter(pk=created["id"]).exists()
    status, spare = as_admin.post("/ticket_states", {"name": "spare", "state_type_id": 2})
    assert as_admin.delete(f"/ticket_states/{spare['id']}") == (200, {})
    assert not TicketState.objects.filter(name="spare").exists()


def test_bad_state_input(as_admin):
    before = TicketState.objects.count()
    for body, code in [
        ({"state_type_id": 1}, "name.required"),
        ({"name": "x"}, "ticket_state.type_required"),
        ({"name": "x", "state_type_id": 999}, "ticket_state.type_unknown"),
        ({"name": "x" * 101, "state_type_id": 1}, "name.too_long"),
        ({"name": "x", "state_type_id": 1, "next_state_id": 999}, "ticket_state.next_unknown"),
        ({"name": "x", "state_type_id": "open"}, "request.invalid"),
    ]:
        status, body_out = as_admin.post("/ticket_states", body)
        assert (status, body_out["code"]) == (422, code), body
    assert TicketState.objects.count() == before


def test_priority_round_trip_and_delete_rules(as_admin, as_customer, customer, support):
    status, listed = as_customer.get("/ticket_priorities")
    assert [p["name"] for p in listed] == list(
        TicketPriority.objects.order_by("rank").values_list("name", flat=True)
    )
    assert set(listed[0]) == PRIORITY_KEYS
    body = {"name": "Ticket Priority 1", "active": True, "note": "some note"}
    assert as_customer.post("/ticket_priorities", body)[0] == 403
    status, created = as_admin.post("/ticket_priorities", body)
    assert status == 200, created
    assert (created["name"], created["note"], created["default_create"]) == (
        "Ticket Priority 1",
        "some note",
        False,
    )
    status, shown = as_customer.get(f"/ticket_priorities/{created['id']}")
    assert shown == created
    status, updated = as_admin.put(f"/ticket_priorities/{created['id']}", {"name": "4 urgent"})
    assert updated["name"] == "4 urgent"
    normal = TicketPriority.objects.get(name="2 normal")
    TicketFactory(group=support, customer=customer, priority="2 normal")
    status, refused = as_admin.delete(f"/ticket_priorities/{normal.pk}")
    assert (status, refused["code"]) == (409, "ticket_priority.in_use")
    Sla.objects.create(name="s", calendar_id=_calendar().pk, priority_ids=[created["id"]])
    status, refused = as_admin.delete(f"/ticket_priorities/{created['id']}")
    assert (status, refused["code"]) == (409, "ticket_priority.in_use")
    Sla.objects.all().delete()
    assert as_admin.delete(f"/ticket_priorities/{created['id']}") == (200, {})
    assert not TicketPriority.objects.filter(pk=created["id"]).exists()


def _calendar():
    from helpline.tickets.models import Calendar

    return Calendar.objects.create(name="c")


def test_online_notifications(as_agent, as_customer, agent, customer, support):
    ticket = TicketFactory(group=support, customer=customer)
    mine = [
        OnlineNotification.objects.create(
            user=agent, object_type="Ticket", object_id=ticket.pk, kind=kind
        )
        for kind in ("create", "update")
    ]
    theirs = OnlineNotification.objects.create(
        user=customer, object_type="Ticket", object_id=ticket.pk, kind="update"
    )
    status, listed = as_agent.get("/online_notifications")
    assert status == 200
    assert [n["id"] for n in listed] == [mine[1].pk, mine[0].pk]
    assert set(listed[0]) == NOTIFICATION_KEYS
    assert listed[0]["o_id"] == ticket.pk
    assert listed[0]["object_lookup_id"] == OBJECT_LOOKUP_IDS["Ticket"]
    assert listed[0]["type_lookup_id"] == TYPE_LOOKUP_IDS["update"]
    assert listed[0]["user_id"] == agent.pk
    assert listed[0]["seen"] is False
    status, shown = as_agent.get(f"/online_notifications/{mine[0].pk}?expand=true")
    assert (shown["object"], shown["type"]) == ("Ticket", "create")
    assert as_agent.get(f"/online_notifications/{theirs.pk}")[0] == 404
    assert as_agent.put(f"/online_notifications/{theirs.pk}", {"seen": True})[0] == 404
    status, seen = as_agent.put(f"/online_notifications/{mine[0].pk}", {"seen": True})
    assert (status, seen["seen"], seen["updated_by_id"]) == (200, True, agent.pk)
    assert as_agent.post("/online_notifications/mark_all_as_read") == (200, {})
    assert set(OnlineNotification.objects.filter(user=agent).values_list("seen", flat=True)) == {
        True
    }
    assert OnlineNotification.objects.get(pk=theirs.pk).seen is False
    assert as_agent.delete(f"/online_notifications/{theirs.pk}")[0] == 404
    assert as_agent.delete(f"/online_notifications/{mine[0].pk}") == (200, {})
    assert OnlineNotification.objects.filter(user=agent).count() == 1
    assert as_agent.put(f"/online_notifications/{mine[1].pk}", {"seen": "maybe"})[0] == 422


def test_object_manager_attributes(as_admin, as_agent):
    assert as_agent.get("/object_manager_attributes")[0] == 403
    body = {
        "name": "product", "object": "Ticket", "display": "Produkt", "active": True,
        "data_type": "select",
        "data_option": {"options": {"wert1": "anzeige1", "wert2": "anzeige12"}, "default": "",
                        "null": True, "nulloption": True, "maxlength": 255},
    }  # fmt: skip
    assert as_agent.post("/object_manager_attributes", body)[0] == 403
    status, created = as_admin.post("/object_manager_attributes", body)
    assert status == 200, created
    assert set(created) == ATTRIBUTE_KEYS
    assert (created["name"], created["object"], created["to_create"], created["to_migrate"]) == (
        "product",
        "Ticket",
        True,
        True,
    )
    assert created["data_option"]["options"] == {"wert1": "anzeige1", "wert2": "anzeige12"}
    status, listed = as_admin.get("/object_manager_attributes")
    assert created["id"] in [a["id"] for a in listed]
    status, shown = as_admin.get(f"/object_manager_attributes/{created['id']}")
    assert shown == created
    status, updated = as_admin.put(
        f"/object_manager_attributes/{created['id']}", {"display": "Product"}
    )
    assert (status, updated["display"]) == (200, "Product")
    assert as_admin.post("/object_manager_attributes_execute_migrations") == (200, {})
    row = ObjectAttribute.objects.get(pk=created["id"])
    assert (row.to_create, row.to_migrate) == (False, False)
    status, bad = as_admin.post("/object_manager_attributes", {**body, "name": "title"})
    assert status == 422
    assert set(bad) >= ERROR_KEYS
    assert as_admin.delete(f"/object_manager_attributes/{created['id']}") == (200, {})
    assert ObjectAttribute.objects.get(pk=created["id"]).to_delete is True
    assert as_admin.post("/object_manager_attributes_discard_changes") == (200, {})
    assert as_admin.get("/object_manager_attributes/999999")[0] == 404


def test_tags(as_agent, as_customer, as_admin, customer, support):
    ticket = TicketFactory(group=support, customer=customer)
    payload = {"object": "Ticket", "o_id": ticket.pk, "item": "printer"}
    assert as_agent.post("/tags/add", payload) == (200, True)
    assert as_agent.post("/tags/add", {**payload, "item": "urgent"}) == (200, True)
    assert as_agent.get(f"/tags?object=Ticket&o_id={ticket.pk}") == (
        200,
        {"tags": ["printer", "urgent"]},
    )
    status, found = as_agent.get("/tag_search?term=rint")
    assert found == [{"id": Tag.objects.get(name="printer").pk, "value": "printer"}]
    assert as_agent.post("/tags/remove", payload) == (200, True)
    assert as_agent.call("DELETE", "/tags/remove", {**payload, "item": "urgent"}) == (200, True)
    assert Tagging.objects.count() == 0
    status, refused = as_customer.post("/tags/add", payload)
    assert status in (403, 404)
    assert set(refused) >= ERROR_KEYS
    assert Tagging.objects.count() == 0
    assert as_customer.get("/tag_search?term=p")[0] == 403
    as_agent.post("/tags/add", payload)
    assert as_admin.get("/tag_list") == (
        200,
        [{"id": Tag.objects.get(name="printer").pk, "name": "printer", "count": 1},
         {"id": Tag.objects.get(name="urgent").pk, "name": "urgent", "count": 0}],
    )  # fmt: skip
    assert as_agent.get("/tag_list")[0] == 403
    assert as_agent.get("/tags?object=Ticket&o_id=999999")[0] == 404
    assert as_agent.post("/tags/add", {"object": "Ticket", "o_id": "x", "item": "a"})[0] == 422


def test_a_customers_new_ticket_notifies_the_groups_agent(as_customer, as_agent, agent, support):
    status, created = as_customer.post(
        "/tickets", {"title": "Broken", "group_id": support.pk, "article": {"body": "It broke"}}
    )
    assert status == 200, created
    status, listed = as_agent.get("/online_notifications")
    assert status == 200
    assert [(n["o_id"], n["object_lookup_id"], n["type_lookup_id"], n["seen"]) for n in listed] == [
        (created["id"], OBJECT_LOOKUP_IDS["Ticket"], TYPE_LOOKUP_IDS["create"], False)
    ]
    assert as_customer.get("/online_notifications") == (200, [])


def test_openapi_lists_the_ticket_endpoints(anonymous):
    status, schema = anonymous.get("/openapi.json")
    assert status == 200
    assert {
        "/api/v1/tickets", "/api/v1/tickets/search", "/api/v1/tickets/{ticket_id}",
        "/api/v1/ticket_articles", "/api/v1/ticket_articles/{article_id}",
        "/api/v1/ticket_articles/by_ticket/{ticket_id}",
        "/api/v1/ticket_attachment/{ticket_id}/{article_id}/{attachment_id}",
        "/api/v1/ticket_states", "/api/v1/ticket_states/{state_id}", "/api/v1/ticket_priorities",
        "/api/v1/ticket_priorities/{priority_id}", "/api/v1/online_notifications",
        "/api/v1/online_notifications/{notification_id}",
        "/api/v1/online_notifications/mark_all_as_read", "/api/v1/object_manager_attributes",
        "/api/v1/object_manager_attributes/{attribute_id}",
        "/api/v1/object_manager_attributes_execute_migrations",
        "/api/v1/object_manager_attributes_discard_changes", "/api/v1/tags", "/api/v1/tags/add",
        "/api/v1/tags/remove", "/api/v1/tag_search", "/api/v1/tag_list",
    } <= set(schema["paths"])  # fmt: skip
    article = schema["components"]["schemas"]["ArticleOut"]["properties"]
    assert "from" in article
    assert "mime-type" in schema["components"]["schemas"]["AttachmentIn"]["properties"]
