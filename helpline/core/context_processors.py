"""What every page's layout shows: the site's name, theme colour and public notice."""

from __future__ import annotations

import re
from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from helpline.core.services.settings import get_settings

_COLOR = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
DEFAULT_THEME = "#0d6efd"


def theme_colors(value: str) -> tuple[str, str]:
    """The panel colour (a CSS hex colour; anything else falls back to the default, so an
    administrator's typo cannot break or inject CSS) and the text colour readable on it."""
    color = value.strip() if isinstance(value, str) and _COLOR.match(value.strip()) else ""
    color = color or DEFAULT_THEME
    digits = color[1:]
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    r, g, b = (int(digits[i : i + 2], 16) / 255 for i in (0, 2, 4))

    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    luminance = 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)
    # White text when it reaches WCAG's AA contrast (4.5:1), else whichever contrasts more.
    on_white, on_black = 1.05 / (luminance + 0.05), (luminance + 0.05) / 0.05
    text = "#ffffff" if on_white >= 4.5 or on_white >= on_black else "#000000"
    return color, text


def _site() -> dict[str, Any]:
    values = get_settings(
        "site.name", "site.notice", "site.theme_color", "site.favicon", "users.allow_registrations"
    )
    color, text = theme_colors(values["site.theme_color"])
    return {
        "name": values["site.name"],
        "notice": values["site.notice"],
        "theme_color": color,
        "theme_text": text,
        "favicon": values["site.favicon"],
        "allow_registrations": values["users.allow_registrations"],
    }


def site(request: HttpRequest) -> dict[str, Any]:
    """``site_info.name``, ``.notice``, ``.theme_color``, ``.theme_text``, ``.favicon`` and
    ``.allow_registrations``, read once per page (one query) and only when shown. (Not
    ``site``: Django's authentication views put their own ``site`` in the context.)"""
    return {"site_info": SimpleLazyObject(_site)}


ADMIN_LINKS: dict[str, str | tuple[str, ...]] = {
    "admin_users": "admin.user",
    "admin_groups": "admin.group",
    "admin_object": "admin.object",
    "admin_sla": "admin.sla",
    "admin_forms": ("project.manage", "admin"),
    "admin_settings": "admin.setting",
    "admin_channel": "admin.channel",
}


def _nav(request: HttpRequest) -> dict[str, bool]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return dict.fromkeys(ADMIN_LINKS, False) | {"admin": False, "tokens": False}
    links = {
        name: any(
            user.has_permission(p) for p in ((wanted,) if isinstance(wanted, str) else wanted)
        )
        for name, wanted in ADMIN_LINKS.items()
    }
    tokens = user.has_permission("user_preferences.access_token")
    return links | {"admin": any(links.values()), "tokens": tokens}


def nav(request: HttpRequest) -> dict[str, Any]:
    """``nav.admin`` (any administration page) and ``nav.admin_users``, ``nav.admin_groups``,
    ``nav.admin_object``, ``nav.admin_sla``, ``nav.admin_forms``, ``nav.admin_settings``,
    ``nav.admin_channel``:
    which administration links to show; ``nav.tokens``: the personal access tokens page
    (the signed-in user's permissions, read once and only when shown)."""
    return {"nav": SimpleLazyObject(lambda: _nav(request))}
