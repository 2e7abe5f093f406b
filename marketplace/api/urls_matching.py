from django.urls import path

from marketplace.api import matching_runs

urlpatterns = [
    path("matching-runs/", matching_runs.MatchingRunListView.as_view(), name="matching-run-list"),
    path(
        "matching-runs/<int:pk>/",
        matching_runs.MatchingRunDetailView.as_view(),
        name="matching-run-detail",
    ),
]
