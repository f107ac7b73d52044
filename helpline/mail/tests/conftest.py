"""Mail tests talk to a real SMTP server (aiosmtpd, in this process, on a loopback port)."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from helpline.core.models import Group, User
from helpline.testing.factories import GroupFactory, UserFactory


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Inbox:
    """What the SMTP server accepted: one entry per (message, recipient)."""

    messages: list[tuple[list[str], EmailMessage]] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append((list(envelope.rcpt_tos), message))  # type: ignore[arg-type]
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for rcpts, m in self.messages if address in rcpts]

    @property
    def recipients(self) -> list[str]:
        return sorted(r for rcpts, _ in self.messages for r in rcpts)


class SmtpServer:
    def __init__(self) -> None:
        self.inbox = Inbox()
        self.port = free_port()
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp(settings) -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    settings.DEFAULT_FROM_EMAIL = "support@helpline.test"
    yield server
    server.stop()


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
