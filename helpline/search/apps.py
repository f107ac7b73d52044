from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class SearchConfig(AppConfig):
    name = "helpline.search"
    label = "search"
    verbose_name = "Helpline search"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Each app declares its document kinds and index subscribers in <app>/search.py.
        autodiscover_modules("search")
