"""Custom attribute values (Zammad's object manager attributes) on Ticket, User,
Organization and Group: validation of the values a door sends."""

from __future__ import annotations

from typing import Any

from helpline.lib.errors import Invalid

OBJECT_TYPES = ("Ticket", "User", "Organization", "Group")


def clean_attribute_values(object_type: str, values: dict[str, Any]) -> dict[str, Any]:
    """Check ``values`` against the active attributes of ``object_type`` and return them
    converted to their stored form. Unknown names are refused, naming the field."""
    if object_type not in OBJECT_TYPES:
        raise Invalid(f"unknown object {object_type!r}", code="attribute.object_unknown")
    for name in values:
        raise Invalid(
            f"{object_type} has no attribute {name!r}", code="attribute.unknown", field=name
        )
    return {}
