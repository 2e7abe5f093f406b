"""The site's URLs with the report modules mounted where the lead mounts them."""

from django.urls import include, path

from marketplace import urls as site
from marketplace.api import urls as api
from marketplace.api import urls_reports as api_reports

urlpatterns = [
    path("api/v1/", include(([*api.urlpatterns, *api_reports.urlpatterns], "api"))),
    path("", include("marketplace.web.urls_reports")),
    *[pattern for pattern in site.urlpatterns if "api/v1/" not in str(pattern.pattern)],
]
