from django.apps import AppConfig


class TicketsConfig(AppConfig):
    name = "helpline.tickets"
    label = "tickets"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from helpline.tickets.services.sla import subscribe_escalation

        subscribe_escalation()
