"""Importing and exporting users in Flicket's format (``user_transfer`` service)."""

from __future__ import annotations

import bcrypt
import pytest
from django.contrib.auth import authenticate
from django.db import connection
from django.test.utils import CaptureQueriesContext

from helpline.core.models import User
from helpline.core.services.user_transfer import (
    ImportReport,
    RejectedRow,
    export_users,
    import_users,
)
from helpline.core.services.users import check_credentials
from helpline.lib.actor import Actor
from helpline.lib.errors import PermissionDenied
from helpline.testing.factories import UserFactory

pytestmark = pytest.mark.django_db

SYSTEM = Actor.system("cli")
# One cheap real bcrypt hash for the many rows that only need a valid one.
FAST_HASH = bcrypt.hashpw(b"fast-password", bcrypt.gensalt(4)).decode()
PRODUCTION_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
    "helpline.core.hashers.BCryptPasswordHasher",
]


def row(username: str, name: str = "Joe Blogs", email: str | None = None, password=FAST_HASH):
    return {
        "username": username,
        "name": name,
        "email": f"{username}@example.com" if email is None else email,
        "password": password,
    }


def counts(report: ImportReport) -> tuple[int, int, int, int]:
    return report.created, report.updated, report.skipped, len(report.rejected)


def snapshot() -> list[tuple]:
    return list(
        User.objects.order_by("id").values_list(
            "id", "login", "firstname", "lastname", "email", "password", "updated_at"
        )
    )


# -- import --------------------------------------------------------------------------------


def test_creates_users_with_the_hash_in_djangos_bcrypt_format_and_signup_roles():
    report = import_users(
        SYSTEM,
        [row("jblogs", "Joe Blogs"), row("amy", "Amy Lee  Smith"), row("solo", "Cher")],
    )
    assert counts(report) == (3, 0, 0, 0)
    users = {u.login: u for u in User.objects.all()}
    assert sorted(users) == ["amy", "jblogs", "solo"]
    assert (users["jblogs"].firstname, users["jblogs"].lastname) == ("Joe", "Blogs")
    assert (users["amy"].firstname, users["amy"].lastname) == ("Amy", "Lee Smith")
    assert (users["solo"].firstname, users["solo"].lastname) == ("Cher", "")
    assert users["jblogs"].email == "jblogs@example.com"
    assert users["jblogs"].password == "bcrypt$" + FAST_HASH
    assert users["jblogs"].active is True
    for user in users.values():
        assert list(user.roles.values_list("name", flat=True)) == ["Customer"]


def test_signup_roles_follow_the_runtime_setting():
    from helpline.core.services.settings import update_setting

    update_setting(SYSTEM, "users.default_role", "Agent")
    import_users(SYSTEM, [row("jblogs")])
    user = User.objects.get(login="jblogs")
    assert list(user.roles.values_list("name", flat=True)) == ["Agent"]


def test_a_second_run_changes_nothing_and_reports_every_user_unchanged():
    rows = [row("jblogs"), row("amy", "Amy Lee")]
    import_users(SYSTEM, rows)
    before = snapshot()
    report = import_users(SYSTEM, rows)
    assert counts(report) == (0, 0, 2, 0)
    assert snapshot() == before


def test_matches_users_by_login_without_regard_to_case_and_updates_name_and_email():
    import_users(SYSTEM, [row("jblogs", "Joe Blogs"), row("amy", "Amy Lee")])
    report = import_users(
        SYSTEM,
        [
            row("JBlogs", "Joseph Blogs", email="joe@example.org"),
            row("amy", "Amy Lee"),
            row("newbie", "New Bie"),
        ],
    )
    assert counts(report) == (1, 1, 1, 0)
    joe = User.objects.get(login="jblogs")  # the stored login keeps its case
    assert (joe.firstname, joe.lastname, joe.email) == ("Joseph", "Blogs", "joe@example.org")
    assert User.objects.count() == 3


