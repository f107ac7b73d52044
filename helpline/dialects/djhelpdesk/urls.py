"""``/helpdesk/api/<method>/``, URL names ``dialect-djhelpdesk:<method>``."""

from __future__ import annotations

from django.urls import URLPattern, path, re_path

from helpline.dialects.djhelpdesk import views

app_name = "dialect-djhelpdesk"

urlpatterns: list[URLPattern] = [
    *(path(f"{name}/", view, name=name) for name, view in views.CALLS.items()),
    re_path(r"^(?P<method>[^/]+)/?$", views.other_method, name="other"),
]
