"""Content-Security-Policy for every response (django-csp, policy in settings).

Our own pages carry no inline script or style at all. The one page we do not write,
the API's Swagger UI from drf-spectacular, has a small inline bootstrap script and
style; rather than loosening the policy with 'unsafe-inline', that page's response
allows exactly those blocks by their SHA-256 hash.
"""

import base64
import hashlib
import re
from collections.abc import Callable

from csp.middleware import CSPMiddleware, PolicyParts
from django.http import HttpRequest
from django.http.response import HttpResponseBase

# Views whose third-party templates hold inline blocks, allowed by hash.
HASHED_INLINE_VIEWS = {"api:docs"}
INLINE_BLOCK = {
    "script-src": re.compile(r"<script>(.*?)</script>", re.DOTALL),
    "style-src": re.compile(r"<style>(.*?)</style>", re.DOTALL),
}


def inline_hashes(html: str) -> dict[str, list[str]]:
    """CSP hash sources for each inline <script> and <style> block of `html`."""
    sources: dict[str, list[str]] = {}
    for directive, pattern in INLINE_BLOCK.items():
        for block in pattern.findall(html):
            digest = base64.b64encode(hashlib.sha256(block.encode()).digest()).decode()
            sources.setdefault(directive, []).append(f"'sha256-{digest}'")
    return sources


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        match = getattr(request, "resolver_match", None)
        if (
            match is not None
            and match.view_name in HASHED_INLINE_VIEWS
            and not getattr(response, "streaming", False)
            and response.get("Content-Type", "").startswith("text/html")
        ):
            hashes = inline_hashes(response.content.decode(response.charset or "utf-8"))
            update = dict(parts.update or {})
            for directive, sources in hashes.items():
                update[directive] = [*update.get(directive, []), *sources]
            parts.update = update
        return parts


# API answers anyone may read and any cache may keep: the schema and its browsable docs.
PUBLIC_API_PREFIXES = ("/api/v1/schema/", "/api/v1/docs/")


class PrivateResponseMiddleware:
    """`Cache-Control: private, no-store` on every page a signed-in person is shown and on
    every API answer but the schema, so no shared proxy and no browser history keeps
    personal data (a specialist's phone, a draft need) after the session ends. A view that
    decides its own caching (a calendar feed that revalidates) keeps its header."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if response.has_header("Cache-Control"):
            return response
        user = getattr(request, "user", None)
        api = request.path.startswith("/api/") and not request.path.startswith(PUBLIC_API_PREFIXES)
        if api or (user is not None and user.is_authenticated):
            response["Cache-Control"] = "private, no-store"
        return response
