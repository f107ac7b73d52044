from django.urls import path

from helpline.projects.pages import admin

app_name = "projects-admin"

urlpatterns = [
    path("forms/", admin.form_list, name="forms"),
    path("forms/new/", admin.form_edit, name="form-new"),
    path("forms/assign/", admin.form_assign, name="form-assign"),
    path("forms/<int:form_id>/", admin.form_edit, name="form"),
    path("forms/<int:form_id>/delete/", admin.form_delete, name="form-delete"),
]
