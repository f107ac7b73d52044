"""Built-in permissions and roles: Admin, Agent, Customer and NodePoint's levels 0-6.

The lists are written out here (not imported) so this migration never changes with the code.
"""

from django.db import migrations

PERMISSIONS = [
    ("admin", "Admin Interface"),
    ("admin.user", "Manage %s"),
    ("admin.group", "Manage %s"),
    ("admin.organization", "Manage %s"),
    ("admin.object", "Manage %s"),
    ("admin.tag", "Manage %s"),
    ("admin.api", "Manage %s"),
    ("admin.setting", "Manage %s"),
    ("admin.branding", "Manage %s"),
    ("admin.sla", "Manage %s"),
    ("admin.channel", "Manage %s"),
    ("ticket.agent", "Access to Ticket as Agent"),
    ("ticket.customer", "Access to Ticket as Customer"),
    ("ticket.restricted_view", "View restricted tickets and statistics"),
    ("knowledge_base.reader", "Knowledge Base Reader"),
    ("knowledge_base.editor", "Knowledge Base Editor"),
    ("report", "Report Interface"),
    ("project.manage", "Manage projects, releases and custom forms"),
    ("inventory.manage", "Manage inventory items and approve checkouts"),
    ("task.manage", "Create and assign tasks"),
    ("time.track", "Track time on tickets"),
    ("shoutbox.moderate", "Delete shoutbox entries"),
    ("user_preferences", "User Preferences"),
    ("user_preferences.access_token", "Manage %s"),
    ("user_preferences.password", "Change %s"),
    ("user_preferences.language", "Change %s"),
    ("user_preferences.notifications", "Manage %s"),
]

ROLES = [
    ("Admin", ["admin", "user_preferences", "report", "knowledge_base.editor"], False, None),
    ("Agent", ["ticket.agent", "user_preferences", "knowledge_base.reader", "report",
               "time.track"], False, None),
    ("Customer", ["ticket.customer", "user_preferences", "knowledge_base.reader"], True, None),
]

LEVEL_OWN = {
    0: ("Unauthorized users", ["user_preferences.password", "user_preferences.language",
                               "user_preferences.notifications"]),
    1: ("Authorized users", ["ticket.customer", "knowledge_base.reader",
                             "user_preferences.access_token"]),
    2: ("Restricted view", ["ticket.restricted_view", "report"]),
    3: ("Tickets management", ["ticket.agent", "time.track"]),
    4: ("Projects management", ["project.manage", "knowledge_base.editor", "inventory.manage",
                                "task.manage"]),
    5: ("Users management", ["admin.user", "admin.organization", "shoutbox.moderate"]),
    6: ("NodePoint Admin", ["admin"]),
}


def forwards(apps, schema_editor):
    Permission = apps.get_model("core", "Permission")
    Role = apps.get_model("core", "Role")
    by_name = {}
    for name, note in PERMISSIONS:
        by_name[name], _ = Permission.objects.get_or_create(name=name, defaults={"note": note})
    for name, granted, signup, level in ROLES:
        role, _ = Role.objects.get_or_create(
            name=name, defaults={"default_at_signup": signup, "level": level}
        )
        role.permissions.set([by_name[p] for p in granted])
    cumulative = []
    for level in range(7):
        title, own = LEVEL_OWN[level]
        cumulative = cumulative + own
        role, _ = Role.objects.get_or_create(
            name=f"Level {level} - {title}",
            defaults={"level": level, "note": f"NodePoint access level {level}: {title}"},
        )
        role.permissions.set([by_name[p] for p in cumulative])


def backwards(apps, schema_editor):
    apps.get_model("core", "Role").objects.all().delete()
    apps.get_model("core", "Permission").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
