"""Test-wide fixtures: jobs run inline (Huey immediate mode), seeded rows kept, personas."""

from __future__ import annotations

import importlib

import pytest

# Data migrations that seed rows every install has. A transactional test flushes the
# database afterwards, so these are re-applied (idempotently) before each test that needs it.
SEED_MIGRATIONS = [
    "helpline.core.migrations.0002_role_builtin_data",
    "helpline.core.migrations.0006_objectattribute_builtin_data",
    "helpline.tickets.migrations.0002_ticketstate_builtin_data",
    "helpline.tickets.migrations.0004_calendar_default_data",
]


@pytest.fixture(autouse=True, scope="session")
def _jobs_run_inline() -> None:
    from helpline.queue import HUEY

    HUEY.immediate = True


@pytest.fixture(autouse=True)
def _seeded_rows(request: pytest.FixtureRequest) -> None:
    marker = request.node.get_closest_marker("django_db")
    if marker is None and not {"db", "transactional_db"} & set(request.fixturenames):
        return
    request.getfixturevalue(
        "transactional_db" if marker and marker.kwargs.get("transaction") else "db"
    )
    from django.apps import apps

    from helpline.core.models import Role

    if Role.objects.exists():
        return
    for name in SEED_MIGRATIONS:
        importlib.import_module(name).forwards(apps, None)


@pytest.fixture(autouse=True)
def _fresh_reference_cache() -> None:
    """Each test starts with no cached reference lists: the last test's rows are gone."""
    from helpline.lib import refcache

    refcache.clear()


@pytest.fixture
def admin_user(db):
    from helpline.testing.factories import UserFactory

    return UserFactory(login="admin1", roles=["Admin"])


@pytest.fixture
def smtp_server():
    """A real SMTP server (aiosmtpd, in this process) that Django's mail settings know
    nothing about: tests point the saved mail server, or the settings, at it."""
    from helpline.testing.mail import SmtpServer

    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def _english_after_each_test():
    """A page request in French activates French for the thread; never let it leak."""
    yield
    from django.utils import translation

    translation.activate("en")
