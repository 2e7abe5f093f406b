"""API answers stay JSON even where no API view runs: unknown URLs and out-of-range ids."""

from collections.abc import Callable

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse

API_PREFIX = "/api/"
# Ids are 64-bit in the database; a larger number names nothing and must not reach a query.
MAX_ID = 2**63 - 1


class ApiNotFoundMiddleware:
    """404 as `{"detail": ...}` under /api/, and 404 for path ids beyond the id range.

    A path like `/api/v1/needs/-1/` matches no route, so Django would answer with its
    HTML page; a path id above the 64-bit range would make the database raise (a 500).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            request.path.startswith(API_PREFIX)
            and response.status_code == 404
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            return _not_found()
        return response

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> None:
        if any(isinstance(v, int) and not 0 <= v <= MAX_ID for v in view_kwargs.values()):
            if request.path.startswith(API_PREFIX):
                return _not_found()
            raise Http404("No such object.")
        return None


def _not_found() -> JsonResponse:
    return JsonResponse({"detail": "Not found."}, status=404)
