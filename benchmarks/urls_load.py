"""The product's URLs plus the benchmark floor, until `marketplace.api.urls` includes it.

Django answers with the first pattern that matches, so once the API includes
`marketplace.api.urls_ping` itself, the pattern appended here is simply never reached.
"""

from django.urls import include, path

from marketplace.urls import urlpatterns as product_urlpatterns

urlpatterns = [
    *product_urlpatterns,
    path("api/v1/", include("marketplace.api.urls_ping")),
]
