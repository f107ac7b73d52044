from django.apps import AppConfig


class MailConfig(AppConfig):
    name = "helpline.mail"
    label = "mail"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from helpline.mail import runtime_settings  # noqa: F401  (registers the mail.* keys)
        from helpline.mail.services import notify

        notify.subscribe_notifications()
