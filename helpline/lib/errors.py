"""Typed errors raised by services and translated by each door.

Every error carries a stable ``code`` ("<domain>.<reason>") that doors map onto their
own status codes and texts, and a human message. ``Invalid`` also names the field.
"""

from __future__ import annotations


class ConfigError(Exception):
    """The environment holds a value Helpline cannot use; the message says which and why."""


class DomainError(Exception):
    status = 400
    default_code = "invalid"

    def __init__(self, message: str = "", *, code: str | None = None, field: str | None = None):
        self.code = code or self.default_code
        self.field = field
        self.message = message or self.code
        super().__init__(self.message)

    def __str__(self) -> str:
        if self.field:
            return f"{self.field}: {self.message}"
        return self.message


class NotFound(DomainError):
    """The object does not exist, or the actor may not know that it exists."""

    status = 404
    default_code = "not_found"


class PermissionDenied(DomainError):
    status = 403
    default_code = "permission_denied"


class NotAuthenticated(DomainError):
    status = 401
    default_code = "not_authenticated"


class Invalid(DomainError):
    """Input failed validation; ``field`` names the offending field."""

    status = 422
    default_code = "invalid"


class Conflict(DomainError):
    """The request is valid but clashes with the current state (e.g. still referenced)."""

    status = 409
    default_code = "conflict"


class RateLimited(DomainError):
    status = 429
    default_code = "rate_limited"
