"""``helpline users import|export`` as an operator runs them: real processes, a real terminal."""

from __future__ import annotations

import fcntl
import json
import os
import pty
import struct
import subprocess
import sys
import termios

import bcrypt
import pytest

from tests.system.conftest import helpline

pytestmark = pytest.mark.system


def run_in_terminal(args: list[str], env: dict[str, str]) -> tuple[int, str]:
    """Run ``helpline ARGS`` in a 100-column pseudo-terminal; return its code and output."""
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    proc = subprocess.Popen(
        [sys.executable, "-m", "helpline", *args],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=follower,
        stderr=follower,
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the terminal closes when the process ends
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    return proc.wait(timeout=120), b"".join(chunks).decode()


@pytest.mark.parametrize("args", [["users"], ["users", "import"], ["users", "export"]])
def test_every_users_action_has_help(server_env, args):
    result = helpline(*args, "--help", env=server_env)
    assert result.returncode == 0
    assert result.stdout.startswith(f"usage: helpline {' '.join(args)}")


def test_import_shows_a_progress_bar_and_the_users_log_in(server_env, tmp_path):
    assert helpline("migrate", env=server_env).returncode == 0
    password_hash = bcrypt.hashpw(b"fido-the-dog", bcrypt.gensalt()).decode()
    rows = [
        {"username": f"user{i}", "name": f"User {i}", "email": f"u{i}@example.com"}
        | {"password": password_hash}
        for i in range(1, 1501)
    ]
    source = tmp_path / "users.json"
    source.write_text(json.dumps(rows))

    code, output = run_in_terminal(["users", "import", str(source)], server_env)
    assert code == 0, output
    assert "Importing: 100%" in output
    assert "1500/1500" in output
    assert "Created 1500, updated 0, skipped 0 (unchanged), rejected 0." in output

    login = helpline(
        "shell",
        "-c",
        "from helpline.core.services.users import check_credentials as c; "
        "u = c('user7', 'fido-the-dog'); print(u.login, u.password.split('$')[0])",
        env=server_env,
    )
    assert login.stdout.strip().splitlines()[-1] == "user7 argon2"

    target = tmp_path / "export.json"
    exported = helpline("users", "export", str(target), env=server_env)
    assert exported.returncode == 0, exported.stderr
    assert exported.stdout == f"Exported 1500 users to {target}.\n"
    again = json.loads(target.read_text())
    assert again[0] == rows[0]
    assert again[6]["password"].startswith("argon2$argon2id$")

    second = helpline("users", "import", str(target), env=server_env)
    assert second.returncode == 0, second.stderr
    assert second.stdout == "Created 0, updated 0, skipped 1500 (unchanged), rejected 0.\n"
    assert second.stderr == ""  # no progress bar when nobody watches a terminal
