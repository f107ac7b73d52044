"""Background work of the core app: account mail (confirmation, lost password, email change).

Jobs take ids, re-read the account and build the token from its state at sending time, so a
job that runs late never mails a link that could not work, and one whose work is already
done (an address confirmed meanwhile) sends nothing.
"""

from __future__ import annotations

import logging
from email.utils import formataddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import ngettext

from helpline.core import rules, tokens
from helpline.core.models import User
from helpline.core.services import mail_server
from helpline.core.services.settings import get_settings
from helpline.queue import db_task

log = logging.getLogger(__name__)

# kind -> (token purpose, page that takes the token)
ACCOUNT_MAILS = {
    "confirm": (tokens.CONFIRM_EMAIL, "core:email-confirm"),
    "reset": (tokens.RESET_PASSWORD, "core:password-reset"),
    "email": (tokens.CHANGE_EMAIL, "core:email-confirm"),
}


@db_task(retries=3, retry_delay=60)
def send_account_mail(user_id: int, kind: str, locale: str = "", new_email: str = "") -> None:
    """Mail a confirmation, lost-password or email-change link (plain text and HTML) in the
    user's language, else ``locale`` (the page language when it was asked for)."""
    purpose, page = ACCOUNT_MAILS[kind]
    user = User.objects.filter(pk=user_id, active=True).first()
    if user is None:
        return
    if kind == "confirm" and user.verified:
        return
    if kind == "email" and (
        new_email.lower() == user.email.lower()
        or User.objects.filter(email__iexact=new_email).exclude(pk=user.pk).exists()
    ):
        return
    recipient = new_email if kind == "email" else user.email
    if not recipient:
        return
    site = get_settings("site.name", "site.base_url")
    base_url = (site["site.base_url"] or settings.BASE_URL).rstrip("/")
    token = tokens.make_token(user, purpose, new_email if kind == "email" else "")
    language = (
        rules.language_of(user.preferences.get("locale"))
        or rules.language_of(locale)
        or settings.LANGUAGE_CODE
    )
    context = {
        "user": user,
        "site_name": site["site.name"],
        "link": base_url + reverse(page, args=[token]),
        "new_email": new_email,
    }
    with translation.override(language):
        context["valid_for"] = _duration(int(tokens.MAX_AGE[purpose].total_seconds() // 3600))
        subject = render_to_string(f"core/mail/account_{kind}_subject.txt", context)
        text = render_to_string(f"core/mail/account_{kind}.txt", context)
        html = render_to_string(f"core/mail/account_{kind}.html", context)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=text,
        from_email=formataddr((site["site.name"], mail_server.sender_address())),
        to=[recipient],
        connection=mail_server.connection(),
    )
    message.attach_alternative(html, "text/html")
    message.send()
    log.info("sent %s mail to user %s", kind, user.pk)


def _duration(hours: int) -> str:
    if hours % 24 == 0:
        days = hours // 24
        return ngettext("%(count)d day", "%(count)d days", days) % {"count": days}
    return ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours}
