from django.contrib import admin
from django.urls import include, path

from marketplace.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/v1/", include(("marketplace.api.urls", "api"), namespace="api")),
    path("", include("accounts.urls")),
    path("", include("accounts.sso.urls")),
    path("", include("marketplace.web.urls_reports")),
    path("", include("marketplace.web.urls")),
]

# A 400 Django answers itself (a body over the size limit) is JSON under /api/.
handler400 = "marketplace.api.errors.bad_request"
