from django.urls import path

from marketplace.api import candidates

urlpatterns = [
    path(
        "needs/<int:pk>/candidates/",
        candidates.NeedCandidatesView.as_view(),
        name="need-candidates",
    ),
]
