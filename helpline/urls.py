from django.conf import settings
from django.urls import include, path, re_path

from helpline.api.v1 import api as api_v1
from helpline.api.v1 import not_found as api_v1_not_found
from helpline.ops import views as ops

urlpatterns = [
    path("healthz", ops.healthz, name="healthz"),
    path("metrics", ops.metrics, name="metrics"),
    path("", include("helpline.core.pages.urls")),
    path("tickets/", include("helpline.tickets.pages.urls")),
    path("admin/", include("helpline.tickets.pages.admin_urls")),
    path("admin/", include("helpline.projects.pages.urls")),
    path("admin/mail/", include("helpline.mail.pages.urls")),
    path("helpdesk/api/", include("helpline.dialects.djhelpdesk.urls")),
    path("flicket-api/", include("helpline.dialects.flicket.urls")),
    path("api/v1/", api_v1.urls),
    # Keep last: unknown native API paths answer JSON; ITFlow's /api/v1/*.php are not caught.
    re_path(r"^api/v1/(?!.*\.php$)(?P<rest>.*)$", api_v1_not_found, name="api-v1-not-found"),
]

if settings.BENCH_FLOOR:  # only in the server `helpline bench run` starts
    from helpline.bench.views import floor

    urlpatterns.insert(0, path("bench/floor/", floor, name="bench-floor"))
