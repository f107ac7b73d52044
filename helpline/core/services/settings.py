"""Reading and changing runtime settings (policy stored in the database)."""

from __future__ import annotations

import copy
from typing import Any

from django.db import transaction

from helpline.core import permissions as perms
from helpline.core.models.setting import MailServer, RuntimeSetting
from helpline.core.settings_registry import REGISTRY, SettingSpec
from helpline.lib import refcache
from helpline.lib.actor import Actor
from helpline.lib.errors import Invalid, NotFound


def get_setting(key: str) -> Any:
    """The current value of ``key`` (its default when never changed). Unchecked: callers
    that show a value to a person use ``read_setting``."""
    spec = _spec(key)
    stored = _stored()
    return copy.deepcopy(stored.get(key, spec.default))


def get_settings(*keys: str) -> dict[str, Any]:
    """The current values of several keys (every page reads the site's name, colour and
    notice). Unchecked, like ``get_setting``."""
    stored = _stored()
    return {key: copy.deepcopy(stored.get(key, _spec(key).default)) for key in keys}


def all_settings() -> dict[str, Any]:
    values = {key: spec.default for key, spec in REGISTRY.items()}
    values.update({k: v for k, v in _stored().items() if k in REGISTRY})
    return copy.deepcopy(values)


def _stored() -> dict[str, Any]:
    """Every stored value by key, read once per process until a setting changes
    (``refcache``). Shared, like the registry's defaults: a value is copied before it is
    handed out."""
    return refcache.cached("core.settings", _read_stored)


def _read_stored() -> dict[str, Any]:
    return dict(RuntimeSetting.objects.values_list("key", "value"))


def watch_settings() -> None:
    """Any process reads a changed setting, or the changed mail server, at once (called
    from the app's ``ready``)."""
    refcache.watch(RuntimeSetting)
    refcache.watch(MailServer)


def read_setting(actor: Actor, key: str) -> Any:
    spec = _spec(key)
    if not spec.public:
        perms.require(actor, perms.ADMIN_SETTING)
    return get_setting(key)


@transaction.atomic
def update_setting(actor: Actor, key: str, value: Any) -> Any:
    perms.require(actor, perms.ADMIN_SETTING)
    spec = _spec(key)
    clean = _coerce(spec, value)
    RuntimeSetting.objects.update_or_create(
        key=key, defaults={"value": clean, "updated_by": actor.user}
    )
    return clean


def _spec(key: str) -> SettingSpec:
    try:
        return REGISTRY[key]
    except KeyError:
        raise NotFound(f"no setting named {key!r}", code="setting.unknown") from None


def _coerce(spec: SettingSpec, value: Any) -> Any:
    def bad(why: str) -> Invalid:
        return Invalid(why, code="setting.invalid", field=spec.key)

    if spec.kind == "bool":
        if not isinstance(value, bool):
            raise bad("must be true or false")
        return value
    if spec.kind == "int":
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise bad("must be a whole number of 0 or more")
        return value
    if spec.kind == "list":
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise bad("must be a list of strings")
        return [v.strip() for v in value if v.strip()]
    if not isinstance(value, str):
        raise bad("must be text")
    if spec.kind == "choice" and value not in spec.choices:
        raise bad(f"must be one of {', '.join(spec.choices)}")
    return value


def read_all_settings(actor: Actor) -> dict[str, Any]:
    """Every runtime setting with its value, for the settings page (``admin.setting``)."""
    perms.require(actor, perms.ADMIN_SETTING)
    return all_settings()
