from django.urls import path

from marketplace.api.ping import PingView

urlpatterns = [
    path("ping/", PingView.as_view(), name="ping"),
]
