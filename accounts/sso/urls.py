from django.urls import path

from accounts.sso import oidc, saml, views

app_name = "sso"

urlpatterns = [
    path("sso/options/", views.sso_option, name="options"),
    path("sso/oidc/callback/", oidc.OIDCCallbackView.as_view(), name="oidc-callback"),
    path("sso/oidc/<slug:slug>/login/", oidc.OIDCLoginView.as_view(), name="oidc-login"),
    path("sso/saml/<slug:slug>/login/", saml.SAMLLoginView.as_view(), name="saml-login"),
    path("sso/saml/<slug:slug>/acs/", saml.SAMLAssertionConsumerView.as_view(), name="saml-acs"),
    path("sso/saml/<slug:slug>/metadata/", saml.SAMLMetadataView.as_view(), name="saml-metadata"),
    path("sso/<slug:slug>/login/", views.sso_start, name="login"),
]
