"""The runtime settings of mail (registered into core's settings registry at start-up)."""

from __future__ import annotations

from helpline.core.settings_registry import SettingSpec, register

register(SettingSpec("mail.notifications", True, "bool", "Mail ticket notifications"))
register(
    SettingSpec(
        "mail.notification_plugin",
        "",
        "str",
        "Command run for each notification sent (NodePoint); %user% %title% %message% are "
        "replaced in each argument; run without a shell",
    )
)
register(SettingSpec("mail.notification_plugin_timeout", 10, "int", "Seconds the plugin may run"))
register(SettingSpec("mail.max_attempts", 6, "int", "SMTP attempts before a mail is given up"))
register(
    SettingSpec(
        "mail.digest_enabled",
        False,
        "bool",
        "Mail every user their outstanding tickets once a day (Flicket)",
    )
)
register(
    SettingSpec(
        "mail.sender_rate_limit",
        20,
        "int",
        "Most messages one sender may turn into tickets or articles per hour (0: no limit)",
    )
)
