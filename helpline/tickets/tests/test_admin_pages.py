"""Administration of categories, states and priorities: the pages and the category and
state services behind them (permissions, unique names, defaults that stay active)."""

from html.parser import HTMLParser

import pytest
from django.test import Client

from helpline.lib.actor import Actor
from helpline.lib.errors import Conflict, PermissionDenied
from helpline.testing.factories import GroupFactory, TicketFactory, UserFactory
from helpline.tickets.models import TicketCategory, TicketPriority, TicketState, TicketStateType
from helpline.tickets.services import categories, ensure_default_category, states

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(login="boss", roles=["Admin"]))
    return client


def messages_of(response):
    return [str(m) for m in response.context["messages"]]


def test_categories_are_added_renamed_and_disabled(admin_client):
    group = GroupFactory(name="Network")
    url = "/admin/categories/"
    response = admin_client.post(url, {"group": group.pk, "name": "VPN"}, follow=True)
    assert messages_of(response) == ["Saved."]
    vpn = TicketCategory.objects.get(group=group, name="VPN")
    assert f'<h2 id="group-{group.pk}" class="h6">Network</h2>' in response.content.decode()
    admin_client.post(url, {"id": vpn.pk, "name": "Remote access"}, follow=True)
    vpn.refresh_from_db()
    assert (vpn.name, vpn.active) == ("Remote access", False)
    response = admin_client.post(
        "/admin/categories/", {"group": group.pk, "name": "remote ACCESS"}, follow=True
    )
    assert messages_of(response) == ["This group already has a category of that name."]
    general = ensure_default_category(group)
    response = admin_client.post(
        "/admin/categories/", {"id": general.pk, "name": "General"}, follow=True
    )
    assert messages_of(response) == ["A group's default category stays active."]
    general.refresh_from_db()
    assert general.active is True


def test_states_change_name_resolution_and_status(admin_client):
    waiting = TicketState.objects.get(name="pending reminder")
    response = admin_client.post(
        "/admin/states/",
        {"id": waiting.pk, "name": "waiting", "needs_resolution": "on", "active": "on"},
        follow=True,
    )
    assert messages_of(response) == ["Saved."]
    waiting.refresh_from_db()
    assert (waiting.name, waiting.needs_resolution, waiting.active) == ("waiting", True, True)
    new = TicketState.objects.get(name="new")
    response = admin_client.post("/admin/states/", {"id": new.pk, "name": "new"}, follow=True)
    assert messages_of(response) == ["The state of new tickets stays active."]


def state_rows():
    return sorted(
        TicketState.objects.values_list(
            "id", "name", "state_type__name", "needs_resolution", "active", "default_create"
        )
    )


def test_a_state_is_added_and_deleted(admin_client):
    pending = TicketStateType.objects.get(name="pending action")
    html = admin_client.get("/admin/states/").content.decode()
    assert '<label class="form-label" for="new-state-type">Kind</label>' in html
    assert f'<option value="{pending.pk}">pending action</option>' in html
    response = admin_client.post(
        "/admin/states/",
        {
            "name": " waiting for vendor ",
            "state_type": pending.pk,
            "needs_resolution": "on",
            "ignore_escalation": "on",
        },
        follow=True,
    )
    assert messages_of(response) == ["Saved."]
    made = TicketState.objects.get(name="waiting for vendor")
    assert (made.state_type, made.needs_resolution, made.ignore_escalation, made.active) == (
        pending,
        True,
        True,
        True,
    )
    html = response.content.decode()
    assert 'value="waiting for vendor"' in html
    assert f'action="/admin/states/{made.pk}/delete/"' in html

    response = admin_client.post(f"/admin/states/{made.pk}/delete/", follow=True)
    assert messages_of(response) == ["The state waiting for vendor is deleted."]
    assert not TicketState.objects.filter(pk=made.pk).exists()
    assert 'value="waiting for vendor"' not in response.content.decode()


def test_a_new_state_needs_a_name_a_kind_and_a_free_name(admin_client):
    before = state_rows()
    open_kind = TicketStateType.objects.get(name="open")
    for data, message in [
        ({"name": "", "state_type": open_kind.pk}, "A name is required."),
        ({"name": "OPEN", "state_type": open_kind.pk}, "This name is already taken."),
        ({"name": "working"}, "Choose the kind of state."),
        ({"name": "working", "state_type": "999999"}, "Choose the kind of state."),
    ]:
        response = admin_client.post("/admin/states/", data, follow=True)
        assert messages_of(response) == [message], data
    assert state_rows() == before


