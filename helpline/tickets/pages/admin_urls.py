from django.urls import path

from helpline.tickets.pages import admin

app_name = "tickets-admin"

urlpatterns = [
    path("categories/", admin.categories, name="categories"),
    path("states/", admin.states, name="states"),
    path("priorities/", admin.priorities, name="priorities"),
]
