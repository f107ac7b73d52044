"""The administration pages: users (list, filters, create, roles and level, disable,
password link) and the site settings, each refused to accounts without the permission."""

import pytest

from helpline.core.models import Group, GroupMembership, Role, User
from helpline.core.permissions import level_role_name, user_level
from helpline.core.services.settings import get_setting
from helpline.testing.factories import GroupFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(login="boss", roles=["Admin"]))
    return client


def test_the_pages_need_their_permission(client):
    client.force_login(UserFactory(login="alice", roles=["Agent"]))
    for url in ("/admin/users/", "/admin/users/new/", "/admin/settings/"):
        assert client.get(url).status_code == 403, url
    html = client.get("/").content.decode()
    assert 'href="/admin/"' not in html
    assert 'href="/tickets/"' in html
    html = client.get("/admin/").content.decode()
    assert 'href="/admin/users/"' not in html


def test_the_header_links_to_administration_for_admins(client):
    # Custom forms need project.manage (NodePoint level 4) or admin: the Admin role alone.
    client.force_login(UserFactory(login="root", roles=["Admin"]))
    admin_client = client
    assert 'href="/admin/"' in admin_client.get("/").content.decode()
    html = admin_client.get("/admin/").content.decode()
    for url in (
        "users", "groups", "categories", "states", "priorities", "settings", "attributes",
        "slas", "calendars", "forms",
    ):  # fmt: skip
        assert f'href="/admin/{url}/"' in html, url


def test_project_managers_see_only_the_custom_forms(client):
    client.force_login(UserFactory(login="pm", roles=[level_role_name(4)]))
    assert 'href="/admin/"' in client.get("/").content.decode()
    html = client.get("/admin/").content.decode()
    assert 'href="/admin/forms/"' in html
    for url in ("users", "slas", "attributes", "settings"):
        assert f'href="/admin/{url}/"' not in html, url


def test_user_list_filters_by_level_role_and_status(admin_client):
    level3 = Role.objects.get(name=level_role_name(3))
    UserFactory(login="tina", roles=[level3.name])
    UserFactory(login="ursula", roles=["Customer"], active=False)

    def logins(query):
        page = admin_client.get("/admin/users/?" + query).context["page_obj"]
        return [u.login for u in page]

    assert logins("") == ["boss", "tina", "ursula"]
    assert logins(f"role={level3.pk}") == ["tina"]
    assert logins("active=no") == ["ursula"]
    assert logins("q=tin") == ["tina"]


def test_admin_creates_a_user_and_changes_the_level(admin_client):
    customer = Role.objects.get(name="Customer")
    response = admin_client.post(
        "/admin/users/new/",
        {
            "login": "vera",
            "email": "vera@example.com",
            "password": "secret-12",
            "roles": [customer.pk],
            "active": "on",
        },
    )
    vera = User.objects.get(login="vera")
    assert response["Location"] == f"/admin/users/{vera.pk}/"
    assert [r.name for r in vera.roles.all()] == ["Customer"]
    level3 = Role.objects.get(name=level_role_name(3))
    response = admin_client.post(
        f"/admin/users/{vera.pk}/",
        {"login": "vera", "email": "vera@example.com", "roles": [level3.pk], "active": "on"},
    )
    assert response.status_code == 302
    vera = User.objects.get(pk=vera.pk)
    assert user_level(vera) == 3
    response = admin_client.post(
        f"/admin/users/{vera.pk}/",
        {"login": "vera", "email": "vera@example.com", "roles": [level3.pk]},
    )
    assert User.objects.get(pk=vera.pk).active is False


def test_a_service_error_is_shown_at_its_field(admin_client):
    UserFactory(login="taken")
    response = admin_client.post("/admin/users/new/", {"login": "taken", "active": "on"})
    assert response.status_code == 200
    assert response.context["form"].errors["login"] == ["This login is already taken."]


