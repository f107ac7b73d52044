"""Mail tests talk to a real SMTP server (aiosmtpd, in this process, on a loopback port)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from helpline.core.models import Group, User
from helpline.testing.factories import GroupFactory, UserFactory
from helpline.testing.mail import SmtpServer, use_smtp


@pytest.fixture
def smtp(settings, smtp_server) -> SmtpServer:
    """The SMTP server as the environment's (``HELPLINE_SMTP_URL``)."""
    use_smtp(settings, smtp_server)
    return smtp_server


@dataclass
class People:
    group: Group
    agent: User
    other_agent: User
    follower: User
    customer: User
    outsider: User


@pytest.fixture
def people(db) -> People:
    group = GroupFactory(name="Service Desk")
    other = GroupFactory(name="Facilities")
    return People(
        group=group,
        agent=UserFactory(
            login="alice", email="alice@example.com", roles=["Agent"], groups=[group]
        ),
        other_agent=UserFactory(
            login="bob", email="bob@example.com", roles=["Agent"], groups=[group]
        ),
        follower=UserFactory(
            login="fred", email="fred@example.com", roles=["Agent"], groups=[group]
        ),
        customer=UserFactory(login="carol", email="carol@example.com", roles=["Customer"]),
        outsider=UserFactory(
            login="oscar", email="oscar@example.com", roles=["Agent"], groups=[other]
        ),
    )


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run on-commit callbacks (event delivery, job enqueueing) of the wrapped block."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture(autouse=True)
def uploads_dir(settings, tmp_path):
    location = tmp_path / "uploads"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(location)},
        },
    }
    return location
