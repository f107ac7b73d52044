"""Channels: URLs, who may add them, what is shown of them, when they are due."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from helpline.lib.actor import Actor
from helpline.lib.errors import Conflict, Invalid, PermissionDenied
from helpline.mail.models import Channel
from helpline.mail.services.channels import add_channel, list_channels, parse_channel_url
from helpline.mail.services.fetch import fetch_due_channels
from helpline.testing.mail import free_port

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("url", "security", "expected"),
    [
        (
            "imap://me%40x.example:p%40ss@mail.x.example:1143/Support/New",
            None,
            ("imap", "starttls", "mail.x.example", 1143, "me@x.example", "p@ss", "Support/New"),
        ),
        ("imaps://u:p@h", None, ("imap", "tls", "h", 993, "u", "p", "INBOX")),
        ("imap://u:p@h", "plain", ("imap", "plain", "h", 143, "u", "p", "INBOX")),
        ("pop3s://u:p@h", None, ("pop3", "tls", "h", 995, "u", "p", "INBOX")),
        ("pop3://u:p@h:1110", "plain", ("pop3", "plain", "h", 1110, "u", "p", "INBOX")),
    ],
)
def test_parse_channel_url(url, security, expected):
    got = parse_channel_url(url, security)
    assert (
        got["protocol"],
        got["security"],
        got["host"],
        got["port"],
        got["username"],
        got["password"],
        got["folder"],
    ) == expected


@pytest.mark.parametrize(
    ("url", "security", "code"),
    [
        ("http://u:p@h", None, "channel.url_scheme"),
        ("imap://h", None, "channel.url_incomplete"),
        ("imap://u@h", None, "channel.url_incomplete"),
        ("imap://u:p@h", "ssl3", "channel.security_invalid"),
        ("pop3://u:p@h/Archive", None, "channel.folder_invalid"),
    ],
)
def test_bad_channel_urls(url, security, code):
    with pytest.raises(Invalid) as info:
        parse_channel_url(url, security)
    assert info.value.code == code


def test_add_channel_needs_admin_channel_and_never_shows_the_password(people, admin_user):
    with pytest.raises(PermissionDenied):
        add_channel(Actor.for_user(people.agent), "imap://u:p@h", group="Service Desk")
    with pytest.raises(Invalid) as unknown:
        add_channel(Actor.for_user(admin_user), "imap://u:p@h", group="Nowhere")
    assert (unknown.value.code, unknown.value.field) == ("channel.group_unknown", "group")
    channel = add_channel(
        Actor.for_user(admin_user), "imaps://desk%40x.example:hunter2@h/INBOX", group="service desk"
    )
    assert (channel.name, channel.address, channel.group, channel.password) == (
        "desk@x.example@h/INBOX",
        "desk@x.example",
        people.group,
        "hunter2",
    )
    with pytest.raises(Conflict):
        add_channel(
            Actor.for_user(admin_user),
            "imaps://desk%40x.example:other@h/INBOX",
            group="Service Desk",
        )
    shown = list_channels(Actor.for_user(admin_user))
    assert len(shown) == 1
    assert "password" not in shown[0]
    assert shown[0]["password_set"] is True
    assert "hunter2" not in repr(shown)


def test_due_channels_follow_their_polling_interval(people):
    port = free_port()  # nothing listens there
    due = add_channel(
        Actor.system(), f"imap://u:p@127.0.0.1:{port}/INBOX", group="Service Desk", security="plain"
    )
    recent = add_channel(
        Actor.system(),
        f"imap://v:p@127.0.0.1:{port}/INBOX",
        group="Service Desk",
        security="plain",
        poll_interval=300,
    )
    Channel.objects.filter(pk=recent.pk).update(last_fetch_at=timezone.now() - timedelta(minutes=2))
    assert fetch_due_channels() == {"errors": 1}
    due.refresh_from_db()
    recent.refresh_from_db()
    assert due.last_error.startswith("ConnectionRefusedError")
    assert recent.last_error == ""
    assert fetch_due_channels() == {}  # fetched a moment ago, not due again yet
