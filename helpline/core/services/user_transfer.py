"""Moving users in and out in Flicket's format (its ``export_users`` / ``import_users``).

A file is a JSON list of objects ``{"username", "name", "email", "password"}`` where
``password`` is a bcrypt hash (``$2b$12$...``). Imported users keep their passwords: the
hash is stored as Django's ``bcrypt$<hash>`` and re-hashed with argon2 at the first login.

Import rules:

- Rows are matched to users by login, without regard to case. A known user whose name or
  email differ is updated; one that is the same is reported as unchanged (so running the
  same file twice changes nothing).
- A bad row is rejected with its position (1 = the first object in the list) and the
  reason; the other rows are still imported. Each row is written completely or not at all.
- A password from the file replaces the stored one only while the stored one is still an
  imported bcrypt hash (or none): once a user has logged in (argon2) or set a password in
  Helpline, that password wins.
- New users get the default sign-up roles.

Export writes the same format. Users whose stored hash is not bcrypt (every user who has
logged in once since the import, everyone created in Helpline) cannot be given a bcrypt
hash: their ``password`` holds Helpline's own hash as stored (``argon2$argon2id$...``),
which Helpline's import accepts back and Flicket cannot use; users without a password
have ``""``, which import reads as "no password" (never clearing an existing one).
Disabled users are left out: the format cannot say that a user is disabled.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX, get_hashers, identify_hasher
from django.db import IntegrityError, connection, transaction
from django.db.models.functions import Lower

from helpline.core import permissions as perms
from helpline.core import rules
from helpline.core.models import Role, User
from helpline.core.services.users import default_signup_roles
from helpline.lib import clock, refcache
from helpline.lib.actor import Actor
from helpline.lib.errors import Invalid

FIELDS = ("username", "name", "email", "password")
FILE_FIELD = {"login": "username"}  # Helpline's field names as the file calls them
BATCH_SIZE = 1000
# What an import changes on a known user, in the order ``_update_rows`` passes them.
UPDATED_FIELDS = ("firstname", "lastname", "email", "password", "updated_by", "updated_at")
NAME_PART_MAX = 150

# A bcrypt hash as the bcrypt library writes it: variant, cost 04-31, 22 salt + 31 hash chars.
BCRYPT_RE = re.compile(r"^\$2[abxy]\$(0[4-9]|[12]\d|3[01])\$[./A-Za-z0-9]{53}$")
BCRYPT_PREFIX = "bcrypt$"

Progress = Callable[[int], None]


@dataclass(frozen=True)
class RejectedRow:
    """A row left out, with its 1-based position in the file and why."""

    position: int
    username: str
    code: str
    reason: str

    def __str__(self) -> str:
        who = f" ({self.username})" if self.username else ""
        return f"row {self.position}{who}: {self.reason}"


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    skipped: int = 0  # already there and unchanged
    rejected: list[RejectedRow] = field(default_factory=list)


@dataclass
class _Row:
    position: int
    login: str
    firstname: str
    lastname: str
    email: str
    password: str  # Django's encoded form; "" when the file gives none

    @property
    def name(self) -> str:
        return _joined(self.firstname, self.lastname)


def import_users(
    actor: Actor,
    rows: Sequence[Any],
    *,
    progress: Progress | None = None,
    batch_size: int = BATCH_SIZE,
) -> ImportReport:
    """Create or update the users in ``rows`` (Flicket's export format); needs ``admin.user``.

    Works in batches of ``batch_size`` rows (a few queries per batch, whatever its size) and
    calls ``progress(n)`` after each batch with the number of rows it handled.
    """
    perms.require(actor, perms.ADMIN_USER)
    report = ImportReport()
    roles = default_signup_roles()
    first_login: dict[str, int] = {}  # lower-case login -> position of its first row
    first_email: dict[str, int] = {}
    for start in range(0, len(rows), batch_size):
        batch = rows[start : start + batch_size]
        parsed: list[_Row] = []
        for offset, raw in enumerate(batch):
            position = start + offset + 1
            try:
                row = _parse(position, raw)
                _check_repeats(row, first_login, first_email)
            except Invalid as exc:
                report.rejected.append(_rejection(position, raw, exc))
                continue
            parsed.append(row)
        _apply(actor, parsed, roles, report)
        if progress is not None:
            progress(len(batch))
    report.rejected.sort(key=lambda r: r.position)
    return report


def export_users(actor: Actor) -> list[dict[str, str]]:
    """Every active user in Flicket's export format, oldest first; needs ``admin.user``.
    The ``api`` account (no password; key-based calls act as it) is no person to move."""
    perms.require(actor, perms.ADMIN_USER)
    users = (
        User.objects.filter(active=True)
        .exclude(login=rules.API_LOGIN)
        .order_by("id")
        .values_list("login", "firstname", "lastname", "email", "password")
    )
    return [
        {
            "username": login,
            "name": _joined(firstname, lastname),
            "email": email,
            "password": _exported_password(password),
        }
        for login, firstname, lastname, email, password in users.iterator(chunk_size=2000)
    ]


# -- parsing -------------------------------------------------------------------------------


def _parse(position: int, raw: Any) -> _Row:
    if not isinstance(raw, dict):
        raise Invalid("a row must be a JSON object", code="user.row_invalid")
    for name in FIELDS:
        if name not in raw:
            raise Invalid(f"the field {name!r} is missing", code="user.field_missing")
        if not isinstance(raw[name], str):
            raise Invalid(f"the field {name!r} must be text", code="user.field_invalid")
    login = rules.check_login(raw["username"])
    email = rules.check_email(raw["email"])
    firstname, lastname = _split_name(raw["name"])
    password = _stored_password(raw["password"].strip())
    return _Row(position, login, firstname, lastname, email, password)


def _split_name(name: str) -> tuple[str, str]:
    """Flicket has one ``name``; the first word becomes the first name, the rest the last."""
    parts = name.split()
    firstname = parts[0] if parts else ""
    lastname = " ".join(parts[1:])
    if len(firstname) > NAME_PART_MAX or len(lastname) > NAME_PART_MAX:
        raise Invalid(
            f"a first or last name has at most {NAME_PART_MAX} characters",
            code="user.name_too_long",
            field="name",
        )
    return firstname, lastname


def _stored_password(value: str) -> str:
    """Django's encoded form of a hash from the file: a bcrypt hash, or Helpline's own."""
    if not value:
        return ""
    if BCRYPT_RE.match(value):
        return BCRYPT_PREFIX + value
    if _is_own_hash(value):
        return value
    raise Invalid(
        "the password is not a bcrypt hash ($2b$12$ and 53 more characters)",
        code="user.password_not_bcrypt",
        field="password",
    )


def _is_own_hash(value: str) -> bool:
    """A hash this install can check (one of ``PASSWORD_HASHERS``), as Helpline exports it."""
    try:
        hasher = identify_hasher(value)
    except ValueError:
        return False
    if hasher.algorithm not in {h.algorithm for h in get_hashers()}:
        return False
    if (hasher.algorithm or "").startswith("bcrypt"):
        return bool(BCRYPT_RE.match(value.split("$", 1)[1]))
    try:
        hasher.decode(value)
    except Exception:  # every hasher fails in its own way on a malformed hash
        return False
    return True


def _check_repeats(row: _Row, first_login: dict[str, int], first_email: dict[str, int]) -> None:
    earlier = first_login.setdefault(row.login.lower(), row.position)
    if earlier != row.position:
        raise Invalid(
            f"the username {row.login} is already in row {earlier}",
            code="user.login_duplicate",
            field="username",
        )
    if row.email:
        earlier = first_email.setdefault(row.email.lower(), row.position)
        if earlier != row.position:
            raise Invalid(
                f"the email {row.email} is already in row {earlier}",
                code="user.email_duplicate",
                field="email",
            )


def _rejection(position: int, raw: Any, exc: Invalid) -> RejectedRow:
    username = raw.get("username") if isinstance(raw, dict) else None
    where = FILE_FIELD.get(exc.field or "", exc.field)
    return RejectedRow(
        position=position,
        username=username if isinstance(username, str) else "",
        code=exc.code,
        reason=f"{where}: {exc.message}" if where else exc.message,
    )


# -- writing -------------------------------------------------------------------------------


def _apply(actor: Actor, rows: list[_Row], roles: list[Role], report: ImportReport) -> None:
    """Compare one batch with the database and write what differs, in bulk."""
    if not rows:
        return
    existing: dict[str, User] = {
        user.login.lower(): user
        for user in User.objects.annotate(login_lower=Lower("login"))
        .filter(login_lower__in=[row.login.lower() for row in rows])
        .only("login", "firstname", "lastname", "email", "password")
    }
    owners = dict(
        User.objects.annotate(email_lower=Lower("email"), login_lower=Lower("login"))
        .filter(email_lower__in=[row.email.lower() for row in rows if row.email])
        .values_list("email_lower", "login_lower")
    )
    creates: list[tuple[_Row, User]] = []  # (row, its new user)
    updates: list[tuple[_Row, User]] = []  # (row, its changed user)
    now = clock.now()
    for row in rows:
        owner = owners.get(row.email.lower()) if row.email else None
        if owner is not None and owner != row.login.lower():
            report.rejected.append(
                RejectedRow(
                    row.position,
                    row.login,
                    "user.email_taken",
                    f"email: the email {row.email} belongs to another user ({owner})",
                )
            )
            continue
        user = existing.get(row.login.lower())
        if user is None:
            creates.append((row, _new_user(actor, row)))
        elif _update_user(actor, user, row, now):
            updates.append((row, user))
        else:
            report.skipped += 1
    try:
        with transaction.atomic():
            _write([user for _, user in creates], [user for _, user in updates], roles)
    except IntegrityError:
        # Someone else wrote one of these users meanwhile: go row by row, so that only the
        # clashing rows are refused.
        for row, _user in creates:  # the batch's users are unsaved again: make them anew
            if _write_row(row, [_new_user(actor, row)], [], roles, report):
                report.created += 1
        for row, user in updates:
            if _write_row(row, [], [user], roles, report):
                report.updated += 1
        return
    report.created += len(creates)
    report.updated += len(updates)


def _write_row(
    row: _Row, new: list[User], changed: list[User], roles: list[Role], report: ImportReport
) -> bool:
    """Write one row on its own; a clash rejects that row only."""
    try:
        with transaction.atomic():
            _write(new, changed, roles)
    except IntegrityError:
        report.rejected.append(
            RejectedRow(
                row.position,
                row.login,
                "user.conflict",
                "the username or email was taken by another user during the import",
            )
        )
        return False
    return True


def _write(new: list[User], changed: list[User], roles: list[Role]) -> None:
    """Insert ``new`` with their roles and save ``changed``, in bulk."""
    created = User.objects.bulk_create(new)
    links = User.roles.through
    links.objects.bulk_create(
        [links(user_id=user.pk, role_id=role.pk) for user in created for role in roles]
    )
    if changed:
        _update_rows(changed)
    refcache.changed()  # bulk writes send no signal


def _update_rows(users: list[User]) -> None:
    """One prepared UPDATE, run for every changed user.

    ``bulk_update`` builds a CASE expression per field and row, which takes minutes for the
    tens of thousands of rows a re-import can change; this takes seconds.
    """
    ops = connection.ops
    column = {f.name: f.column for f in User._meta.concrete_fields}
    assignments = ", ".join(f"{ops.quote_name(column[name])} = %s" for name in UPDATED_FIELDS)
    table = ops.quote_name(User._meta.db_table)
    pk = ops.quote_name(User._meta.pk.column)
    sql = f"UPDATE {table} SET {assignments} WHERE {pk} = %s"  # noqa: S608 (names from the model)
    params = [
        (
            user.firstname,
            user.lastname,
            user.email,
            user.password,
            user.updated_by_id,
            ops.adapt_datetimefield_value(user.updated_at),
            user.pk,
        )
        for user in users
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def _new_user(actor: Actor, row: _Row) -> User:
    user = User(
        login=row.login,
        email=row.email,
        firstname=row.firstname,
        lastname=row.lastname,
        created_by=actor.user,
        updated_by=actor.user,
    )
    if row.password:
        user.password = row.password
    else:
        user.set_unusable_password()
    return user


def _update_user(actor: Actor, user: User, row: _Row, now: datetime) -> bool:
    """Bring ``user`` in line with ``row`` in memory; True when something changed."""
    changed = False
    if _joined(user.firstname, user.lastname) != row.name:
        user.firstname, user.lastname = row.firstname, row.lastname
        changed = True
    if user.email != row.email:
        user.email = row.email
        changed = True
    if row.password and row.password != user.password and _replaceable(user.password):
        user.password = row.password
        changed = True
    if changed:
        user.updated_by = actor.user
        user.updated_at = now
    return changed


def _replaceable(stored: str) -> bool:
    """Only a password that came from an import (or none at all) gives way to the file's."""
    return not stored or stored.startswith((BCRYPT_PREFIX, UNUSABLE_PASSWORD_PREFIX))


def _exported_password(stored: str) -> str:
    if stored.startswith(BCRYPT_PREFIX):
        return stored.removeprefix(BCRYPT_PREFIX)
    if not stored or stored.startswith(UNUSABLE_PASSWORD_PREFIX):
        return ""
    return stored


def _joined(firstname: str, lastname: str) -> str:
    return " ".join(f"{firstname} {lastname}".split())