@pytest.mark.parametrize(
    ("bad", "code", "reason"),
    [
        (row("j_blogs"), "user.login_invalid", "username: a login is 3 to 20 letters"),
        (row("jo"), "user.login_invalid", "username: a login is 3 to 20 letters"),
        (row("jblogs", email="not-an-email"), "user.email_invalid", "email: 'not-an-email'"),
        (row("jblogs", password="secret"), "user.password_not_bcrypt", "password: the password"),
        (
            row("jblogs", password="sha1$salt$0123456789abcdef0123456789abcdef01234567"),
            "user.password_not_bcrypt",
            "password: the password is not a bcrypt hash",
        ),
        (
            row("jblogs", password=FAST_HASH[:-1]),
            "user.password_not_bcrypt",
            "password: the password is not a bcrypt hash",
        ),
        (
            {"username": "jblogs", "name": "Joe", "password": FAST_HASH},
            "user.field_missing",
            "the field 'email' is missing",
        ),
        (
            {"username": "jblogs", "email": "j@example.com", "password": FAST_HASH},
            "user.field_missing",
            "the field 'name' is missing",
        ),
        (row("jblogs", name=None), "user.field_invalid", "the field 'name' must be text"),
        (row("jblogs", name="x" * 151), "user.name_too_long", "name: a first or last name"),
        (["jblogs"], "user.row_invalid", "a row must be a JSON object"),
    ],
)
def test_rejects_a_bad_row_with_its_position_and_reason_and_imports_the_rest(bad, code, reason):
    report = import_users(SYSTEM, [row("first"), bad, row("third")])
    assert counts(report) == (2, 0, 0, 1)
    [rejected] = report.rejected
    assert (rejected.position, rejected.code) == (2, code)
    assert rejected.reason.startswith(reason), rejected.reason
    assert sorted(User.objects.values_list("login", flat=True)) == ["first", "third"]


def test_rejects_repeated_usernames_and_emails_in_the_file():
    report = import_users(
        SYSTEM,
        [
            row("jblogs", email="joe@example.com"),
            row("JBLOGS", email="other@example.com"),
            row("amy", email="JOE@example.com"),
        ],
    )
    assert counts(report) == (1, 0, 0, 2)
    assert report.rejected == [
        RejectedRow(
            2,
            "JBLOGS",
            "user.login_duplicate",
            "username: the username JBLOGS is already in row 1",
        ),
        RejectedRow(
            3,
            "amy",
            "user.email_duplicate",
            "email: the email JOE@example.com is already in row 1",
        ),
    ]
    assert str(report.rejected[0]) == (
        "row 2 (JBLOGS): username: the username JBLOGS is already in row 1"
    )


def test_rejects_an_email_that_belongs_to_another_user():
    UserFactory(login="owner", email="taken@example.com")
    import_users(SYSTEM, [row("jblogs")])
    report = import_users(SYSTEM, [row("amy"), row("newbie", email="Taken@example.com")])
    assert counts(report) == (1, 0, 0, 1)
    assert report.rejected == [
        RejectedRow(
            2,
            "newbie",
            "user.email_taken",
            "email: the email Taken@example.com belongs to another user (owner)",
        )
    ]
    report = import_users(SYSTEM, [row("jblogs", email="taken@example.com")])
    assert counts(report) == (0, 0, 0, 1)
    assert report.rejected[0].reason == (
        "email: the email taken@example.com belongs to another user (owner)"
    )
    assert User.objects.get(login="jblogs").email == "jblogs@example.com"


def test_works_in_batches_reporting_progress_with_a_few_queries_per_batch():
    rows = [row(f"user{i}", f"First{i} Last") for i in range(1, 601)]
    steps: list[int] = []
    with CaptureQueriesContext(connection) as queries:
        report = import_users(SYSTEM, rows, progress=steps.append, batch_size=250)
    assert counts(report) == (600, 0, 0, 0)
    assert steps == [250, 250, 100]
    selects = [q for q in queries.captured_queries if q["sql"].lstrip().startswith("SELECT")]
    # Per batch: known logins, owners of the emails; plus the sign-up roles and their setting.
    assert len(selects) == 3 * 2 + 2
    assert len(queries.captured_queries) < 600 / 10
    assert User.objects.filter(roles__name="Customer").count() == 600

    changed = [row(f"user{i}", "Renamed Person") for i in range(1, 601)]
    with CaptureQueriesContext(connection) as queries:
        report = import_users(SYSTEM, changed, batch_size=250)
    assert counts(report) == (0, 600, 0, 0)
    assert len(queries.captured_queries) < 600 / 10
    assert User.objects.filter(firstname="Renamed", lastname="Person").count() == 600


