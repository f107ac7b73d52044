"""A method a path does not take answers 405 in the API's JSON error shape, with ``Allow``,
before and without touching anything."""

from __future__ import annotations

import pytest

from helpline.api.tests.conftest import ERROR_KEYS
from helpline.core.models import User
from helpline.tickets.models import Ticket


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("PATCH", "/tickets", "GET, POST"),
        ("DELETE", "/tickets", "GET, POST"),
        ("DELETE", "/users/me", "GET"),
        ("PATCH", "/users/1", "DELETE, GET, PUT"),
        ("POST", "/tickets/search", "GET"),
        ("PUT", "/online_notifications/mark_all_as_read", "POST"),
    ],
)
def test_wrong_method_is_a_json_405_with_allow(as_admin, admin, method, path, allow):
    users, tickets = User.objects.count(), Ticket.objects.count()
    status, body = as_admin.call(method, path, {"title": "x"})
    assert status == 405
    assert as_admin.last["Content-Type"] == "application/json"
    assert as_admin.last["Allow"] == allow
    assert set(body) == ERROR_KEYS
    assert body["code"] == "api.method_not_allowed"
    assert body["error"] == body["error_human"]
    assert body["error"] == f"{method} is not allowed on /api/v1{path}; use {allow}"
    assert (User.objects.count(), Ticket.objects.count()) == (users, tickets)


def test_anonymous_wrong_method_is_the_same_405(anonymous):
    status, body = anonymous.call("PATCH", "/tickets")
    assert (status, body["code"], anonymous.last["Allow"]) == (
        405,
        "api.method_not_allowed",
        "GET, POST",
    )


def test_right_methods_and_unknown_paths_are_unchanged(as_admin, admin):
    assert as_admin.get("/users/me")[0] == 200
    status, body = as_admin.call("PATCH", "/no_such_thing")
    assert (status, body["code"]) == (404, "api.no_endpoint")
