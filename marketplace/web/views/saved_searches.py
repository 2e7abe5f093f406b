"""Saved searches on the web: save the directory's or board's current search, list, delete."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.errors import InvalidInput
from marketplace.models import SavedSearchKind
from marketplace.selectors.saved_searches import saved_search_list, saved_search_page
from marketplace.services.saved_searches import (
    NAME_MAX_LENGTH,
    saved_search_create,
    saved_search_delete,
)
from marketplace.web.forms import NeedFilterForm, SpecialistFilterForm, WebForm

SEARCH_FORMS = {
    SavedSearchKind.DIRECTORY: SpecialistFilterForm,
    SavedSearchKind.NEEDS_BOARD: NeedFilterForm,
}
# What the save form itself posts, beside the search's own criteria.
FORM_KEYS = {"csrfmiddlewaretoken", "kind", "name", "cursor", "page"}


class SavedSearchForm(WebForm):
    name = forms.CharField(
        label=gettext_lazy("Name of the search"),
        max_length=NAME_MAX_LENGTH,
        help_text=gettext_lazy("For example “Cloud security architects next spring”."),
    )


def criteria_in_words(kind: str, criteria: dict[str, str]) -> list[tuple[str, str]]:
    """Each criterion as its filter's label and its value as the search page shows it."""
    form = SEARCH_FORMS[kind](criteria)
    words = []
    for name, value in criteria.items():
        if name not in form.fields:
            continue
        field = form.fields[name]
        shown = {str(key): label for key, label in getattr(field, "choices", [])}
        words.append((str(field.label), str(shown.get(str(value), value))))
    return words


def _criteria_of(query) -> dict[str, str]:
    return {name: value for name, value in query.items() if name not in FORM_KEYS and value}


@login_required
def saved_search_list_view(request: HttpRequest) -> HttpResponse:
    searches = [
        {
            "search": search,
            "words": criteria_in_words(search.kind, search.criteria),
            "page": saved_search_page(search),
        }
        for search in saved_search_list(user=request.user)
    ]
    return render(request, "web/saved_search_list.html", {"searches": searches})


@login_required
def saved_search_new(request: HttpRequest) -> HttpResponse:
    source = request.POST if request.method == "POST" else request.GET
    kind = source.get("kind", "")
    if kind not in SavedSearchKind.values:
        kind = SavedSearchKind.NEEDS_BOARD
    criteria = _criteria_of(source)
    form = SavedSearchForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            saved_search_create(
                actor=request.user, kind=kind, name=form.cleaned_data["name"], criteria=criteria
            )
        except InvalidInput as error:
            form.add_domain_errors(error)
            status = 400
        else:
            messages.success(request, _("The search is saved. You will be told of new fits."))
            return redirect("web:saved_search_list")
    elif request.method == "POST":
        status = 400
    return render(
        request,
        "web/saved_search_form.html",
        {
            "form": form,
            "kind": kind,
            "kind_label": SavedSearchKind(kind).label,
            "criteria": criteria,
            "words": criteria_in_words(kind, criteria),
        },
        status=status,
    )


@login_required
@require_POST
def saved_search_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    saved_search_delete(actor=request.user, search_id=pk)
    messages.success(request, _("The saved search is deleted."))
    return redirect("web:saved_search_list")
