"""``/flicket-api/...``, URL names ``dialect-flicket:<name>``. Flicket's routes take ids
and pages in the path; ``tokens``, ``tickets`` and ``departments`` answer with or without
the trailing slash (Flicket POSTs to the bare name)."""

from __future__ import annotations

from django.urls import URLPattern, path, re_path

from helpline.dialects.flicket import views

app_name = "dialect-flicket"

urlpatterns: list[URLPattern] = [
    re_path(r"^tokens/?$", views.tokens_view, name="tokens"),
    path("user/<int:user_id>", views.user, name="user"),
    path("users/", views.users, name="users"),
    path("ticket/<int:ticket_id>", views.ticket, name="ticket"),
    re_path(r"^tickets/?$", views.tickets_view, name="tickets"),
    path("tickets/<int:page>/", views.tickets_view, name="tickets-page"),
    path("post/<int:post_id>", views.post, name="post"),
    path("posts/<int:ticket_id>/", views.posts, name="posts"),
    path("posts/<int:ticket_id>/<int:page>/", views.posts, name="posts-page"),
    path("department/<int:department_id>", views.department, name="department"),
    re_path(r"^departments/?$", views.departments, name="departments"),
    path("category/<int:category_id>", views.category, name="category"),
    re_path(r"^categories/?$", views.categories, name="categories"),
    path("priority/<int:priority_id>", views.priority, name="priority"),
    path("priorities/", views.priorities, name="priorities"),
    path("priorities/<int:page>/", views.priorities, name="priorities-page"),
    path("status/<int:status_id>", views.status, name="status"),
    path("statuses/", views.statuses, name="statuses"),
    path("subscription/<int:subscription_id>", views.subscription, name="subscription"),
    path("subscriptions/<int:ticket_id>/", views.subscriptions, name="subscriptions"),
    path(
        "subscriptions/<int:ticket_id>/<int:page>/",
        views.subscriptions,
        name="subscriptions-page",
    ),
    path("upload/<int:upload_id>", views.upload, name="upload"),
    path("uploads/", views.uploads, name="uploads"),
    path("uploads/<int:page>/", views.uploads, name="uploads-page"),
    path("history/<int:history_id>", views.history, name="history"),
    path("histories/", views.histories, name="histories"),
    path("histories/<int:page>/", views.histories, name="histories-page"),
    path("action/<int:action_id>", views.action, name="action"),
    path("actions/<int:ticket_id>/", views.actions, name="actions"),
    path("actions/<int:ticket_id>/<int:page>/", views.actions, name="actions-page"),
]
