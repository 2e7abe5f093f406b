"""A django-filter FilterSet that sets itself up once per class, not once per request."""

import copy

from django import forms
from django.http import QueryDict
from django_filters import FilterSet
from django_filters.filters import FilterMethod


class ListFilterSet(FilterSet):
    """A FilterSet that sets itself up once per class, not once per request.

    django-filter deep-copies every declared filter and builds a new form class for each
    request; on the long lists that cost more than building the query. Here each request
    gets shallow copies of the filters (their settings never change after declaration)
    and one form class made on first use; the form itself is still new per request.
    """

    _form_class: type[forms.Form] | None = None

    def __init__(
        self,
        data: QueryDict | None = None,
        queryset=None,
        *,
        request=None,
        prefix: str | None = None,
    ) -> None:
        if queryset is None:
            queryset = self._meta.model._default_manager.all()
        self.is_bound = data is not None
        self.data = data or QueryDict()
        self.queryset = queryset
        self.request = request
        self.form_prefix = prefix
        self.filters = {}
        for name, declared in self.base_filters.items():
            filter_ = copy.copy(declared)
            filter_.model = queryset.model
            filter_.parent = self
            if isinstance(filter_.filter, FilterMethod):
                filter_.filter = FilterMethod(filter_)  # bound to this copy and its parent
            self.filters[name] = filter_

    def get_form_class(self) -> type[forms.Form]:
        # Looked up on the class itself, so a subclass never reuses its parent's form.
        if type(self).__dict__.get("_form_class") is None:
            type(self)._form_class = super().get_form_class()
        return type(self)._form_class
