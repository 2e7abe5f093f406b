"""The `ordering` query parameter of every list: each field at most once, at most three.

Every ordering term becomes a key of the keyset cursor and a term of its filter, whose
size grows with the square of the number of keys; a repeated or endless ordering is a
cheap way to make one request cost seconds. Refused with 400 before any query.
"""

from rest_framework import filters
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request

MAX_ORDERING_TERMS = 3


class OrderingFilter(filters.OrderingFilter):
    def get_ordering(self, request: Request, queryset, view) -> list[str] | None:
        requested = request.query_params.get(self.ordering_param)
        if requested:
            terms = [term.strip() for term in requested.split(",") if term.strip()]
            names = [term.lstrip("-") for term in terms]
            if len(set(names)) != len(names):
                raise ValidationError({self.ordering_param: ["Name each field at most once."]})
            if len(terms) > MAX_ORDERING_TERMS:
                raise ValidationError(
                    {self.ordering_param: [f"Order by at most {MAX_ORDERING_TERMS} fields."]}
                )
        return super().get_ordering(request, queryset, view)
