import pytest

from helpline import cli
from helpline.core.models import User
from helpline.core.services.users import check_credentials

pytestmark = pytest.mark.django_db


def test_prints_a_generated_password_that_works(capsys):
    assert cli.main(["createadmin", "--login", "root", "--email", "root@example.com"]) == 0
    out = capsys.readouterr().out
    password = next(
        line.split(": ", 1)[1] for line in out.splitlines() if line.startswith("Password: ")
    )
    user = check_credentials("root", password)
    assert user is not None
    assert user.has_permission("admin.user")
    assert user.has_permission("ticket.agent") is False or user.has_permission("admin")


def test_second_call_updates_never_duplicates(capsys):
    cli.main(
        ["createadmin", "--login", "root", "--email", "root@example.com", "--password", "first-pw"]
    )
    assert (
        cli.main(
            [
                "createadmin",
                "--login",
                "ROOT",
                "--email",
                "boss@example.com",
                "--password",
                "second-pw",
            ]
        )
        == 0
    )
    assert "Updated administrator root <boss@example.com>" in capsys.readouterr().out
    assert User.objects.filter(login__iexact="root").count() == 1
    assert check_credentials("root", "first-pw") is None
    assert check_credentials("boss@example.com", "second-pw") is not None


def test_without_password_an_existing_admin_keeps_theirs(capsys):
    cli.main(
        ["createadmin", "--login", "root", "--email", "root@example.com", "--password", "keep-me"]
    )
    capsys.readouterr()
    cli.main(["createadmin", "--login", "root", "--email", "root@example.com"])
    assert "Password:" not in capsys.readouterr().out
    assert check_credentials("root", "keep-me") is not None


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--login", "x", "--email", "x@example.com"], "login: a login is 3 to 20"),
        (["--login", "okname", "--email", "not-an-email"], "email: 'not-an-email' is not an email"),
        (["--login", "okname", "--email", "o@example.com", "--password", "123"], "at least 6"),
    ],
)
def test_bad_input_is_one_clear_line_and_creates_nothing(capsys, args, message):
    assert cli.main(["createadmin", *args]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("helpline: error: ")
    assert message in err
    assert User.objects.count() == 0
