from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "helpline.ops"
    label = "ops"
