"""Golden request/response files for the legacy dialects, and the code that replays them.

A case is two files in a dialect's ``tests/contract/`` folder, ``NAME.request`` and
``NAME.response``, written as plain HTTP messages; ``#`` lines at the top of a request
say where in the seed document the case comes from::

    # seed: find_user - "the content of the response will be the users ID"
    POST /helpdesk/api/find_user/
    Content-Type: application/x-www-form-urlencoded

    user=susan&password=fido&username=jblogs

and::

    HTTP 200
    Content-Type: text/plain; charset=utf-8

    {{user:jblogs}}

Every case of a folder runs against the world its ``world.json`` describes (groups, users
with their group memberships, tickets with their first article and fixed dates, built fresh
for each case); ``{{user:LOGIN}}``, ``{{group:NAME}}`` and ``{{ticket:TITLE}}`` stand for
their ids in both files, ``{{created:ticket}}`` in a response for the newest ticket after the
call. Only the headers a response file lists are compared. A JSON body is compared as parsed
data (the string ``"{{any}}"`` matches any value), any other body exactly (less the file's
final newline).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.test import Client

from helpline.core.models import Group
from helpline.testing.factories import ArticleFactory, GroupFactory, TicketFactory, UserFactory
from helpline.tickets.services.categories import ensure_default_category

PLACEHOLDER = re.compile(
    r"\{\{(user|group|ticket|created|category|subscription|article):([^}]+)\}\}"
)
ANY = "{{any}}"


@dataclass
class Message:
    start: str  # "POST /path" or "HTTP 200"
    headers: dict[str, str] = field(default_factory=dict)
    body: str = ""


@dataclass
class Case:
    name: str
    request: Message
    response: Message


def parse_message(text: str) -> Message:
    lines = text.split("\n")
    while lines and (lines[0].startswith("#") or not lines[0].strip()):
        lines.pop(0)
    if not lines:
        raise ValueError("empty message")
    message = Message(start=lines.pop(0).strip())
    while lines and lines[0].strip():
        name, _, value = lines.pop(0).partition(":")
        message.headers[name.strip().lower()] = value.strip()
    message.body = "\n".join(lines[1:]).removesuffix("\n")
    return message


def load_cases(folder: Path) -> list[Case]:
    """Every ``NAME.request`` in ``folder`` with its ``NAME.response``, by name."""
    cases = []
    for request in sorted(folder.glob("*.request")):
        response = request.with_suffix(".response")
        if not response.exists():
            raise FileNotFoundError(f"{request.name} has no {response.name}")
        cases.append(
            Case(
                name=request.stem,
                request=parse_message(request.read_text()),
                response=parse_message(response.read_text()),
            )
        )
    return cases


def build_world(spec_file: Path) -> dict[str, int]:
    """Create the groups and users of ``world.json``; return ``{"user:susan": 7, ...}``."""
    spec = json.loads(spec_file.read_text())
    ids: dict[str, int] = {}
    for group in spec.get("groups", []):
        made = GroupFactory(name=group["name"])
        if not group.get("active", True):
            Group.objects.filter(pk=made.pk).update(active=False)
        ids[f"group:{group['name']}"] = made.pk
        ids[f"category:{group['name']}"] = ensure_default_category(made).pk
    for user in spec.get("users", []):
        made = UserFactory(
            login=user["login"],
            email=user.get("email", f"{user['login']}@example.com"),
            password=user["password"],
            roles=user.get("roles", ["Customer"]),
            active=user.get("active", True),
            groups=[Group.objects.get(name=name) for name in user.get("groups", [])],
            **{k: user[k] for k in ("firstname", "lastname", "job_title") if k in user},
        )
        ids[f"user:{user['login']}"] = made.pk
    for ticket in spec.get("tickets", []):
        ids[f"ticket:{ticket['title']}"] = _build_ticket(ticket, ids)
    _build_extras(spec, ids)
    return ids


def _build_extras(spec: dict[str, Any], ids: dict[str, int]) -> None:
    """Runtime settings (``"settings": {"site.base_url": ...}``), session tokens with a
    known plaintext (``"session_tokens": {"LOGIN": "PLAINTEXT"}``) and followers
    (``"followers": [["TITLE", "LOGIN"]]``)."""
    from datetime import timedelta

    from helpline.core.models import AccessToken, User
    from helpline.core.services.settings import update_setting
    from helpline.core.services.tokens import hash_token
    from helpline.lib import clock
    from helpline.lib.actor import Actor
    from helpline.tickets.models import Subscription, Ticket

    for key, value in spec.get("settings", {}).items():
        update_setting(Actor.system(), key, value)
    for login, plaintext in spec.get("session_tokens", {}).items():
        AccessToken.objects.create(
            user=User.objects.get(login=login),
            label="contract",
            kind=AccessToken.Kind.SESSION,
            token_hash=hash_token(plaintext),
            prefix=plaintext[:8],
            expires_at=clock.now() + timedelta(hours=1),
        )
    for title, login in spec.get("followers", []):
        row = Subscription.objects.create(
            ticket=Ticket.objects.get(title=title), user=User.objects.get(login=login)
        )
        ids[f"subscription:{title}/{login}"] = row.pk


def _build_ticket(spec: dict[str, Any], ids: dict[str, int]) -> int:
    """A ticket with its description and ``replies`` (``{"name", "body", "by"}``, ids as
    ``{{article:NAME}}``), all dated ``created_at``."""
    from helpline.core.models import User
    from helpline.tickets.models import Article, Ticket

    def user(login: str | None) -> User | None:
        return User.objects.get(login=login) if login else None

    made = TicketFactory(
        title=spec["title"],
        group=Group.objects.get(name=spec["group"]),
        customer=user(spec.get("customer")),
        owner=user(spec.get("owner")),
        created_by=user(spec.get("created_by", spec.get("customer"))),
        state=spec.get("state", "new"),
        priority=spec.get("priority", "2 normal"),
        on_hold=spec.get("on_hold", False),
        description=spec.get("description", ""),
    )
    stamp = spec.get("created_at")
    if stamp:
        Ticket.objects.filter(pk=made.pk).update(created_at=stamp, updated_at=stamp)
        Article.objects.filter(ticket_id=made.pk).update(created_at=stamp, updated_at=stamp)
    if spec.get("description"):
        Article.objects.filter(ticket_id=made.pk).update(created_by=made.created_by)
    for reply in spec.get("replies", []):
        article = ArticleFactory(
            ticket=made, body=reply["body"], created_by=user(reply["by"]), type="web"
        )
        if stamp:
            Article.objects.filter(pk=article.pk).update(created_at=stamp, updated_at=stamp)
        ids[f"article:{reply['name']}"] = article.pk
    return int(made.pk)


def fill(text: str, ids: dict[str, int]) -> str:
    def replace(match: re.Match[str]) -> str:
        key = f"{match.group(1)}:{match.group(2)}"
        if key not in ids:
            raise KeyError(f"{{{{{key}}}}} is not in the world")
        return str(ids[key])

    return PLACEHOLDER.sub(replace, text)


def replay(client: Client, case: Case, ids: dict[str, int]) -> Any:
    """Send ``case.request`` and assert the answer is ``case.response``; returns the answer."""
    method, _, path = case.request.start.partition(" ")
    content_type = case.request.headers.get("content-type", "application/octet-stream")
    headers = {
        name: fill(value, ids)
        for name, value in case.request.headers.items()
        if name != "content-type"
    }
    answer = client.generic(
        method,
        fill(path.strip(), ids),
        fill(case.request.body, ids).encode(),
        content_type=content_type,
        headers=headers,
    )
    expected = case.response
    if "{{created:" in expected.body or any("{{created:" in v for v in expected.headers.values()):
        from helpline.tickets.models import Ticket

        newest = Ticket.objects.order_by("-pk").first()
        ids = {**ids, "created:ticket": newest.pk if newest else 0}
    status = int(expected.start.split()[1])
    body = answer.content.decode()
    assert answer.status_code == status, f"{case.name}: {answer.status_code} {body!r}"
    for name, value in expected.headers.items():
        assert answer.get(name) == fill(value, ids), f"{case.name}: header {name}"
    wanted = fill(expected.body, ids)
    if "json" in expected.headers.get("content-type", ""):
        assert matches(json.loads(body), json.loads(wanted)), f"{case.name}: body {body!r}"
    else:
        assert body == wanted, f"{case.name}: body {body!r}"
    return answer


def matches(got: Any, wanted: Any) -> bool:
    """Parsed JSON equality where the string ``"{{any}}"`` in ``wanted`` matches anything."""
    if wanted == ANY:
        return True
    if isinstance(wanted, dict):
        return (
            isinstance(got, dict)
            and got.keys() == wanted.keys()
            and all(matches(got[k], wanted[k]) for k in wanted)
        )
    if isinstance(wanted, list):
        return (
            isinstance(got, list)
            and len(got) == len(wanted)
            and all(matches(g, w) for g, w in zip(got, wanted, strict=True))
        )
    return bool(got == wanted)
