from django.urls import path

from helpline.mail.pages import views

app_name = "mail-admin"

urlpatterns = [
    path("channels/", views.channel_list, name="channels"),
    path("channels/new/", views.channel_edit, name="channel-new"),
    path("channels/<int:channel_id>/", views.channel_edit, name="channel"),
    path("channels/<int:channel_id>/active/", views.channel_active, name="channel-active"),
    path("channels/<int:channel_id>/delete/", views.channel_delete, name="channel-delete"),
    path("channels/<int:channel_id>/test/", views.channel_test, name="channel-test"),
    path("channels/<int:channel_id>/fetch/", views.channel_fetch, name="channel-fetch"),
    path("outbound/", views.outbound, name="outbound"),
    path("outbound/clear/", views.outbound_clear, name="outbound-clear"),
    path("outbound/test/", views.outbound_test, name="outbound-test"),
    path("failed/", views.failed_list, name="failed"),
    path("failed/<int:failed_id>/raw/", views.failed_raw, name="failed-raw"),
    path("failed/<int:failed_id>/retry/", views.failed_retry, name="failed-retry"),
    path("failed/<int:failed_id>/delete/", views.failed_delete, name="failed-delete"),
]
