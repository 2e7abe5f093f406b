"""The product's URLs plus the privacy module, for runs before the lead includes it."""

from django.urls import include, path

from marketplace import urls as root
from marketplace.api import urls as api_urls
from marketplace.api import urls_privacy

api_patterns = [*urls_privacy.urlpatterns, *api_urls.urlpatterns]
urlpatterns = [
    path("api/v1/", include((api_patterns, "api"), namespace="api")),
    *[pattern for pattern in root.urlpatterns if str(pattern.pattern) != "api/v1/"],
]
