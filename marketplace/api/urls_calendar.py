from django.urls import path

from marketplace.api import calendar

urlpatterns = [
    path("calendar/<str:token>.ics", calendar.CalendarFeedView.as_view(), name="calendar-feed"),
    path("matches/<int:pk>/ics/", calendar.MatchCalendarView.as_view(), name="match-ics"),
]
