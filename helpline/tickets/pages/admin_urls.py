from django.urls import path

from helpline.tickets.pages import admin

app_name = "tickets-admin"

urlpatterns = [
    path("categories/", admin.categories, name="categories"),
    path("states/", admin.states, name="states"),
    path("states/<int:state_id>/delete/", admin.state_delete, name="state-delete"),
    path("priorities/", admin.priorities, name="priorities"),
    path("calendars/", admin.calendar_list, name="calendars"),
    path("calendars/new/", admin.calendar_edit, name="calendar-new"),
    path("calendars/<int:calendar_id>/", admin.calendar_edit, name="calendar"),
    path("calendars/<int:calendar_id>/delete/", admin.calendar_delete, name="calendar-delete"),
    path("slas/", admin.sla_list, name="slas"),
    path("slas/new/", admin.sla_edit, name="sla-new"),
    path("slas/organizations/", admin.sla_organizations, name="sla-organizations-partial"),
    path("slas/<int:sla_id>/", admin.sla_edit, name="sla"),
    path("slas/<int:sla_id>/delete/", admin.sla_delete, name="sla-delete"),
]
