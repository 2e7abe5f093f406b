from django.urls import include, path

from tests.accounts.sso.oidc_idp import views

urlpatterns = [
    path("o/", include("oauth2_provider.urls", namespace="oauth2_provider")),
    path("login/", views.login_page),
    path("_test/ready", views.ready),
    path("_test/users", views.user_add),
    path("_test/clients", views.client_add),
]
