"""Saved ticket lists ("overviews"): personal views belong to their owner alone; admins
share views with everyone or one role; opening a view applies its filters inside the
reader's own scope."""

from __future__ import annotations

import pytest
from django.test import Client

from helpline.core.models import Role
from helpline.lib.actor import Actor
from helpline.lib.errors import Conflict, Invalid, NotAuthenticated, NotFound, PermissionDenied
from helpline.testing.factories import TicketFactory
from helpline.tickets import selectors, services
from helpline.tickets.models import SavedView


def names(actor) -> list[str]:
    return [v.name for v in selectors.saved_views(actor)]


def snapshot() -> list[tuple]:
    return list(SavedView.objects.order_by("id").values_list("name", "owner_id", "sharing",
                                                             "role_id", "filters"))  # fmt: skip


# --- services ----------------------------------------------------------------------------------


def test_a_personal_view_keeps_only_the_list_parameters(world):
    agent = world.actor(world.agent)
    view = services.save_view(
        agent,
        name="  My open ones ",
        filters={"state": "2", "q": "printer", "sort": "updated", "page": "3", "format": "csv",
                 "csrfmiddlewaretoken": "x", "owner": ""},
    )  # fmt: skip
    assert (view.name, view.owner_id, view.sharing, view.role_id) == (
        "My open ones",
        world.agent.pk,
        "personal",
        None,
    )
    assert view.filters == {"q": "printer", "state": "2", "sort": "updated"}
    assert names(agent) == ["My open ones"]


def test_another_users_personal_view_cannot_be_seen_opened_renamed_or_deleted(world):
    view = services.save_view(world.actor(world.agent), name="Mine", filters={"state": "1"})
    before = snapshot()
    for user in (world.outsider, world.customer, world.admin):
        actor = world.actor(user)
        assert names(actor) == []
        with pytest.raises(NotFound):
            selectors.get_saved_view(actor, view.pk)
        with pytest.raises(NotFound):
            services.update_view(actor, view.pk, name="Taken over")
        with pytest.raises(NotFound):
            services.delete_view(actor, view.pk)
    assert snapshot() == before


def test_the_owner_renames_and_deletes_their_view(world):
    agent = world.actor(world.agent)
    view = services.save_view(agent, name="Old", filters={})
    services.save_view(agent, name="Other", filters={})
    assert services.update_view(agent, view.pk, name="New").name == "New"
    with pytest.raises(Conflict) as caught:
        services.update_view(agent, view.pk, name="OTHER")
    assert caught.value.field == "name"
    services.delete_view(agent, view.pk)
    assert names(agent) == ["Other"]


def test_names_are_unique_per_owner_without_regard_to_case(world):
    services.save_view(world.actor(world.agent), name="Urgent", filters={})
    with pytest.raises(Conflict) as caught:
        services.save_view(world.actor(world.agent), name="urgent", filters={})
    assert (caught.value.field, caught.value.code) == ("name", "view.name_taken")
    services.save_view(world.actor(world.outsider), name="Urgent", filters={})  # another owner
    assert SavedView.objects.count() == 2


@pytest.mark.parametrize(
    ("kwargs", "field", "code"),
    [
        ({"name": "  "}, "name", "view.name_missing"),
        ({"name": "x" * 101}, "name", "view.name_too_long"),
        ({"name": "x", "filters": ["state"]}, "filters", "view.filters_invalid"),
        ({"name": "x", "filters": {"q": "w" * 201}}, "q", "view.filter_too_long"),
        ({"name": "x", "sharing": "friends"}, "sharing", "view.sharing_invalid"),
    ],
)
def test_bad_input_is_refused_naming_the_field(world, kwargs, field, code):
    kwargs.setdefault("filters", {})
    with pytest.raises(Invalid) as caught:
        services.save_view(world.actor(world.agent), **kwargs)
    assert (caught.value.field, caught.value.code) == (field, code)
    assert SavedView.objects.count() == 0


def test_guests_save_nothing(world):
    with pytest.raises(NotAuthenticated):
        services.save_view(Actor.guest(), name="x", filters={})
    assert names(Actor.guest()) == []


def test_only_admins_share_views(world):
    with pytest.raises(PermissionDenied) as caught:
        services.save_view(world.actor(world.agent), name="All", filters={}, sharing="everyone")
    assert caught.value.field == "sharing"
    mine = services.save_view(world.actor(world.agent), name="Mine", filters={})
    with pytest.raises(PermissionDenied):
        services.update_view(world.actor(world.agent), mine.pk, sharing="everyone")
    assert SavedView.objects.get().sharing == "personal"


def test_a_view_shared_with_everyone_is_opened_by_all_and_changed_by_admins_only(world):
    admin = world.actor(world.admin)
    view = services.save_view(admin, name="Escalated", filters={"sort": "priority"},
                              sharing="everyone")  # fmt: skip
    for user in (world.agent, world.customer, world.stranger):
        actor = world.actor(user)
        assert selectors.get_saved_view(actor, view.pk) == view
        with pytest.raises(PermissionDenied):
            services.update_view(actor, view.pk, name="Mine now")
        with pytest.raises(PermissionDenied):
            services.delete_view(actor, view.pk)
    assert SavedView.objects.get().name == "Escalated"
    services.update_view(admin, view.pk, name="Hot")
    services.delete_view(admin, view.pk)
    assert SavedView.objects.count() == 0


