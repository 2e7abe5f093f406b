"""Needs board, need detail with its shortlist, and the need form."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.errors import Conflict, Forbidden, InvalidInput
from marketplace.explanations import breakdown_in_words
from marketplace.models import Need, NeedStatus, SavedSearchKind
from marketplace.permissions import (
    can_create_need_for,
    can_manage_need,
    can_save_search,
    can_view_candidates,
)
from marketplace.selectors import dashboards
from marketplace.selectors.candidates import candidate_list
from marketplace.selectors.needs import (
    BOARD_ORDERING,
    board_ordering,
    need_get,
    need_list,
    need_skill_rows,
)
from marketplace.selectors.searches import NeedFilter
from marketplace.selectors.specialists import specialist_get
from marketplace.services.matches import match_nominate
from marketplace.services.needs import (
    NEED_FIELDS,
    NeedSkillSpec,
    need_cancel,
    need_close,
    need_create,
    need_publish,
    need_update,
)
from marketplace.web.cursor import PAGE_SIZE, query_without_cursor, web_keyset_page
from marketplace.web.forms import CloseNeedForm, NeedFilterForm, NeedForm, NeedSkillFormSet
from marketplace.web.service_messages import error_text, in_request_language


def _filtered(request: HttpRequest, form: NeedFilterForm) -> QuerySet[Need]:
    needs = (
        need_list(user=request.user)
        .select_related("agency")
        .prefetch_related("skill_requirements__skill")
    )
    search = NeedFilter(request.GET, queryset=needs)
    if not (form.is_valid() and search.is_valid()):
        return needs
    return search.qs


@login_required
def need_list_view(request: HttpRequest) -> HttpResponse:
    form = NeedFilterForm(request.GET or None)
    needs = _filtered(request, form)
    page = web_keyset_page(
        request, needs, ordering=board_ordering(needs, BOARD_ORDERING), size=PAGE_SIZE
    )
    context = {
        "form": form,
        "page": page,
        "query": query_without_cursor(request),
        "can_save_search": can_save_search(request.user, SavedSearchKind.NEEDS_BOARD),
        "can_create": request.user.agency_id is not None
        and can_create_need_for(request.user, request.user.agency_id),
    }
    if request.htmx:
        return render(request, "web/partials/need_results.html", context)
    return render(request, "web/need_list.html", context)


@login_required
def need_detail(request: HttpRequest, pk: int) -> HttpResponse:
    need = need_get(user=request.user, need_id=pk)
    context = {
        "need": need,
        "can_manage": can_manage_need(request.user, need),
        "can_see_candidates": can_view_candidates(request.user, need),
        "editable": need.status in (NeedStatus.DRAFT, NeedStatus.OPEN),
        "close_form": CloseNeedForm(),
    }
    if context["can_see_candidates"] and need.status == NeedStatus.OPEN:
        rows = candidate_list(user=request.user, need_id=need.pk, limit=10)
        context["shortlist"] = [
            {
                "specialist": row.specialist,
                "score": row.candidate.score,
                "explanation": breakdown_in_words(row.candidate.breakdown),
            }
            for row in rows
        ]
    if context["can_see_candidates"]:
        context["matches"] = dashboards.match_rows(need.matches.all())
    return render(request, "web/need_detail.html", context)


def _skills_from(formset: NeedSkillFormSet) -> list[NeedSkillSpec]:
    return [
        NeedSkillSpec(skill_id=row["skill"], min_level=row["min_level"], required=row["required"])
        for row in formset.cleaned_data
        if row.get("skill")
    ]


def _show_service_errors(form: NeedForm, formset: NeedSkillFormSet, error: InvalidInput) -> None:
    skill_errors = error.field_errors.get("skills")
    if skill_errors:
        formset.add_domain_errors(skill_errors)
    others = {name: value for name, value in error.field_errors.items() if name != "skills"}
    if others or not error.field_errors:
        form.add_domain_errors(InvalidInput(error.message, field_errors=others))


@login_required
def need_create_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    if user.agency is None or not can_create_need_for(user, user.agency_id):
        raise Forbidden("Only agency managers may create needs.")
    form = NeedForm(request.POST or None)
    formset = NeedSkillFormSet(request.POST or None, prefix="skills")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        fields = {name: form.cleaned_data[name] for name in NEED_FIELDS}
        try:
            need = need_create(
                actor=user, agency=user.agency, fields=fields, skills=_skills_from(formset)
            )
        except InvalidInput as error:
            _show_service_errors(form, formset, error)
        else:
            messages.success(request, _("The need was saved as a draft."))
            return redirect("web:need_detail", pk=need.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "web/need_form.html",
        {"form": form, "formset": formset, "need": None},
        status=status,
    )


@login_required
def need_edit(request: HttpRequest, pk: int) -> HttpResponse:
    need = need_get(user=request.user, need_id=pk)
    if not can_manage_need(request.user, need):
        raise Forbidden("Only the need's managers may edit it.")
    initial = {name: getattr(need, name) for name in NEED_FIELDS}
    skills_initial = [
        {**row, "required": "1" if row["required"] else "0"}
        for row in need_skill_rows(need.skill_requirements.all())
    ]
    form = NeedForm(request.POST or None, initial=initial)
    formset = NeedSkillFormSet(request.POST or None, prefix="skills", initial=skills_initial)
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        fields = {name: form.cleaned_data[name] for name in NEED_FIELDS}
        try:
            need_update(actor=request.user, need=need, fields=fields, skills=_skills_from(formset))
        except InvalidInput as error:
            _show_service_errors(form, formset, error)
        except Conflict as error:
            messages.error(request, in_request_language(error.message))
            return redirect("web:need_detail", pk=need.pk)
        else:
            messages.success(request, _("The need was updated."))
            return redirect("web:need_detail", pk=need.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "web/need_form.html",
        {"form": form, "formset": formset, "need": need},
        status=status,
    )


@require_POST
@login_required
def need_publish_view(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        need_publish(actor=request.user, need_id=pk)
    except Conflict as error:
        messages.error(request, in_request_language(error.message))
    else:
        messages.success(request, _("The need is published and open to every agency."))
    return redirect("web:need_detail", pk=pk)


@require_POST
@login_required
def need_cancel_view(request: HttpRequest, pk: int) -> HttpResponse:
    need = need_get(user=request.user, need_id=pk)
    try:
        need_cancel(actor=request.user, need=need)
    except Conflict as error:
        messages.error(request, in_request_language(error.message))
    else:
        messages.success(request, _("The need was cancelled."))
    return redirect("web:need_detail", pk=need.pk)


@require_POST
@login_required
def need_close_view(request: HttpRequest, pk: int) -> HttpResponse:
    need = need_get(user=request.user, need_id=pk)
    form = CloseNeedForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        need_close(actor=request.user, need=need, reason=reason)
    except (Conflict, InvalidInput) as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, _("The need was closed unfilled; the reason is recorded."))
    return redirect("web:need_detail", pk=need.pk)


@require_POST
@login_required
def need_nominate(request: HttpRequest, pk: int) -> HttpResponse:
    need = need_get(user=request.user, need_id=pk)
    if not can_manage_need(request.user, need):
        raise Forbidden("Only the need's own managers may nominate for it.")
    try:
        specialist_id = int(request.POST.get("specialist", ""))
    except ValueError:
        messages.error(request, _("Choose a specialist to nominate."))
        return redirect("web:need_detail", pk=need.pk)
    specialist = specialist_get(user=request.user, specialist_id=specialist_id)
    try:
        match = match_nominate(actor=request.user, need=need, specialist=specialist)
    except (Conflict, InvalidInput) as error:
        messages.error(request, error_text(error))
        return redirect("web:need_detail", pk=need.pk)
    messages.success(
        request,
        _("%(name)s was nominated. A coordinator will review the proposal.")
        % {"name": specialist.user.name},
    )
    return redirect("web:match_detail", pk=match.pk)
