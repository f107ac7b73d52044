"""Built-in state types, states, priorities, article types and senders, with Zammad's ids
(scripts written for Zammad hard-code them). Written out here so the migration never changes."""

from django.core.management.color import no_style
from django.db import connection as default_connection
from django.db import migrations

STATE_TYPES = [
    (1, "new"), (2, "open"), (3, "pending reminder"), (4, "pending action"), (5, "closed"),
    (6, "merged"), (7, "removed"),
]
# id, name, type id, next state id, ignore_escalation, default_create, default_follow_up,
# needs_resolution, active
STATES = [
    (1, "new", 1, None, False, True, False, False, True),
    (2, "open", 2, None, False, False, True, False, True),
    (3, "pending reminder", 3, None, True, False, False, False, True),
    (4, "closed", 5, None, True, False, False, False, True),
    (5, "merged", 6, None, True, False, False, False, True),
    (6, "removed", 7, None, True, False, False, False, False),
    (7, "pending close", 4, 4, True, False, False, False, True),
    (8, "resolved", 5, None, True, False, False, True, True),
]
# id, name, rank (1 = least urgent), default
PRIORITIES = [
    (1, "1 low", 2, False), (2, "2 normal", 3, True), (3, "3 high", 4, False),
    (4, "4 critical", 5, False), (5, "0 very low", 1, False),
]
ARTICLE_TYPES = [
    (1, "email", True), (2, "sms", True), (3, "chat", True), (4, "fax", True), (5, "phone", True),
    (6, "twitter status", True), (7, "twitter direct-message", True),
    (8, "facebook feed post", True), (9, "facebook feed comment", True), (10, "note", False),
    (11, "web", True), (12, "telegram personal-message", True),
]
SENDERS = [(1, "Agent"), (2, "Customer"), (3, "System")]


def forwards(apps, schema_editor):
    get = apps.get_model
    StateType = get("tickets", "TicketStateType")
    State = get("tickets", "TicketState")
    Priority = get("tickets", "TicketPriority")
    ArticleType = get("tickets", "ArticleType")
    Sender = get("tickets", "ArticleSender")
    Counter = get("tickets", "TicketCounter")
    for pk, name in STATE_TYPES:
        StateType.objects.update_or_create(pk=pk, defaults={"name": name})
    for pk, name, type_id, _next, ignore, dcreate, dfollow, needs, active in STATES:
        State.objects.update_or_create(pk=pk, defaults={
            "name": name, "state_type_id": type_id, "ignore_escalation": ignore,
            "default_create": dcreate, "default_follow_up": dfollow,
            "needs_resolution": needs, "active": active,
        })
    for pk, _name, _type, next_id, *_rest in STATES:
        if next_id:
            State.objects.filter(pk=pk).update(next_state_id=next_id)
    for pk, name, rank, default in PRIORITIES:
        Priority.objects.update_or_create(
            pk=pk, defaults={"name": name, "rank": rank, "default_create": default}
        )
    for pk, name, communication in ARTICLE_TYPES:
        ArticleType.objects.update_or_create(
            pk=pk, defaults={"name": name, "communication": communication}
        )
    for pk, name in SENDERS:
        Sender.objects.update_or_create(pk=pk, defaults={"name": name})
    Counter.objects.get_or_create(name="ticket")
    # Rows were inserted with explicit ids: move PostgreSQL's sequences past them.
    connection = schema_editor.connection if schema_editor else default_connection
    models = [StateType, State, Priority, ArticleType, Sender]
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)


def backwards(apps, schema_editor):
    for name in ("TicketState", "TicketStateType", "TicketPriority", "ArticleType",
                 "ArticleSender", "TicketCounter"):
        apps.get_model("tickets", name).objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("tickets", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
