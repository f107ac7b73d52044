"""Every runtime setting, registered once with its type, default and description.

Apps register their keys at import time of this module's callers (``register``); the
services in ``core.services.settings`` read and write them with validation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class SettingSpec:
    key: str
    default: Any
    kind: str  # bool | int | str | choice | list
    description: str
    choices: tuple[str, ...] = ()
    public: bool = False  # readable by anyone (site name, notice), else admin.setting only


REGISTRY: dict[str, SettingSpec] = {}


def register(spec: SettingSpec) -> SettingSpec:
    if spec.key in REGISTRY and REGISTRY[spec.key] != spec:
        raise ValueError(f"runtime setting {spec.key} registered twice with different specs")
    REGISTRY[spec.key] = spec
    return spec


def _r(key: str, default: Any, kind: str, description: str, **kw: Any) -> None:
    register(SettingSpec(key, default, kind, description, **kw))


# Site (NodePoint 2.2, Flicket's config panel)
_r("site.name", "Helpline", "str", "Name shown at the top left of every page", public=True)
_r("site.notice", "", "str", "Public notice shown on every page; empty hides it", public=True)
_r("site.theme_color", "#0d6efd", "str", "Colour of panels in the interface", public=True)
_r("site.favicon", "", "str", "URL of the icon browsers show", public=True)
_r("site.base_url", "", "str", "Base URL for links in mail and APIs (empty: HELPLINE_BASE_URL)")
_r("site.posts_per_page", 50, "int", "Tickets or posts per page")
_r("site.csv_dump_limit", 10000, "int", "Maximum number of rows exported to CSV")
_r(
    "site.components",
    ["tickets", "kb", "time", "shoutbox", "tasks", "clients", "inventory", "billing", "msp"],
    "list",
    "Components shown in the interface",
)
# People
_r("users.allow_registrations", True, "bool", "Guests may register an account", public=True)
_r("users.default_role", "Customer", "str", "Role given to new users")
_r("users.password_min_length", 6, "int", "Minimum password length")
_r(
    "users.allow_impersonation",
    False,
    "bool",
    "API calls may act for another user (NodePoint's from_user, Zammad's X-On-Behalf-Of)",
)
# Tickets
_r(
    "tickets.visibility",
    "restricted",
    "choice",
    "public: everyone incl. guests sees tickets; private: logged-in users; restricted: "
    "only the restricted-view level and up see others' tickets",
    choices=("public", "private", "restricted"),
)
_r("tickets.allow_guest_tickets", False, "bool", "Guests may file tickets", public=True)
_r("tickets.number_prefix", "", "str", "Prefix of ticket numbers, e.g. TCK-")
_r("tickets.custom_field_name", "", "str", "Third field of the default ticket form (empty: none)")
_r(
    "tickets.custom_field_type",
    "text",
    "choice",
    "Type of the custom ticket field",
    choices=("text", "url", "checkbox"),
)
_r("tickets.change_category", True, "bool", "Categories of tickets may be changed")
_r(
    "tickets.change_category_only_admin",
    False,
    "bool",
    "Only administrators may change a ticket's category",
)
# Uploads
_r("uploads.enabled", True, "bool", "Attachments may be uploaded")
_r(
    "uploads.min_permission",
    "ticket.customer",
    "str",
    "Permission needed to attach files (NodePoint's minimum upload level)",
)
_r(
    "uploads.allowed_extensions",
    [
        "txt",
        "log",
        "pdf",
        "png",
        "jpg",
        "jpeg",
        "gif",
        "csv",
        "doc",
        "docx",
        "xls",
        "xlsx",
        "odt",
        "ods",
        "zip",
        "eml",
    ],
    "list",
    "File extensions users may upload (without the dot)",
)
_r("uploads.max_size_mb", 10, "int", "Largest attachment, in MiB")
