from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("", include("accounts.api.urls")),
    path("", include("marketplace.api.urls_profiles")),
    path("", include("marketplace.api.urls_matches")),
    path("", include("marketplace.api.urls_matching")),
    path("", include("marketplace.api.urls_candidates")),
    path("", include("marketplace.api.urls_reports")),
    path("", include("marketplace.api.urls_privacy")),
    path("", include("marketplace.api.urls_ping")),
    path("", include("marketplace.api.urls_calendar")),
    path("", include("marketplace.api.urls_saved_searches")),
    path("", include("notifications.api.urls")),
]
