"""Reading django-helpdesk's POST fields into Helpline's terms; malformed input is ``Invalid``."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import QueryDict

from helpline.dialects.djhelpdesk import vocab
from helpline.lib.errors import Invalid


def credentials(data: QueryDict) -> tuple[str | None, str | None]:
    """The login and password sent with a call: ``user`` wins over ``username``."""
    login = next((data.get(name) for name in vocab.LOGIN_FIELDS if data.get(name)), None)
    return login, data.get(vocab.PASSWORD_FIELD)


def username(data: QueryDict) -> str:
    """``find_user``'s ``username``, the login to look up exactly as given."""
    value = data.get("username", "")
    if not value:
        raise Invalid(
            "a username to look up is required",
            code="djhelpdesk.username_missing",
            field="username",
        )
    return value


def _form_error(field: str, message: str, code: str) -> Invalid:
    """An error as django-helpdesk's form reported it (``form.errors.as_text()``)."""
    return Invalid(f"* {field}\n  * {message}", code=code, field=field)


def _integer(data: QueryDict, name: str, *, required: bool) -> int | None:
    value = data.get(name, "").strip()
    if not value:
        if required:
            raise _form_error(name, "This field is required.", f"djhelpdesk.{name}_missing")
        return None
    try:
        return int(value)
    except ValueError:
        raise _form_error(name, "Enter a whole number.", f"djhelpdesk.{name}_invalid") from None


def ticket_id(data: QueryDict) -> int:
    """The ``ticket`` a call acts on: a number, else 400."""
    value = data.get("ticket", "").strip()
    if not value:
        raise Invalid("No ticket ID provided", code="djhelpdesk.ticket_missing", field="ticket")
    try:
        return int(value)
    except ValueError:
        raise Invalid(
            f"Invalid ticket ID {value!r}: a number is required",
            code="djhelpdesk.ticket_invalid",
            field="ticket",
        ) from None


@dataclass(frozen=True)
class NewTicket:
    queue: int
    title: str
    body: str
    submitter_email: str
    assigned_to: int | None
    rank: int


def new_ticket(data: QueryDict) -> NewTicket:
    """``create_ticket``'s fields, checked as django-helpdesk's ticket form checked them."""
    queue = _integer(data, "queue", required=True)
    title = data.get("title", "").strip()
    if not title:
        raise _form_error("title", "This field is required.", "djhelpdesk.title_missing")
    if len(title) > vocab.TITLE_MAX:
        raise _form_error(
            "title",
            f"Ensure this value has at most {vocab.TITLE_MAX} characters (it has {len(title)}).",
            "djhelpdesk.title_too_long",
        )
    body = data.get("body", "").strip()
    if not body:
        raise _form_error("body", "This field is required.", "djhelpdesk.body_missing")
    assigned_to = _integer(data, "assigned_to", required=False)
    priority = _integer(data, "priority", required=False)
    if priority is None:
        priority = vocab.DEFAULT_PRIORITY
    if priority not in vocab.PRIORITIES:
        raise _form_error(
            "priority",
            f"Select a valid choice. {priority} is not one of the available choices.",
            "djhelpdesk.priority_invalid",
        )
    return NewTicket(
        queue=queue or 0,
        title=title,
        body=body,
        submitter_email=data.get("submitter_email", "").strip(),
        assigned_to=assigned_to,
        rank=vocab.rank_of_priority(priority),
    )


def confirmed(data: QueryDict) -> None:
    """``delete_ticket`` goes ahead only with a ``confirm`` field (any value)."""
    if not data.get("confirm"):
        raise Invalid(
            "No confirmation provided", code="djhelpdesk.confirm_missing", field="confirm"
        )


@dataclass(frozen=True)
class Followup:
    message: str
    public: bool


def followup(data: QueryDict) -> Followup:
    """``add_followup``'s ``message`` and ``public`` (``y`` or ``n``, private when absent)."""
    flag = data.get("public", "n")
    if flag not in vocab.PUBLIC_FLAGS:
        raise Invalid("Invalid 'public' flag", code="djhelpdesk.public_invalid", field="public")
    message = data.get("message", "")
    if not message.strip():
        raise Invalid("Blank message", code="djhelpdesk.message_missing", field="message")
    return Followup(message=message, public=vocab.PUBLIC_FLAGS[flag])


def resolution(data: QueryDict) -> str:
    text = data.get("resolution", "")
    if not text.strip():
        raise Invalid("Blank resolution", code="djhelpdesk.resolution_missing", field="resolution")
    return text
