"""The language a person reads the product in, carried from their account to the device."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from accounts.models import User


def login_language_cookie(request: HttpRequest, response: HttpResponse, user: User) -> HttpResponse:
    """After a login, pages speak the user's saved language on this device from now on.

    A language already chosen on this device (its cookie) wins over the saved preference.
    """
    if settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            user.language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
    return response
