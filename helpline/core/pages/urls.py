from django.urls import path

from helpline.core.pages import admin, views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", views.LogoutView.as_view(), name="logout"),
    path("accounts/register/", views.register, name="account-register"),
    path(
        "accounts/confirmation/resend/",
        views.confirmation_resend,
        name="email-confirmation-resend",
    ),
    path("accounts/confirm/<str:token>/", views.email_confirm, name="email-confirm"),
    path("accounts/password/lost/", views.password_lost, name="password-lost"),
    path("accounts/password/reset/<str:token>/", views.password_reset, name="password-reset"),
    path("accounts/settings/", views.account_settings, name="account-settings"),
    path("accounts/settings/password/", views.password_change, name="password-change"),
    path("accounts/settings/email/", views.email_change, name="email-change"),
    path("accounts/settings/tokens/", views.access_tokens, name="access-tokens"),
    path(
        "accounts/settings/tokens/<int:token_id>/delete/",
        views.access_token_delete,
        name="access-token-delete",
    ),
    path("accounts/language/", views.language_update, name="language-update"),
    path("admin/", admin.index, name="admin"),
    path("admin/users/", admin.user_list, name="admin-users"),
    path("admin/users/new/", admin.user_new, name="admin-user-new"),
    path("admin/users/<int:user_id>/", admin.user_edit, name="admin-user"),
    path("admin/users/<int:user_id>/reset/", admin.user_reset, name="admin-user-reset"),
    path("admin/settings/", admin.site_settings, name="admin-settings"),
    path("admin/groups/", admin.group_list, name="admin-groups"),
    path("admin/groups/new/", admin.group_edit, name="admin-group-new"),
    path("admin/groups/<int:group_id>/", admin.group_edit, name="admin-group"),
    path("admin/attributes/", admin.attribute_list, name="admin-attributes"),
    path("admin/attributes/new/", admin.attribute_edit, name="admin-attribute-new"),
    path("admin/attributes/migrate/", admin.attribute_migrate, name="admin-attributes-migrate"),
    path("admin/attributes/discard/", admin.attribute_discard, name="admin-attributes-discard"),
    path("admin/attributes/<int:attribute_id>/", admin.attribute_edit, name="admin-attribute"),
    path(
        "admin/attributes/<int:attribute_id>/delete/",
        admin.attribute_delete,
        name="admin-attribute-delete",
    ),
]
