"""Background work of mail (Huey). Jobs take ids, re-read state and are idempotent: sending
a row twice is refused by its compare-and-set claim."""

from __future__ import annotations

from huey import crontab

from helpline.core.services.settings import get_setting
from helpline.queue import db_periodic_task, db_task


@db_task()
def send_delivery(delivery_id: int) -> str:
    """Send one outbox row (enqueued after the commit that wrote it)."""
    from helpline.mail.services import outbox

    return outbox.send_delivery(delivery_id)


@db_periodic_task(crontab(minute="*"))
def flush_outbox() -> dict[str, int]:
    """Every minute: retry due rows and rows whose worker died mid-send."""
    from helpline.mail.services import outbox

    return outbox.flush_outbox()


@db_task()
def fetch_one_channel(channel_id: int) -> dict[str, int]:
    """ "Fetch now" of one channel (enqueued by the settings page or the API)."""
    from helpline.mail.services import fetch

    return fetch.fetch_one(channel_id)


@db_periodic_task(crontab(minute="*"))
def fetch_mail() -> dict[str, int]:
    """Every minute: one pass over the channels whose polling interval has come round."""
    from helpline.mail.services import fetch

    return fetch.fetch_due_channels()


@db_periodic_task(crontab(minute="0", hour="6"))
def mail_digest() -> list[int]:
    """Daily at 06:00 when ``mail.digest_enabled``: each user's outstanding tickets."""
    if not get_setting("mail.digest_enabled"):
        return []
    from helpline.mail.services import digest

    return digest.queue_digests()
