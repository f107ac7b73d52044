from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from helpline import queue
from helpline.ops import health
from helpline.ops.metrics import exposition


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database, the job queue and the schema are all fine, else 503."""
    result = health.report()
    return JsonResponse(result, status=200 if result["status"] == "ok" else 503)


@never_cache
@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    lines = [
        "# HELP helpline_job_queue_depth Jobs waiting in the queue.",
        "# TYPE helpline_job_queue_depth gauge",
    ]
    try:
        lines.append(f"helpline_job_queue_depth {queue.pending_count()}")
    except Exception:
        lines.append("helpline_job_queue_depth NaN")
    body, content_type = exposition(lines)
    return HttpResponse(body, content_type=content_type)
