"""Building blocks of the lists' query-string filters (django-filter).

`ListFilterSet`, the base of every list's filter set, is a fast path (fastpaths.filtersets).
"""

import django_filters
from django import forms

from fastpaths.filtersets import ListFilterSet

__all__ = ["IdFilter", "ListFilterSet"]

# Ids beyond a signed 64-bit integer are bad input, not a database overflow.
MAX_ID = 2**63 - 1


class IdFilter(django_filters.Filter):
    """An exact match on an id, refusing what cannot be an id with a field message."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)
