from django.apps import AppConfig


class TicketsConfig(AppConfig):
    name = "helpline.tickets"
    label = "tickets"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from helpline.core.events import GroupCreated
        from helpline.lib import events
        from helpline.tickets import object_access
        from helpline.tickets.selectors import watch_choices
        from helpline.tickets.services.categories import on_group_created
        from helpline.tickets.services.mentions import subscribe_mentions
        from helpline.tickets.services.sla import subscribe_escalation, watch_slas

        # Every new group gets its default category in the same transaction.
        events.subscribe(GroupCreated, on_group_created, in_transaction=True)
        # Tags and attachments on tickets and articles are checked by ticket permissions.
        object_access.register()
        subscribe_escalation()
        # "@login" in an agent's note mentions that agent, in the article's transaction.
        subscribe_mentions()
        # The pages' choice lists are cached per process; a change to their tables drops them.
        watch_choices()
        watch_slas()
