"""Specialist directory, profile pages, my profile and the availability editor."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.errors import Conflict, Forbidden, InvalidInput, NotFound
from marketplace.models import SavedSearchKind
from marketplace.permissions import (
    can_edit_specialist_profile,
    can_manage_specialist_sharing,
    can_save_search,
)
from marketplace.selectors.dashboards import availability_with_commitments, specialist_of
from marketplace.selectors.searches import SpecialistFilter
from marketplace.selectors.specialists import (
    availability_get,
    specialist_get,
    specialist_list,
)
from marketplace.services.availability import (
    availability_create,
    availability_delete,
    availability_update,
)
from marketplace.services.specialists import SkillLevel, specialist_create, specialist_update
from marketplace.web.cursor import PAGE_SIZE, query_without_cursor, web_keyset_page
from marketplace.web.forms import (
    AvailabilityForm,
    ProfileForm,
    SpecialistFilterForm,
    SpecialistSkillFormSet,
)
from marketplace.web.service_messages import in_request_language

PROFILE_FORM_FIELDS = ("title", "summary", "phone", "languages", "region", "remote_ok")


@login_required
def specialist_list_view(request: HttpRequest) -> HttpResponse:
    form = SpecialistFilterForm(request.GET or None)
    specialists = (
        specialist_list(user=request.user)
        .select_related("agency")
        .prefetch_related("skill_levels__skill")
    )
    search = SpecialistFilter(request.GET, queryset=specialists)
    if form.is_valid() and search.is_valid():
        specialists = search.qs
    page = web_keyset_page(request, specialists, ordering=("name", "id"), size=PAGE_SIZE)
    context = {
        "form": form,
        "page": page,
        "query": query_without_cursor(request),
        "can_save_search": can_save_search(request.user, SavedSearchKind.DIRECTORY),
    }
    if request.htmx:
        return render(request, "web/partials/specialist_results.html", context)
    return render(request, "web/specialist_list.html", context)


@login_required
def specialist_detail(request: HttpRequest, pk: int) -> HttpResponse:
    specialist = specialist_get(user=request.user, specialist_id=pk)
    return render(
        request,
        "web/specialist_detail.html",
        {
            "specialist": specialist,
            "windows": availability_with_commitments(user=request.user, specialist_id=pk),
            "can_edit": can_edit_specialist_profile(request.user, specialist),
        },
    )


def _own_specialist(request: HttpRequest):
    specialist = specialist_of(user=request.user)
    if specialist is None:
        raise NotFound(_("You have no specialist profile."))
    return specialist


def _skills_of(formset) -> list[SkillLevel]:
    return [
        SkillLevel(skill_id=row["skill"], level=row["level"])
        for row in formset.cleaned_data
        if row.get("skill")
    ]


def _start_own_profile(request: HttpRequest) -> HttpResponse:
    """A specialist without a profile yet is led to create it, on the same page."""
    form = ProfileForm(request.POST or None)
    formset = SpecialistSkillFormSet(request.POST or None, prefix="skills")
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid() and formset.is_valid():
            skills = _skills_of(formset)
            fields = {name: form.cleaned_data[name] for name in PROFILE_FORM_FIELDS}
            try:
                specialist_create(
                    actor=request.user, user=request.user, fields=fields, skills=skills
                )
            except InvalidInput as error:
                form.add_domain_errors(error)
            else:
                messages.success(request, _("Your profile was created."))
                return redirect("web:my_profile")
    return render(
        request,
        "web/my_profile.html",
        {"specialist": None, "form": form, "formset": formset},
        status=status,
    )


def _profile_page(request: HttpRequest, specialist, form, formset, availability_form, status=200):
    return render(
        request,
        "web/my_profile.html",
        {
            "specialist": specialist,
            "form": form,
            "formset": formset,
            "availability_form": availability_form,
            "windows": availability_with_commitments(
                user=request.user, specialist_id=specialist.pk
            ),
        },
        status=status,
    )


@login_required
def my_profile(request: HttpRequest) -> HttpResponse:
    if request.user.is_specialist and specialist_of(user=request.user) is None:
        return _start_own_profile(request)
    specialist = _own_specialist(request)
    initial = {name: getattr(specialist, name) for name in PROFILE_FORM_FIELDS}
    skills_initial = [
        {"skill": row.skill_id, "level": row.level} for row in specialist.skill_levels.all()
    ]
    form = ProfileForm(request.POST or None, initial=initial)
    formset = SpecialistSkillFormSet(request.POST or None, prefix="skills", initial=skills_initial)
    if request.method == "POST":
        if form.is_valid() and formset.is_valid():
            skills = _skills_of(formset)
            fields = {name: form.cleaned_data[name] for name in PROFILE_FORM_FIELDS}
            try:
                specialist_update(
                    actor=request.user, specialist=specialist, fields=fields, skills=skills
                )
            except InvalidInput as error:
                skill_errors = error.field_errors.get("skills")
                if skill_errors:
                    formset.add_domain_errors(skill_errors)
                others = {k: v for k, v in error.field_errors.items() if k != "skills"}
                if others:
                    form.add_domain_errors(InvalidInput(field_errors=others))
            else:
                messages.success(request, _("Your profile was saved."))
                return redirect("web:my_profile")
        return _profile_page(
            request, specialist, form, formset, AvailabilityForm(prefix="availability"), status=400
        )
    return _profile_page(
        request, specialist, form, formset, AvailabilityForm(prefix="availability")
    )


@require_POST
@login_required
def availability_add(request: HttpRequest) -> HttpResponse:
    specialist = _own_specialist(request)
    form = AvailabilityForm(request.POST, prefix="availability")
    if form.is_valid():
        try:
            availability_create(actor=request.user, specialist=specialist, **form.cleaned_data)
        except InvalidInput as error:
            form.add_domain_errors(error)
        else:
            messages.success(request, _("The availability period was added."))
            return redirect("web:my_profile")
    profile_form = ProfileForm(
        initial={name: getattr(specialist, name) for name in PROFILE_FORM_FIELDS}
    )
    formset = SpecialistSkillFormSet(
        prefix="skills",
        initial=[{"skill": r.skill_id, "level": r.level} for r in specialist.skill_levels.all()],
    )
    return _profile_page(request, specialist, profile_form, formset, form, status=400)


@login_required
def availability_edit(request: HttpRequest, pk: int) -> HttpResponse:
    window = availability_get(user=request.user, availability_id=pk)
    if not can_edit_specialist_profile(request.user, window.specialist):
        raise Forbidden(_("Only the specialist and their managers may change availability."))
    form = AvailabilityForm(
        request.POST or None,
        initial={
            "start": window.start,
            "end": window.end,
            "capacity_percent": window.capacity_percent,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            availability_update(actor=request.user, availability=window, **form.cleaned_data)
        except InvalidInput as error:
            form.add_domain_errors(error)
        except Conflict as error:
            form.add_error(None, in_request_language(error.message))
        else:
            messages.success(request, _("The availability period was updated."))
            return redirect(_after_availability(request, window))
    status = 400 if request.method == "POST" else 200
    return render(
        request, "web/availability_form.html", {"form": form, "window": window}, status=status
    )


@require_POST
@login_required
def availability_remove(request: HttpRequest, pk: int) -> HttpResponse:
    window = availability_get(user=request.user, availability_id=pk)
    target = _after_availability(request, window)
    try:
        availability_delete(actor=request.user, availability=window)
    except Conflict as error:
        messages.error(request, in_request_language(error.message))
    else:
        messages.success(request, _("The availability period was removed."))
    return redirect(target)


def _after_availability(request: HttpRequest, window) -> str:
    if window.specialist.user_id == request.user.pk:
        return reverse("web:my_profile")
    if can_manage_specialist_sharing(request.user, window.specialist):
        return reverse("web:staff_member", args=[window.specialist_id])
    return reverse("web:specialist_detail", args=[window.specialist_id])