@pytest.mark.django_db(transaction=True)
def test_a_row_the_database_refuses_while_writing_is_rejected_alone():
    """A user written by someone else between the check and the write (simulated by a
    trigger refusing one login) costs that row only, not its batch."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "CREATE TRIGGER refuse_racer BEFORE INSERT ON core_user "
                "WHEN NEW.login = 'racer' BEGIN SELECT RAISE(ABORT, 'UNIQUE constraint failed: "
                "core_user.login'); END"
            )
        else:
            cursor.execute(
                "CREATE FUNCTION refuse_racer() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                "IF NEW.login = 'racer' THEN RAISE unique_violation USING MESSAGE = 'taken'; "
                "END IF; RETURN NEW; END $$"
            )
            cursor.execute(
                "CREATE TRIGGER refuse_racer BEFORE INSERT ON core_user "
                "FOR EACH ROW EXECUTE FUNCTION refuse_racer()"
            )
    try:
        report = import_users(SYSTEM, [row("before"), row("racer"), row("after")])
    finally:
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute("DROP TRIGGER refuse_racer")
            else:
                cursor.execute("DROP TRIGGER refuse_racer ON core_user")
                cursor.execute("DROP FUNCTION refuse_racer()")
    assert counts(report) == (2, 0, 0, 1)
    assert report.rejected == [
        RejectedRow(
            2,
            "racer",
            "user.conflict",
            "the username or email was taken by another user during the import",
        )
    ]
    assert sorted(User.objects.values_list("login", flat=True)) == ["after", "before"]
    for login in ("before", "after"):
        user = User.objects.get(login=login)
        assert list(user.roles.values_list("name", flat=True)) == ["Customer"]


def test_needs_the_user_admin_permission_and_writes_nothing_when_refused():
    agent = Actor.for_user(UserFactory(login="agent", roles=["Agent"]))
    before = snapshot()
    with pytest.raises(PermissionDenied) as refused:
        import_users(agent, [row("jblogs")])
    assert refused.value.code == "permission.missing"
    with pytest.raises(PermissionDenied):
        export_users(agent)
    assert snapshot() == before
    admin = Actor.for_user(UserFactory(login="useradmin", roles=["Admin"]))
    assert counts(import_users(admin, [row("jblogs")])) == (1, 0, 0, 0)
    assert User.objects.get(login="jblogs").created_by == admin.user


# -- passwords -----------------------------------------------------------------------------


def test_imported_users_log_in_with_their_old_password_which_becomes_argon2(settings):
    settings.PASSWORD_HASHERS = PRODUCTION_HASHERS
    flicket_hash = bcrypt.hashpw(b"fido-the-dog", bcrypt.gensalt()).decode()
    assert flicket_hash.startswith("$2b$12$")
    import_users(SYSTEM, [row("susan", "Susan Smith", password=flicket_hash)])
    assert User.objects.get(login="susan").password == "bcrypt$" + flicket_hash

    assert check_credentials("susan", "wrong-password") is None
    assert User.objects.get(login="susan").password == "bcrypt$" + flicket_hash

    user = check_credentials("susan", "fido-the-dog")
    assert user is not None
    assert user.login == "susan"
    stored = User.objects.get(login="susan").password
    assert stored.startswith("argon2$argon2id$")

    assert authenticate(None, username="SUSAN", password="fido-the-dog") == user
    assert check_credentials("susan@example.com", "fido-the-dog") == user
    assert User.objects.get(login="susan").password == stored
    assert check_credentials("susan", "fido-the-cat") is None
    assert User.objects.get(login="susan").login_failed == 1


def test_a_password_longer_than_bcrypt_reads_counts_by_its_first_72_bytes(settings):
    """Flicket's bcrypt ignored bytes after the 72nd; such passwords keep working."""
    settings.PASSWORD_HASHERS = PRODUCTION_HASHERS
    long_password = "correct horse battery staple " * 3  # 87 bytes
    flicket_hash = bcrypt.hashpw(long_password.encode()[:72], bcrypt.gensalt(4)).decode()
    import_users(SYSTEM, [row("longpw", password=flicket_hash)])
    assert check_credentials("longpw", "x" * 80) is None
    assert check_credentials("longpw", long_password) is not None
    assert User.objects.get(login="longpw").password.startswith("argon2$")


