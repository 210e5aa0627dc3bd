from django.urls import path

from qms.notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("<int:pk>/open/", views.open_notification, name="open"),
    path("read/", views.mark_read, name="mark_read"),
    path("preferences/", views.preferences, name="preferences"),
    path("preferences/calendar-link/", views.ics_token, name="ics_token"),
    path("calendar/<str:token>.ics", views.ics_feed, name="ics_feed"),
    path("outbox/", views.outbox, name="outbox"),
    path("outbox/<int:pk>/", views.outbox_action, name="outbox_action"),
    path("reminders/", views.policy, name="policy"),
    path("weekly/<int:agency>.xlsx", views.weekly_xlsx_moved, name="weekly_xlsx"),
]
