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

Every case of a folder runs against the world its ``world.json`` describes (groups and
users, built fresh for each case); ``{{user:LOGIN}}`` and ``{{group:NAME}}`` stand for their
ids in both files. Only the headers a response file lists are compared. A JSON body is
compared as parsed data, any other body exactly (less the file's final newline).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.test import Client

from helpline.core.models import Group
from helpline.testing.factories import GroupFactory, UserFactory

PLACEHOLDER = re.compile(r"\{\{(user|group):([^}]+)\}\}")


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
    for user in spec.get("users", []):
        made = UserFactory(
            login=user["login"],
            email=user.get("email", f"{user['login']}@example.com"),
            password=user["password"],
            roles=user.get("roles", ["Customer"]),
            active=user.get("active", True),
        )
        ids[f"user:{user['login']}"] = made.pk
    return ids


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
    answer = client.generic(
        method,
        fill(path.strip(), ids),
        fill(case.request.body, ids).encode(),
        content_type=content_type,
    )
    expected = case.response
    status = int(expected.start.split()[1])
    body = answer.content.decode()
    assert answer.status_code == status, f"{case.name}: {answer.status_code} {body!r}"
    for name, value in expected.headers.items():
        assert answer.get(name) == fill(value, ids), f"{case.name}: header {name}"
    wanted = fill(expected.body, ids)
    if "json" in expected.headers.get("content-type", ""):
        assert json.loads(body) == json.loads(wanted), f"{case.name}: body {body!r}"
    else:
        assert body == wanted, f"{case.name}: body {body!r}"
    return answer
