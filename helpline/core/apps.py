from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "helpline.core"
    label = "core"
    verbose_name = "Helpline core"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from helpline.core.services.settings import watch_settings

        # Pages read the runtime settings from a per-process copy; a change drops it.
        watch_settings()
