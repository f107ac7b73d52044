from django.urls import path

from helpline.tickets.pages import views

app_name = "tickets"

urlpatterns = [
    path("", views.ticket_list, name="list"),
    path("new/", views.ticket_new, name="new"),
    path("bulk/", views.ticket_bulk, name="bulk"),
    path("preview/", views.markdown_preview, name="preview"),
    path("views/", views.view_manage, name="views"),
    path("views/save/", views.view_save, name="view-save"),
    path("views/<int:view_id>/", views.view_open, name="view-open"),
    path("views/<int:view_id>/rename/", views.view_rename, name="view-rename"),
    path("views/<int:view_id>/delete/", views.view_delete, name="view-delete"),
    path("<int:ticket_id>/", views.ticket_detail, name="detail"),
    path("<int:ticket_id>/reply/", views.ticket_reply, name="reply"),
    path("<int:ticket_id>/update/", views.ticket_update, name="update"),
    path("<int:ticket_id>/claim/", views.ticket_claim, name="claim"),
    path("<int:ticket_id>/release/", views.ticket_release, name="release"),
    path("<int:ticket_id>/close/", views.ticket_close, name="close"),
    path("<int:ticket_id>/reopen/", views.ticket_reopen, name="reopen"),
    path("<int:ticket_id>/follow/", views.ticket_follow, name="follow"),
    path("<int:ticket_id>/unfollow/", views.ticket_unfollow, name="unfollow"),
    path("<int:ticket_id>/tags/", views.ticket_tag_add, name="tag-add"),
    path("<int:ticket_id>/tags/remove/", views.ticket_tag_remove, name="tag-remove"),
    path("attachments/<int:attachment_id>/", views.attachment_download, name="attachment"),
]
