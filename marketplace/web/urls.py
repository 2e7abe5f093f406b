from django.contrib.auth import views as auth_views
from django.urls import path
from django.views.i18n import set_language

from marketplace.web.views import (
    calendar,
    engagements,
    matches,
    needs,
    notifications,
    pages,
    saved_searches,
    specialists,
)

app_name = "web"

urlpatterns = [
    path("", pages.dashboard, name="dashboard"),
    path("login/", pages.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("language/", set_language, name="set_language"),
    path("tillganglighet/", pages.accessibility, name="accessibility"),
    path("needs/", needs.need_list_view, name="need_list"),
    path("needs/new/", needs.need_create_view, name="need_create"),
    path("needs/<int:pk>/", needs.need_detail, name="need_detail"),
    path("needs/<int:pk>/edit/", needs.need_edit, name="need_edit"),
    path("needs/<int:pk>/publish/", needs.need_publish_view, name="need_publish"),
    path("needs/<int:pk>/cancel/", needs.need_cancel_view, name="need_cancel"),
    path("needs/<int:pk>/close/", needs.need_close_view, name="need_close"),
    path("needs/<int:pk>/nominate/", needs.need_nominate, name="need_nominate"),
    path("matches/<int:pk>/", matches.match_detail, name="match_detail"),
    path("matches/<int:pk>/ics/", calendar.match_ics, name="match_ics"),
    path("account/calendar/", calendar.calendar_page, name="calendar"),
    path("saved-searches/", saved_searches.saved_search_list_view, name="saved_search_list"),
    path("saved-searches/new/", saved_searches.saved_search_new, name="saved_search_new"),
    path(
        "saved-searches/<int:pk>/delete/",
        saved_searches.saved_search_delete_view,
        name="saved_search_delete",
    ),
    path("matches/<int:pk>/approve/", matches.match_approve_view, name="match_approve"),
    path("matches/<int:pk>/reject/", matches.match_reject_view, name="match_reject"),
    path("matches/<int:pk>/accept/", matches.match_accept_view, name="match_accept"),
    path("matches/<int:pk>/decline/", matches.match_decline_view, name="match_decline"),
    path("matches/<int:pk>/complete/", matches.match_complete_view, name="match_complete"),
    path("matches/<int:pk>/change/", engagements.match_change_view, name="match_change"),
    path(
        "matches/<int:pk>/change/accept/",
        engagements.match_change_accept_view,
        name="match_change_accept",
    ),
    path(
        "matches/<int:pk>/change/decline/",
        engagements.match_change_decline_view,
        name="match_change_decline",
    ),
    path("matches/<int:pk>/end-early/", engagements.match_end_early_view, name="match_end_early"),
    path("matches/<int:pk>/feedback/", engagements.match_feedback_view, name="match_feedback"),
    path("matches/<slug:group>/", matches.match_group_list, name="match_group"),
    path("approvals/", matches.approvals, name="approvals"),
    path("matching-runs/", matches.matching_run_start_view, name="matching_run_start"),
    path("matching-runs/<int:pk>/", matches.matching_run_detail, name="matching_run_detail"),
    path("specialists/", specialists.specialist_list_view, name="specialist_list"),
    path("specialists/<int:pk>/", specialists.specialist_detail, name="specialist_detail"),
    path("profile/", specialists.my_profile, name="my_profile"),
    path("profile/availability/", specialists.availability_add, name="availability_add"),
    path("availability/<int:pk>/", specialists.availability_edit, name="availability_edit"),
    path(
        "availability/<int:pk>/delete/",
        specialists.availability_remove,
        name="availability_delete",
    ),
    path("notifications/", notifications.notification_list, name="notification_list"),
    path(
        "notifications/<int:pk>/read/",
        notifications.notification_read,
        name="notification_read",
    ),
    path(
        "notifications/read-all/",
        notifications.notification_read_all,
        name="notification_read_all",
    ),
]