def test_a_state_in_use_or_needed_is_not_deleted(admin_client):
    before = state_rows()
    used = TicketState.objects.get(name="pending reminder")
    TicketFactory(state="pending reminder")
    refusals = [
        (used, "Tickets are in this state, or another state moves on to it: deactivate it "
               "instead."),
        (TicketState.objects.get(name="closed"),  # "pending close" moves on to it
         "Tickets are in this state, or another state moves on to it: deactivate it "
         "instead."),
        (TicketState.objects.get(name="new"),
         "New tickets or follow-ups start in this state: it cannot be deleted."),
        (TicketState.objects.get(name="open"),
         "New tickets or follow-ups start in this state: it cannot be deleted."),
        (TicketState.objects.get(name="resolved"),
         "Helpline needs an active state of this kind to create, reopen, resolve, close or "
         "merge tickets: add another one before deleting, deactivating or changing this one."),
        (TicketState.objects.get(name="merged"),
         "Helpline needs an active state of this kind to create, reopen, resolve, close or "
         "merge tickets: add another one before deleting, deactivating or changing this one."),
    ]  # fmt: skip
    for state, message in refusals:
        response = admin_client.post(f"/admin/states/{state.pk}/delete/", follow=True)
        assert response.status_code == 200
        assert messages_of(response) == [message], state.name
    assert state_rows() == before
    assert admin_client.post("/admin/states/999999/delete/").status_code == 404
    assert admin_client.get(f"/admin/states/{used.pk}/delete/").status_code == 405
    assert state_rows() == before


def test_the_needed_rule_counts_active_states_of_the_kind():
    system = Actor.system()
    closed = TicketStateType.objects.get(name="closed")
    fixed = states.create_state(
        system, name="fixed", state_type_id=closed.pk, needs_resolution=True
    )
    states.delete_state(system, TicketState.objects.get(name="resolved").pk)
    assert not TicketState.objects.filter(name="resolved").exists()
    with pytest.raises(Conflict) as needed:
        states.delete_state(system, fixed.pk)
    assert (needed.value.code, needed.value.field) == ("ticket_state.needed", None)
    removed = TicketState.objects.get(name="removed")  # inactive: nothing looks it up
    states.delete_state(system, removed.pk)
    merged = TicketStateType.objects.get(name="merged")
    spare = states.create_state(
        system, name="another merged", state_type_id=merged.pk, active=False
    )
    with pytest.raises(Conflict):  # an inactive one does not stand in for the last one
        states.delete_state(system, TicketState.objects.get(name="merged").pk)
    assert TicketState.objects.filter(pk=spare.pk).exists()
    agent = Actor.for_user(UserFactory(login="alice", roles=["Agent"]))
    with pytest.raises(PermissionDenied):
        states.delete_state(agent, spare.pk)
    assert TicketState.objects.filter(pk=spare.pk).exists()


def test_priorities_are_added_above_the_others(admin_client):
    admin_client.post("/admin/priorities/", {"name": "5 emergency"})
    top = TicketPriority.objects.order_by("-rank").first()
    assert (top.name, top.rank) == ("5 emergency", 6)
    admin_client.post("/admin/priorities/", {"id": top.pk, "name": "5 emergency"})
    top.refresh_from_db()
    assert top.active is False
    html = admin_client.get("/admin/priorities/").content.decode()
    assert 'value="5 emergency"' in html


def test_the_pages_need_their_permissions(client):
    client.force_login(UserFactory(login="alice", roles=["Agent"]))
    for url in ("/admin/categories/", "/admin/states/", "/admin/priorities/"):
        assert client.get(url).status_code == 403, url
        assert client.post(url, {"name": "X", "state_type": "2"}).status_code == 403, url
    assert not TicketPriority.objects.filter(name="X").exists()
    assert not TicketState.objects.filter(name="X").exists()
    spare = states.create_state(Actor.system(), name="spare", state_type_id=2)
    assert client.post(f"/admin/states/{spare.pk}/delete/").status_code == 403
    assert TicketState.objects.filter(pk=spare.pk).exists()


def test_the_services_refuse_without_permission_and_keep_rows():
    agent = Actor.for_user(UserFactory(login="alice", roles=["Agent"]))
    with pytest.raises(PermissionDenied) as denied:
        states.create_priority(agent, name="urgent")
    assert denied.value.code == "permission.missing"
    state = TicketState.objects.get(name="open")
    with pytest.raises(PermissionDenied):
        states.update_state(agent, state.pk, name="working")
    general = ensure_default_category(GroupFactory(name="Desk"))
    with pytest.raises(PermissionDenied):
        categories.update_category(agent, general.pk, name="Other")
    state.refresh_from_db()
    general.refresh_from_db()
    assert (state.name, general.name) == ("open", "General")
    assert not TicketPriority.objects.filter(name="urgent").exists()


