from django.urls import path

from qms.core import calendar_views, views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("units/", views.unit_list, name="unit_list"),
    path("units/new/", views.unit_create, name="unit_create"),
    path("units/<int:pk>/", views.unit_detail, name="unit_detail"),
    path("units/<int:pk>/edit/", views.unit_edit, name="unit_edit"),
    path("units/<int:pk>/archive/", views.unit_archive, name="unit_archive"),
    path("numbers/", views.number_list, name="number_list"),
    path("calendar/", calendar_views.calendar, name="calendar"),
    path("calendar/<int:pk>/remove/", calendar_views.calendar_remove, name="calendar_remove"),
    path("calendar/notices/", calendar_views.calendar_notice_create, name="calendar_notice_create"),
    path(
        "calendar/notices/<int:pk>/archive/",
        calendar_views.calendar_notice_archive,
        name="calendar_notice_archive",
    ),
]