def test_a_newer_file_replaces_an_imported_hash_but_never_one_made_in_helpline(settings):
    settings.PASSWORD_HASHERS = PRODUCTION_HASHERS
    old = bcrypt.hashpw(b"old-password", bcrypt.gensalt(4)).decode()
    new = bcrypt.hashpw(b"new-password", bcrypt.gensalt(4)).decode()
    import_users(SYSTEM, [row("waiting", password=old), row("active", password=old)])
    assert check_credentials("active", "old-password") is not None  # now argon2

    report = import_users(SYSTEM, [row("waiting", password=new), row("active", password=new)])
    assert counts(report) == (0, 1, 1, 0)
    assert User.objects.get(login="waiting").password == "bcrypt$" + new
    assert check_credentials("active", "old-password") is not None
    assert check_credentials("active", "new-password") is None


def test_an_empty_password_creates_a_user_without_one_and_never_clears_a_password():
    import_users(SYSTEM, [row("nopass", password=""), row("haspass")])
    assert not User.objects.get(login="nopass").has_usable_password()
    report = import_users(SYSTEM, [row("haspass", password="")])
    assert counts(report) == (0, 0, 1, 0)
    assert User.objects.get(login="haspass").password == "bcrypt$" + FAST_HASH


@pytest.mark.parametrize("variant", ["2a", "2b", "2y"])
def test_accepts_every_bcrypt_variant(variant):
    variant_hash = FAST_HASH.replace("$2b$", f"${variant}$", 1)
    report = import_users(SYSTEM, [row("variant", password=variant_hash)])
    assert counts(report) == (1, 0, 0, 0)
    assert check_credentials("variant", "fast-password") is not None


# -- export --------------------------------------------------------------------------------


def test_export_writes_flickets_format_for_active_users_oldest_first(settings):
    settings.PASSWORD_HASHERS = PRODUCTION_HASHERS
    import_users(
        SYSTEM,
        [row("jblogs", "Joe Blogs"), row("amy", "Amy Lee Smith"), row("nopass", "", password="")],
    )
    UserFactory(login="gone", email="gone@example.com", active=False)
    made_here = UserFactory(login="local", firstname="Lo", lastname="Cal", email="lo@example.com")
    made_here.set_password("local-password")
    made_here.save()

    assert export_users(SYSTEM) == [
        {
            "username": "jblogs",
            "name": "Joe Blogs",
            "email": "jblogs@example.com",
            "password": FAST_HASH,
        },
        {
            "username": "amy",
            "name": "Amy Lee Smith",
            "email": "amy@example.com",
            "password": FAST_HASH,
        },
        {"username": "nopass", "name": "", "email": "nopass@example.com", "password": ""},
        {
            "username": "local",
            "name": "Lo Cal",
            "email": "lo@example.com",
            "password": User.objects.get(login="local").password,
        },
    ]
    assert User.objects.get(login="local").password.startswith("argon2$argon2id$")


def test_importing_our_own_export_changes_nothing():
    UserFactory(login="local", firstname="Mary Ann", lastname="Smith", email="")
    import_users(SYSTEM, [row("jblogs", "Joe Blogs"), row("nopass", "No Pass", password="")])
    before = snapshot()
    exported = export_users(SYSTEM)
    report = import_users(SYSTEM, exported)
    assert counts(report) == (0, 0, 3, 0)
    assert snapshot() == before


def test_an_export_moves_users_with_helpline_passwords_to_another_install(settings):
    settings.PASSWORD_HASHERS = PRODUCTION_HASHERS
    import_users(SYSTEM, [row("jblogs", "Joe Blogs")])
    assert check_credentials("jblogs", "fast-password") is not None  # upgraded to argon2
    exported = export_users(SYSTEM)
    assert exported[0]["password"].startswith("argon2$argon2id$")

    User.objects.all().delete()  # the other install: the same file into an empty database
    report = import_users(SYSTEM, exported)
    assert counts(report) == (1, 0, 0, 0)
    assert check_credentials("jblogs", "fast-password") is not None
    assert check_credentials("jblogs", "wrong-password") is None
