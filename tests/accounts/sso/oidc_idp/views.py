"""The test provider's own pages: a login form, the claims it asserts, and test set-up.

A person's claims: email, email_verified, name, groups, and amr ["pwd", "mfa"] when they
"used" a second factor (the `mfa` flag they were created with), else ["pwd"].
"""

import json

from django.conf import settings
from django.contrib.auth import authenticate, login
from django.contrib.auth.models import Group, User
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden, JsonResponse
from django.shortcuts import redirect
from django.utils.html import escape
from django.views.decorators.csrf import csrf_exempt
from oauth2_provider.models import get_application_model
from oauth2_provider.oauth2_validators import OAuth2Validator

MFA_GROUP = "idp:mfa"
UNVERIFIED_GROUP = "idp:unverified"


class ClaimsValidator(OAuth2Validator):
    oidc_claim_scope = {
        **OAuth2Validator.oidc_claim_scope,
        "groups": "profile",
        "amr": "openid",
        "acr": "openid",
    }

    def get_additional_claims(self, request) -> dict:
        user = request.user
        groups = set(user.groups.values_list("name", flat=True))
        mfa = MFA_GROUP in groups
        return {
            "email": user.email,
            "email_verified": UNVERIFIED_GROUP not in groups,
            "name": user.first_name,
            "groups": sorted(g for g in groups if not g.startswith("idp:")),
            "amr": ["pwd", "mfa"] if mfa else ["pwd"],
            "acr": "https://refeds.org/profile/mfa" if mfa else "pwd",
        }


@csrf_exempt
def login_page(request: HttpRequest) -> HttpResponse:
    next_url = request.POST.get("next") or request.GET.get("next") or "/"
    if request.method == "POST":
        user = authenticate(
            request, username=request.POST.get("username"), password=request.POST.get("password")
        )
        if user is not None:
            login(request, user)
            return redirect(next_url)
    return HttpResponse(
        '<!doctype html><title>Test IdP</title><form method="post" action="/login/">'
        f'<input type="hidden" name="next" value="{escape(next_url)}">'
        '<input name="username"><input name="password" type="password">'
        "<button>Log in</button></form>"
    )


def ready(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok")


def _authorised(request: HttpRequest) -> bool:
    return request.headers.get("X-Test-Control") == settings.CONTROL_TOKEN


@csrf_exempt
def user_add(request: HttpRequest) -> HttpResponse:
    if not _authorised(request):
        return HttpResponseForbidden()
    data = json.loads(request.body)
    user, _ = User.objects.update_or_create(
        username=data["email"], defaults={"email": data["email"], "first_name": data["name"]}
    )
    user.set_password(data["password"])
    user.save()
    names = list(data.get("groups", []))
    if data.get("mfa"):
        names.append(MFA_GROUP)
    if not data.get("email_verified", True):
        names.append(UNVERIFIED_GROUP)
    user.groups.set([Group.objects.get_or_create(name=name)[0] for name in names])
    return JsonResponse({"id": user.pk})


@csrf_exempt
def client_add(request: HttpRequest) -> HttpResponse:
    if not _authorised(request):
        return HttpResponseForbidden()
    data = json.loads(request.body)
    Application = get_application_model()
    Application.objects.filter(client_id=data["client_id"]).delete()
    Application.objects.create(
        name=data["client_id"],
        client_id=data["client_id"],
        client_secret=data["client_secret"],
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=" ".join(data["redirect_uris"]),
        skip_authorization=True,
        algorithm=Application.RS256_ALGORITHM,
    )
    return JsonResponse({"client_id": data["client_id"]})
