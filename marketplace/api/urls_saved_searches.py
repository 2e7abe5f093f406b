from django.urls import path

from marketplace.api import saved_searches

urlpatterns = [
    path(
        "saved-searches/",
        saved_searches.SavedSearchListCreateView.as_view(),
        name="saved-search-list",
    ),
    path(
        "saved-searches/<int:pk>/",
        saved_searches.SavedSearchDetailView.as_view(),
        name="saved-search-detail",
    ),
]
