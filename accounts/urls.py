from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("account/security/", views.security, name="security"),
    path("account/mfa/setup/", views.mfa_setup, name="mfa-setup"),
    path("account/mfa/verify/", views.mfa_verify, name="mfa-verify"),
    path("invite/done/", views.invite_done, name="invite-done"),
    path("invite/<uidb64>/<token>/", views.invite_accept, name="invite-accept"),
]
