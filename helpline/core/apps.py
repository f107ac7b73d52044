from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "helpline.core"
    label = "core"
    verbose_name = "Helpline core"
    default_auto_field = "django.db.models.BigAutoField"
