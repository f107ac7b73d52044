"""The ``helpline`` command as a user meets it: help everywhere, one-line errors, exit codes."""

from __future__ import annotations

import pytest

from tests.system.conftest import free_port, helpline

pytestmark = pytest.mark.system

SUBCOMMANDS = ["serve", "worker", "migrate", "createadmin", "check", "shell", "version"]


@pytest.mark.parametrize("command", SUBCOMMANDS)
def test_every_subcommand_has_help(command, server_env):
    result = helpline(command, "--help", env=server_env)
    assert result.returncode == 0
    assert result.stdout.startswith(f"usage: helpline {command}")


def test_version(server_env):
    result = helpline("version", env=server_env)
    assert result.returncode == 0
    assert result.stdout.strip().startswith("helpline 0.")


def assert_one_line_error(result, expected: str) -> None:
    assert result.returncode != 0
    assert "Traceback" not in result.stdout + result.stderr
    error_lines = [
        line for line in result.stderr.splitlines() if line.startswith("helpline: error:")
    ]
    assert len(error_lines) == 1, result.stderr
    assert expected in error_lines[0]


def test_unknown_subcommand(server_env):
    assert_one_line_error(helpline("frobnicate", env=server_env), "invalid choice: 'frobnicate'")


def test_bad_database_url(server_env):
    env = dict(server_env, DATABASE_URL="mysql://root@localhost/helpline")
    assert_one_line_error(helpline("migrate", env=env), "unsupported scheme 'mysql'")


def test_unreachable_postgresql(server_env):
    env = dict(server_env, DATABASE_URL=f"postgresql://nobody@127.0.0.1:{free_port()}/helpline")
    result = helpline("serve", "--port", str(free_port()), env=env)
    assert_one_line_error(result, "cannot reach the PostgreSQL database 'helpline' at 127.0.0.1:")


def test_unwritable_data_dir(server_env, tmp_path):
    blocker = tmp_path / "blocker"
    blocker.write_text("a file, not a folder")
    env = dict(server_env, HELPLINE_DATA_DIR=str(blocker / "data"))
    assert_one_line_error(helpline("check", env=env), "is not writable")


def test_bad_boolean(server_env):
    assert_one_line_error(
        helpline("check", env=dict(server_env, HELPLINE_DEBUG="yes")),
        "HELPLINE_DEBUG='yes' is not a boolean",
    )


def test_check_reports_pending_migrations_then_ok(server_env):
    before = helpline("check", env=server_env)
    assert before.returncode == 1
    assert "FAIL  migrations:" in before.stdout
    assert helpline("migrate", env=server_env).returncode == 0
    after = helpline("check", env=server_env)
    assert after.returncode == 0, after.stdout
    assert after.stdout.splitlines() == [
        "ok    configuration",
        "ok    database",
        "ok    queue",
        "ok    migrations",
        "ok    storage",
    ]


def test_settings_default_to_sqlite_in_the_data_dir(server_env):
    env = {k: v for k, v in server_env.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    code = (
        "from django.conf import settings; from django.db import connection;"
        "c = connection.cursor(); c.execute('PRAGMA journal_mode');"
        "print(settings.DATABASES['default']['NAME']); print(c.fetchone()[0]);"
        "print(settings.HUEY['huey_class'], settings.HUEY['filename'])"
    )
    result = helpline("shell", "-c", code, env=env)
    name, journal, huey = result.stdout.strip().splitlines()[-3:]
    data = server_env["HELPLINE_DATA_DIR"]
    assert name == f"{data}/helpline.sqlite3"
    assert journal == "wal"
    assert huey == f"huey.SqliteHuey {data}/jobs.sqlite3"


def test_settings_follow_database_url_and_redis_url(server_env):
    env = dict(
        server_env,
        DATABASE_URL="postgresql://u:p@db.internal:6543/helpdesk",
        REDIS_URL="redis://cache.internal:6380/2",
    )
    code = (
        "from django.conf import settings; d = settings.DATABASES['default'];"
        "print(d['ENGINE'], d['HOST'], d['PORT'], d['NAME']);"
        "print(settings.HUEY['huey_class'], settings.HUEY['url']);"
        "print(settings.CACHES['default']['BACKEND'])"
    )
    result = helpline("shell", "-c", code, env=env)
    assert result.stdout.strip().splitlines()[-3:] == [
        "django.db.backends.postgresql db.internal 6543 helpdesk",
        "huey.RedisHuey redis://cache.internal:6380/2",
        "django.core.cache.backends.redis.RedisCache",
    ]
