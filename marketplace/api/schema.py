"""Schema post-processing: document the answers every API operation can give.

drf-spectacular documents what each view declares; these answers come from the framework
around the views, so they are added here once instead of in every `extend_schema`.
"""

from typing import Any

from django.conf import settings

UNAUTHENTICATED = {"description": "No or invalid credentials."}
PAGE_NOT_FOUND = {"description": "No such page (`page` past the end or a bad `cursor`)."}
PAGING = {"page", "cursor"}
THROTTLED = {"description": "Too many requests; `Retry-After` says when to try again."}
BAD_QUERY = {"description": "A query parameter is invalid; the body names it."}
# Query parameters the framework ignores when invalid (DRF falls back to its default).
LENIENT_QUERY = {"page_size", "ordering"}
HTTP_METHODS = ("get", "put", "post", "patch", "delete")


def document_framework_responses(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """401 wherever credentials are required; 404 for a page past the end or bad cursor; 400
    wherever a query parameter is validated (filters); 429 everywhere once throttled."""
    throttled = bool(settings.REST_FRAMEWORK.get("DEFAULT_THROTTLE_CLASSES"))
    for item in result.get("paths", {}).values():
        for method in HTTP_METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            responses = operation.setdefault("responses", {})
            security = operation.get("security")  # absent or [{}]: credentials are optional
            if security and {} not in security:
                responses.setdefault("401", UNAUTHENTICATED)
            query = operation.get("parameters", [])
            names = {p.get("name") for p in query if p.get("in") == "query"}
            if names & PAGING:
                responses.setdefault("404", PAGE_NOT_FOUND)
            if names - LENIENT_QUERY - PAGING:
                responses.setdefault("400", BAD_QUERY)
            if throttled:
                responses.setdefault("429", THROTTLED)
    return result
