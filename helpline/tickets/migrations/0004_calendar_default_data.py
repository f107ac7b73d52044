"""The default calendar (id 1): Monday to Friday, 09:00-17:00, in the server's time zone.

Zammad installs start with one, and scripts written for Zammad create SLAs with
``calendar_id: 1``; an SLA cannot exist without a calendar, so a fresh install has one to
point at. Written out here so the migration never changes."""

from django.conf import settings
from django.core.management.color import no_style
from django.db import connection as default_connection
from django.db import migrations

OPEN = {"active": True, "timeframes": [["09:00", "17:00"]]}
SHUT = {"active": False, "timeframes": [["09:00", "17:00"]]}
BUSINESS_HOURS = {
    "mon": OPEN, "tue": OPEN, "wed": OPEN, "thu": OPEN, "fri": OPEN, "sat": SHUT, "sun": SHUT,
}


def forwards(apps, schema_editor):
    Calendar = apps.get_model("tickets", "Calendar")
    if Calendar.objects.exists():
        return
    Calendar.objects.create(
        pk=1,
        name="Default",
        timezone=getattr(settings, "TIME_ZONE", None) or "UTC",
        business_hours=BUSINESS_HOURS,
        public_holidays={},
        default=True,
        note="Business hours of the whole desk; change them or add calendars for other hours.",
    )
    connection = schema_editor.connection if schema_editor else default_connection
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [Calendar]):
            cursor.execute(sql)


def backwards(apps, schema_editor):
    apps.get_model("tickets", "Calendar").objects.filter(pk=1, slas__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("tickets", "0003_sla_create")]
    operations = [migrations.RunPython(forwards, backwards)]