def test_a_view_shared_with_a_role_is_seen_by_its_holders_only(world):
    admin = world.actor(world.admin)
    agents = Role.objects.get(name="Agent")
    view = services.save_view(admin, name="Team queue", filters={}, sharing="role",
                              role=agents.pk)  # fmt: skip
    assert view.role == agents
    assert names(world.actor(world.agent)) == ["Team queue"]
    assert names(world.actor(world.outsider)) == ["Team queue"]
    assert names(world.actor(world.customer)) == []
    with pytest.raises(NotFound):
        selectors.get_saved_view(world.actor(world.customer), view.pk)
    # back to personal: the admin's own again
    services.update_view(admin, view.pk, sharing="personal")
    assert names(world.actor(world.agent)) == []
    assert names(admin) == ["Team queue"]


def test_sharing_with_a_role_needs_an_active_role(world):
    admin = world.actor(world.admin)
    with pytest.raises(Invalid) as caught:
        services.save_view(admin, name="x", filters={}, sharing="role", role=None)
    assert (caught.value.field, caught.value.code) == ("role", "view.role_unknown")
    with pytest.raises(Invalid) as caught:
        services.save_view(admin, name="x", filters={}, sharing="everyone", role=1)
    assert caught.value.field == "role"
    assert SavedView.objects.count() == 0


# --- pages -------------------------------------------------------------------------------------


def login(client: Client, user) -> Client:
    client.force_login(user)
    return client


def test_save_from_the_list_open_and_see_it_in_the_sidebar(client, world):
    other = TicketFactory(title="Lift stuck", group=world.group, state="open")
    login(client, world.agent)
    response = client.post(
        "/tickets/views/save/",
        {"name": "Open ones", "state": str(other.state_id), "sort": "oldest", "page": "2"},
    )
    view = SavedView.objects.get()
    assert view.filters == {"state": str(other.state_id), "sort": "oldest"}
    assert response["Location"] == f"/tickets/?state={other.state_id}&sort=oldest&view={view.pk}"
    response = client.get(response["Location"])
    assert [t.title for t in response.context["tickets"]] == ["Lift stuck"]
    html = response.content.decode()
    assert (
        f'<a class="nav-link py-1 active" aria-current="page" href="/tickets/views/{view.pk}/">'
        "Open ones</a>" in html
    )
    assert client.get(f"/tickets/views/{view.pk}/")["Location"] == response.request["PATH_INFO"] + (
        f"?state={other.state_id}&sort=oldest&view={view.pk}"
    )


def test_the_save_form_carries_the_current_filters(client, world):
    login(client, world.agent)
    html = client.get("/tickets/?q=printer&sort=updated&page=1").content.decode()
    assert '<input type="hidden" name="q" value="printer">' in html
    assert '<input type="hidden" name="sort" value="updated">' in html
    assert '<input type="hidden" name="page"' not in html
    assert 'name="sharing"' not in html  # agents save personal views only
    client.force_login(world.admin)
    assert 'name="sharing"' in client.get("/tickets/").content.decode()


def test_pages_keep_another_users_personal_view_hidden(client, world):
    view = services.save_view(world.actor(world.agent), name="Secret list", filters={})
    login(client, world.outsider)
    assert "Secret list" not in client.get("/tickets/").content.decode()
    assert "Secret list" not in client.get("/tickets/views/").content.decode()
    assert client.get(f"/tickets/views/{view.pk}/").status_code == 404
    assert client.post(f"/tickets/views/{view.pk}/delete/").status_code == 404
    assert client.post(f"/tickets/views/{view.pk}/rename/", {"name": "Mine"}).status_code == 404
    assert SavedView.objects.get().name == "Secret list"


def test_rename_and_delete_on_the_manage_page(client, world):
    view = services.save_view(world.actor(world.agent), name="Mine", filters={})
    login(client, world.agent)
    html = client.get("/tickets/views/").content.decode()
    assert f'action="/tickets/views/{view.pk}/rename/"' in html
    client.post(f"/tickets/views/{view.pk}/rename/", {"name": "Renamed"})
    assert SavedView.objects.get().name == "Renamed"
    response = client.post(f"/tickets/views/{view.pk}/rename/", {"name": ""}, follow=True)
    assert "Give the view a name." in response.content.decode()
    client.post(f"/tickets/views/{view.pk}/delete/")
    assert SavedView.objects.count() == 0


def test_a_shared_view_has_no_rename_or_delete_for_readers(client, world):
    view = services.save_view(world.actor(world.admin), name="For all", filters={},
                              sharing="everyone")  # fmt: skip
    login(client, world.customer)
    html = client.get("/tickets/views/").content.decode()
    assert "For all" in html
    assert f"/tickets/views/{view.pk}/delete/" not in html
    client.post(f"/tickets/views/{view.pk}/delete/")
    assert SavedView.objects.filter(pk=view.pk).exists()


def test_admin_shares_a_view_with_a_role_from_the_list(client, world):
    agents = Role.objects.get(name="Agent")
    login(client, world.admin)
    client.post(
        "/tickets/views/save/",
        {"name": "Agents' queue", "sharing": "role", "role": agents.pk, "q": "printer"},
    )
    view = SavedView.objects.get()
    assert (view.sharing, view.role_id, view.filters) == ("role", agents.pk, {"q": "printer"})
    client.force_login(world.agent)
    assert "Agents&#x27; queue" in client.get("/tickets/").content.decode()


def test_a_shared_view_never_shows_more_than_the_reader_may_see(client, world):
    hidden = TicketFactory(title="Facilities only", group=world.other_group)
    view = services.save_view(world.actor(world.admin), name="Everything", filters={},
                              sharing="everyone")  # fmt: skip
    login(client, world.agent)
    response = client.get(f"/tickets/views/{view.pk}/", follow=True)
    titles = [t.title for t in response.context["tickets"]]
    assert titles == ["Printer on fire"]
    assert hidden.title not in titles
