"""The language a person reads the product in, carried from their account to every device.

On the web a logged-in person reads their saved language; before they have saved one,
their browser's choice (the language cookie, else `Accept-Language`) decides, and their
first login saves it. The API answers in the language of `Accept-Language`, else in the
caller's saved language, else in English (the language of its documentation).
"""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation

from accounts.models import User

LANGUAGE_CODES = tuple(code for code, _name in settings.LANGUAGES)
API_DEFAULT_LANGUAGE = "en"
CHOSEN_BEFORE_LOGIN_KEY = "language_chosen"


def supported_language(code: object) -> str | None:
    """`code` if the product speaks it (`en-GB` counts as `en`), else None."""
    if not isinstance(code, str) or not code:
        return None
    try:
        return translation.get_supported_language_variant(code.strip())
    except LookupError:
        return None


def accept_language(header: str) -> str | None:
    """The best language of an `Accept-Language` header the product speaks, else None."""
    choices: list[tuple[float, int, str]] = []
    for position, part in enumerate(header.split(",")):
        tag, _sep, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if tag and tag != "*" and quality > 0:
            choices.append((-quality, position, tag))
    for _quality, _position, tag in sorted(choices):
        language = supported_language(tag)
        if language is not None:
            return language
    return None


def user_language_save(*, user: User, language: str) -> User:
    """Save the language a person chose (or their browser chose for them at first login)."""
    language = supported_language(language) or ""
    if language and user.language != language:
        user.language = language
        User.objects.filter(pk=user.pk).update(language=language)
    return user


def _set_cookie(response: HttpResponse, language: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


def login_language_cookie(request: HttpRequest, response: HttpResponse, user: User) -> HttpResponse:
    """After a login, this device speaks the person's saved language from now on.

    A language switched to on this device just before the login is their choice and is
    saved; so is, for a person without a saved language, the one their browser was
    reading the login page in. Either way their other devices and sessions follow.
    """
    chosen = (
        request.session.pop(CHOSEN_BEFORE_LOGIN_KEY, None) if hasattr(request, "session") else None
    )
    if chosen:
        user_language_save(user=user, language=chosen)
    elif not user.language:
        user_language_save(user=user, language=translation.get_language() or "")
    language = user.language or translation.get_language() or settings.LANGUAGE_CODE
    _set_cookie(response, language)
    translation.activate(language)
    return response


def language_choose(request: HttpRequest, language: str) -> None:
    """A language switched to: saved on the account, or kept for the coming login."""
    if request.user.is_authenticated:
        user_language_save(user=request.user, language=language)
    elif supported_language(language):
        request.session[CHOSEN_BEFORE_LOGIN_KEY] = supported_language(language)


class AccountLanguageMiddleware:
    """Web pages of a logged-in person speak the language saved on their account.

    Runs after Django's LocaleMiddleware (browser choice) and the authentication
    middleware; the API decides its language itself (see `ApiLanguageMiddleware`).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith("/api/"):
            user = getattr(request, "user", None)
            language = getattr(user, "language", "") if user is not None else ""
            if language and user.is_authenticated and language in LANGUAGE_CODES:
                translation.activate(language)
                request.LANGUAGE_CODE = language
        return self.get_response(request)


class ApiLanguageMiddleware:
    """API answers speak `Accept-Language`, else (see accounts.api.authentication) the
    caller's saved language, else English; the language cookie of the web plays no part."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/api/"):
            language = accept_language(request.headers.get("Accept-Language", ""))
            request.api_language_asked = language is not None
            language = language or API_DEFAULT_LANGUAGE
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)


def api_language_for(request: HttpRequest, user: User) -> None:
    """Once the API knows its caller: their saved language unless the request asked one."""
    django_request = getattr(request, "_request", request)
    if getattr(django_request, "api_language_asked", True) or not user.language:
        return
    translation.activate(user.language)
    django_request.LANGUAGE_CODE = user.language
