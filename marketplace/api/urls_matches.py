from django.urls import path

from marketplace.api import audit, engagements, matches

urlpatterns = [
    path("matches/", matches.MatchListView.as_view(), name="match-list"),
    path("matches/<int:pk>/", matches.MatchDetailView.as_view(), name="match-detail"),
    path("matches/<int:pk>/approve/", matches.MatchApproveView.as_view(), name="match-approve"),
    path("matches/<int:pk>/reject/", matches.MatchRejectView.as_view(), name="match-reject"),
    path("matches/<int:pk>/accept/", matches.MatchAcceptView.as_view(), name="match-accept"),
    path("matches/<int:pk>/decline/", matches.MatchDeclineView.as_view(), name="match-decline"),
    path("matches/<int:pk>/complete/", matches.MatchCompleteView.as_view(), name="match-complete"),
    path("matches/<int:pk>/cancel/", matches.MatchCancelView.as_view(), name="match-cancel"),
    path("matches/<int:pk>/change/", engagements.MatchChangeView.as_view(), name="match-change"),
    path(
        "matches/<int:pk>/change/accept/",
        engagements.MatchChangeAcceptView.as_view(),
        name="match-change-accept",
    ),
    path(
        "matches/<int:pk>/change/decline/",
        engagements.MatchChangeDeclineView.as_view(),
        name="match-change-decline",
    ),
    path(
        "matches/<int:pk>/end-early/",
        engagements.MatchEndEarlyView.as_view(),
        name="match-end-early",
    ),
    path(
        "matches/<int:pk>/feedback/", engagements.MatchFeedbackView.as_view(), name="match-feedback"
    ),
    path("audit-events/", audit.AuditEventListView.as_view(), name="audit-event-list"),
]
