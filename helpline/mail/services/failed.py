"""Failed mail: messages kept with their raw source because they could not be taken in.
Admins (``admin.channel``) list them, download the raw message, re-process one once the
cause is fixed, or delete it."""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet
from django.db.models.functions import Length

from helpline.core import permissions as perms
from helpline.lib.actor import Actor
from helpline.lib.errors import Conflict, NotFound
from helpline.mail.models import FailedMail
from helpline.mail.services.ingest import Outcome, ingest_raw


def failed_mail_rows(actor: Actor, *, include_resolved: bool = False) -> QuerySet[FailedMail]:
    """Failed mail, newest first, without the raw bytes but with their ``size``; a
    queryset, for the doors to paginate."""
    perms.require(actor, perms.ADMIN_CHANNEL)
    qs = (
        FailedMail.objects.defer("raw")
        .annotate(size=Length("raw"))
        .select_related("channel")
        .order_by("-id")
    )
    if not include_resolved:
        qs = qs.filter(resolved=False)
    return qs


def list_failed_mail(actor: Actor, *, include_resolved: bool = False) -> list[FailedMail]:
    """Every failed mail, oldest first (``helpline mail failed``)."""
    return list(failed_mail_rows(actor, include_resolved=include_resolved).order_by("id"))


def get_failed_mail(actor: Actor, failed_id: int) -> FailedMail:
    """One failed mail with its raw source (``bytes(row.raw)``)."""
    perms.require(actor, perms.ADMIN_CHANNEL)
    row = (
        FailedMail.objects.annotate(size=Length("raw"))
        .select_related("channel")
        .filter(pk=failed_id)
        .first()
    )
    if row is None:
        raise NotFound(f"no failed mail {failed_id}", code="failed_mail.not_found")
    return row


def delete_failed_mail(actor: Actor, failed_id: int) -> None:
    """Drop a kept message for good (after downloading it, or when it is spam)."""
    perms.require(actor, perms.ADMIN_CHANNEL)
    with transaction.atomic():
        deleted, _ = FailedMail.objects.filter(pk=failed_id).delete()
    if not deleted:
        raise NotFound(f"no failed mail {failed_id}", code="failed_mail.not_found")


def reprocess_failed_mail(actor: Actor, failed_id: int) -> Outcome:
    """Take the kept message in again. Success (or finding it already taken in) marks the
    row resolved; failing again counts one more attempt and keeps it."""
    perms.require(actor, perms.ADMIN_CHANNEL)
    with transaction.atomic():
        row = FailedMail.objects.select_for_update().filter(pk=failed_id).first()
        if row is None:
            raise NotFound(f"no failed mail {failed_id}", code="failed_mail.not_found")
        if row.resolved:
            raise Conflict("this mail was already re-processed", code="failed_mail.resolved")
        raw = bytes(row.raw)
        channel = row.channel
    outcome = ingest_raw(raw, channel=channel)
    with transaction.atomic():
        if outcome.kind == "failed" and outcome.failed_mail_id is not None:
            # the new copy is dropped: the original row carries the history
            FailedMail.objects.filter(pk=outcome.failed_mail_id).delete()
            FailedMail.objects.filter(pk=failed_id).update(
                error=outcome.reason[:5000], attempts=row.attempts + 1
            )
        else:
            FailedMail.objects.filter(pk=failed_id).update(resolved=True)
    return outcome
