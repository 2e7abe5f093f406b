"""Turns the services' rule violations into the product's own error pages."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.errors import Forbidden, NotFound


class DomainErrorPageMiddleware:
    """NotFound renders the 404 page and Forbidden the 403 page, in the product's look.

    The API's exception handler answers its own requests before this runs, so only web
    views reach it; Conflict and InvalidInput are shown on the page by the views.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, NotFound):
            return render(request, "404.html", status=404)
        if isinstance(exception, Forbidden):
            return render(request, "403.html", status=403)
        return None
