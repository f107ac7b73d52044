from django.urls import include, path

from helpline.ops import views as ops

urlpatterns = [
    path("healthz", ops.healthz, name="healthz"),
    path("metrics", ops.metrics, name="metrics"),
    path("helpdesk/api/", include("helpline.dialects.djhelpdesk.urls")),
]