def test_defaults_stay_active_and_names_stay_unique():
    system = Actor.system()
    new = TicketState.objects.get(default_create=True)
    with pytest.raises(Conflict) as kept:
        states.update_state(system, new.pk, active=False, name="fresh")
    assert (kept.value.code, kept.value.field) == ("state.default_active", "active")
    new.refresh_from_db()
    assert (new.name, new.active) == ("new", True)
    normal = TicketPriority.objects.get(default_create=True)
    with pytest.raises(Conflict) as kept:
        states.update_priority(system, normal.pk, active=False)
    assert kept.value.code == "priority.default_active"
    other = TicketPriority.objects.exclude(pk=normal.pk).first()
    states.update_priority(system, other.pk, active=False)
    assert TicketPriority.objects.get(pk=other.pk).active is False
    group = GroupFactory(name="Desk")
    vpn = categories.create_category(system, group=group.pk, name="VPN", note="remote")
    assert (vpn.note, vpn.group_id) == ("remote", group.pk)
    wifi = categories.create_category(system, group=group.pk, name="Wifi")
    with pytest.raises(Conflict) as taken:
        categories.update_category(system, wifi.pk, name="vpn")
    assert (taken.value.code, taken.value.field) == ("category.name_taken", "name")
    assert TicketCategory.objects.get(pk=wifi.pk).name == "Wifi"


def test_the_last_needed_state_is_not_deactivated_or_changed():
    """What delete refuses, update refuses too: the last active state of a needed kind
    neither goes inactive, nor loses its resolution, nor moves to another kind."""
    system = Actor.system()
    resolved = TicketState.objects.get(name="resolved")
    merged = TicketState.objects.get(name="merged")
    open_kind = TicketStateType.objects.get(name="open")
    before = state_rows()
    for state, change in (
        (resolved, {"active": False}),
        (resolved, {"needs_resolution": False}),
        (resolved, {"state_type_id": open_kind.pk}),
        (merged, {"active": False}),
    ):
        with pytest.raises(Conflict) as needed:
            states.update_state(system, state.pk, **change)
        assert needed.value.code == "ticket_state.needed", change
    assert state_rows() == before
    # Renaming is fine, and once another state fills the kind the first may go.
    states.update_state(system, resolved.pk, name="solved")
    closed = TicketStateType.objects.get(name="closed")
    states.create_state(system, name="fixed", state_type_id=closed.pk, needs_resolution=True)
    states.update_state(system, resolved.pk, active=False)
    assert TicketState.objects.get(pk=resolved.pk).active is False


def test_the_states_page_says_why_a_needed_state_stays_active(admin_client):
    merged = TicketState.objects.get(name="merged")
    response = admin_client.post(
        "/admin/states/", {"id": merged.pk, "name": "merged"}, follow=True
    )  # "active" unticked
    assert messages_of(response) == [
        "Helpline needs an active state of this kind to create, reopen, resolve, close or "
        "merge tickets: add another one before deleting, deactivating or changing this one."
    ]
    merged.refresh_from_db()
    assert merged.active is True


class EntryForms(HTMLParser):
    """Each entry form of an admin page as the browser would post it: its hidden and text
    inputs' values and its checked boxes; and the labels of its inputs."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[dict[str, str]] = []
        self.labels: dict[str, str] = {}
        self._label: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and "action" not in a:
            self.forms.append({})
        elif tag == "input" and self.forms and a.get("name"):
            if a.get("type") != "checkbox" or "checked" in a:
                self.forms[-1][a["name"]] = a.get("value", "on")
        elif tag == "label":
            self._label = a.get("for")

    def handle_data(self, data: str) -> None:
        if self._label:
            self.labels[self._label] = data
            self._label = None


def test_each_entry_form_posts_its_row_back_unchanged(client):
    """The states page's forms: one per state, named, flagged and escaped; a browser posting
    one back (with its CSRF token) changes nothing."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(UserFactory(login="boss", roles=["Admin"]))
    kind = TicketStateType.objects.get(name="open")
    odd = states.create_state(Actor.system(), name='<b>"odd"</b>', state_type_id=kind.pk)
    before = state_rows()
    parser = EntryForms()
    parser.feed(client.get("/admin/states/").content.decode())
    forms = {int(f["id"]): f for f in parser.forms if f.get("id", "").isdigit()}
    assert sorted(forms) == sorted(TicketState.objects.values_list("pk", flat=True))
    assert forms[odd.pk]["name"] == '<b>"odd"</b>'
    assert "<b>" not in client.get("/admin/states/").content.decode().split("<main")[-1]
    for state in TicketState.objects.all():
        form = forms[state.pk]
        assert ("needs_resolution" in form) is state.needs_resolution
        assert ("active" in form) is state.active
        assert parser.labels[f"active-{state.pk}"] == "Active"
    response = client.post("/admin/states/", forms[odd.pk], follow=True)
    assert response.status_code == 200
    assert [str(m) for m in response.context["messages"]] == ["Saved."]
    assert state_rows() == before
    french = client.get("/admin/states/", HTTP_ACCEPT_LANGUAGE="fr")
    assert ">Actif</label>" in french.content.decode()
