"""``helpline users import|export``: thin commands over the user_transfer service."""

from __future__ import annotations

import io
import json
import stat

import bcrypt
import pytest

from helpline import cli
from helpline.core.models import User

pytestmark = pytest.mark.django_db

HASH = bcrypt.hashpw(b"fido-the-dog", bcrypt.gensalt(4)).decode()
FLICKET_FILE = [
    {"username": "jblogs", "name": "Joe Blogs", "email": "jblogs@email.com", "password": HASH},
    {"username": "susan", "name": "Susan Smith", "email": "susan@email.com", "password": HASH},
]


def write(path, data) -> str:
    path.write_text(json.dumps(data))
    return str(path)


def test_import_reports_counts_and_a_second_run_skips_everyone(tmp_path, capsys):
    name = write(tmp_path / "users.json", FLICKET_FILE)
    assert cli.main(["users", "import", name]) == 0
    assert capsys.readouterr().out == ("Created 2, updated 0, skipped 0 (unchanged), rejected 0.\n")
    assert cli.main(["users", "import", name]) == 0
    assert capsys.readouterr().out == ("Created 0, updated 0, skipped 2 (unchanged), rejected 0.\n")
    assert sorted(User.objects.values_list("login", flat=True)) == ["jblogs", "susan"]


def test_import_lists_rejected_rows_and_exits_1(tmp_path, capsys):
    rows = [
        *FLICKET_FILE,
        {"username": "j_doe", "name": "J Doe", "email": "jdoe@email.com", "password": HASH},
        {"username": "amy", "name": "Amy", "email": "amy@email.com", "password": "plain"},
    ]
    assert cli.main(["users", "import", write(tmp_path / "users.json", rows)]) == 1
    assert capsys.readouterr().out.splitlines() == [
        "Created 2, updated 0, skipped 0 (unchanged), rejected 2.",
        "  rejected row 3 (j_doe): username: a login is 3 to 20 letters, digits, dots or "
        "dashes (or an email address)",
        "  rejected row 4 (amy): password: the password is not a bcrypt hash ($2b$12$ and 53 "
        "more characters)",
    ]


def test_import_lists_at_most_fifty_rejections(tmp_path, capsys):
    rows = [{"username": f"bad_{i}"} for i in range(60)]
    assert cli.main(["users", "import", write(tmp_path / "users.json", rows)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "Created 0, updated 0, skipped 0 (unchanged), rejected 60."
    assert lines[1] == "  rejected row 1 (bad_0): the field 'name' is missing"
    assert len(lines) == 1 + 50 + 1
    assert lines[-1] == "  ... and 10 more rejected rows"


def test_import_reads_standard_input(monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps(FLICKET_FILE)))
    assert cli.main(["users", "import", "-"]) == 0
    assert capsys.readouterr().out.startswith("Created 2,")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "is not valid JSON: Expecting property name enclosed in double quotes"),
        ('{"username": "jblogs"}', "must hold a JSON list of users, not a dict"),
    ],
)
def test_import_of_a_bad_file_is_one_line_and_writes_nothing(tmp_path, capsys, content, message):
    path = tmp_path / "users.json"
    path.write_text(content)
    assert cli.main(["users", "import", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith(f"helpline: error: {path} ")
    assert message in err
    assert User.objects.count() == 0


def test_import_of_a_missing_file(tmp_path, capsys):
    assert cli.main(["users", "import", str(tmp_path / "nope.json")]) == 2
    assert capsys.readouterr().err == (
        f"helpline: error: cannot read {tmp_path / 'nope.json'}: No such file or directory\n"
    )


def test_export_writes_a_private_file_that_imports_back_unchanged(tmp_path, capsys):
    cli.main(["users", "import", write(tmp_path / "in.json", FLICKET_FILE)])
    capsys.readouterr()
    out = tmp_path / "out.json"
    assert cli.main(["users", "export", str(out)]) == 0
    assert capsys.readouterr().out == f"Exported 2 users to {out}.\n"
    assert json.loads(out.read_text()) == FLICKET_FILE
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []

    assert cli.main(["users", "import", str(out)]) == 0
    assert capsys.readouterr().out.startswith("Created 0, updated 0, skipped 2 (unchanged)")


def test_export_refuses_to_replace_a_file_unless_forced(tmp_path, capsys):
    out = tmp_path / "out.json"
    out.write_text("keep me")
    assert cli.main(["users", "export", str(out)]) == 2
    assert capsys.readouterr().err == (
        f"helpline: error: {out} already exists; use --force to replace it\n"
    )
    assert out.read_text() == "keep me"
    assert cli.main(["users", "export", "--force", str(out)]) == 0
    assert json.loads(out.read_text()) == []


def test_export_to_standard_output(capsys):
    User.objects.create(login="amy", email="amy@example.com", firstname="Amy")
    assert cli.main(["users", "export", "-"]) == 0
    assert json.loads(capsys.readouterr().out) == [
        {"username": "amy", "name": "Amy", "email": "amy@example.com", "password": ""}
    ]


def test_export_into_a_missing_folder(tmp_path, capsys):
    target = tmp_path / "no" / "such" / "out.json"
    assert cli.main(["users", "export", str(target)]) == 2
    assert capsys.readouterr().err == (
        f"helpline: error: cannot write {target}: No such file or directory\n"
    )