def test_admin_mails_a_password_link(
    admin_client, mailoutbox, settings, django_capture_on_commit_callbacks
):
    settings.BASE_URL = "http://testserver"
    user = UserFactory(login="walt", email="walt@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(f"/admin/users/{user.pk}/reset/")
    assert response.status_code == 302
    assert [m.to for m in mailoutbox] == [["walt@example.com"]]


def test_site_settings_are_saved_through_the_service(admin_client):
    page = admin_client.get("/admin/settings/")
    form = page.context["form"]
    data = {}
    for name in form.fields:
        value = form.initial.get(name)
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        elif value is not None:
            data[name] = value
    data["site.name"] = "ACME Desk"
    data["site.csv_dump_limit"] = "250"
    response = admin_client.post("/admin/settings/", data)
    assert response.status_code == 302, response.context["form"].errors
    assert get_setting("site.name") == "ACME Desk"
    assert get_setting("site.csv_dump_limit") == 250


def test_groups_are_created_and_given_members(admin_client):
    alice = UserFactory(login="alice", roles=["Agent"])
    UserFactory(login="carol", roles=["Customer"])
    page = admin_client.get("/admin/groups/new/")
    logins = [
        label.rsplit(" ", 1)[1] for _, label in page.context["form"].fields["members"].choices
    ]
    assert logins == ["(alice)", "(boss)"]
    response = admin_client.post(
        "/admin/groups/new/", {"name": "Network", "active": "on", "members": [alice.pk]}
    )
    assert response["Location"] == "/admin/groups/"
    group = Group.objects.get(name="Network")
    assert list(
        GroupMembership.objects.filter(group=group).values_list("user__login", "access")
    ) == [("alice", "full")]
    assert [c.name for c in group.categories.all()] == ["General"]
    html = admin_client.get("/admin/groups/").content.decode()
    assert f'<a href="/admin/groups/{group.pk}/">Network</a>' in html
    response = admin_client.post(f"/admin/groups/{group.pk}/", {"name": "Network", "members": []})
    assert response.status_code == 302
    group.refresh_from_db()
    assert group.active is False
    assert GroupMembership.objects.filter(group=group).count() == 0


def test_group_names_are_unique(admin_client):
    GroupFactory(name="Sales")
    response = admin_client.post("/admin/groups/new/", {"name": "sales", "active": "on"})
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["name"]


def test_agents_may_not_manage_groups(client):
    client.force_login(UserFactory(login="alice", roles=["Agent"]))
    assert client.get("/admin/groups/").status_code == 403
    assert client.post("/admin/groups/new/", {"name": "X", "active": "on"}).status_code == 403
    assert not Group.objects.filter(name="X").exists()


def test_the_group_list_names_each_member_once_by_login(admin_client):
    network = GroupFactory(name="Network")
    empty = GroupFactory(name="Empty")
    zed = UserFactory(login="zed", roles=["Agent"])
    amy = UserFactory(login="Amy<script>", roles=["Agent"])
    GroupMembership.objects.create(group=network, user=zed, access="read")
    GroupMembership.objects.create(group=network, user=zed, access="create")
    GroupMembership.objects.create(group=network, user=amy, access="full")
    html = admin_client.get("/admin/groups/").content.decode()
    row = html[html.index(f'<a href="/admin/groups/{network.pk}/">') :]
    row = row[: row.index("</tr>")]
    assert "<td>Amy&lt;script&gt;, zed</td>" in row
    empty_row = html[html.index(f'<a href="/admin/groups/{empty.pk}/">') :]
    assert "<td>—</td>" in empty_row[: empty_row.index("</tr>")]


def test_the_user_list_is_ordered_by_login_whatever_its_case(admin_client):
    for login in ("bravo", "Alpha", "charlie"):
        UserFactory(login=login, roles=["Customer"])
    page = admin_client.get("/admin/users/").context["page_obj"]
    logins = [u.login for u in page]
    assert logins == sorted(logins, key=str.lower)
    assert logins.index("Alpha") < logins.index("bravo") < logins.index("charlie")
    assert [r.name for r in page[logins.index("bravo")].roles.all()] == ["Customer"]
