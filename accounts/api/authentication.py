"""DRF's token and session authentication, answering in the caller's saved language.

An API request without `Accept-Language` is answered in the language saved on the
caller's account (accounts.language); that is known only once DRF has authenticated.
"""

from drf_spectacular.authentication import SessionScheme
from rest_framework import authentication
from rest_framework.request import Request

from accounts.language import api_language_for


class TokenAuthentication(authentication.TokenAuthentication):
    def authenticate(self, request: Request):
        result = super().authenticate(request)
        if result is not None:
            api_language_for(request, result[0])
        return result


class SessionAuthentication(authentication.SessionAuthentication):
    def authenticate(self, request: Request):
        result = super().authenticate(request)
        if result is not None:
            api_language_for(request, result[0])
        return result


class LanguageSessionScheme(SessionScheme):
    """The OpenAPI document describes the session cookie as for DRF's own class."""

    target_class = "accounts.api.authentication.SessionAuthentication"
