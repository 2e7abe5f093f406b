"""A manager's "my staff": who may be lent, up to what share, clearance, availability, loans."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.errors import Conflict, InvalidInput
from marketplace.selectors.dashboards import availability_with_commitments
from marketplace.selectors.staff import staff_list, staff_member_get
from marketplace.services.availability import availability_create
from marketplace.services.specialists import SHARING_FIELDS, specialist_update
from marketplace.web.forms import AvailabilityForm, SharingForm
from marketplace.web.service_messages import in_request_language


@login_required
def staff_list_view(request: HttpRequest) -> HttpResponse:
    return render(request, "web/staff_list.html", {"rows": staff_list(user=request.user)})


def _member_page(
    request: HttpRequest,
    row,
    sharing_form: SharingForm,
    availability_form: AvailabilityForm,
    *,
    status: int = 200,
) -> HttpResponse:
    windows = availability_with_commitments(user=request.user, specialist_id=row.specialist.pk)
    context = {
        "row": row,
        "specialist": row.specialist,
        "sharing_form": sharing_form,
        "availability_form": availability_form,
        "windows": windows,
    }
    return render(request, "web/staff_member.html", context, status=status)


@login_required
def staff_member(request: HttpRequest, pk: int) -> HttpResponse:
    row = staff_member_get(user=request.user, specialist_id=pk)
    specialist = row.specialist
    initial = {name: getattr(specialist, name) for name in SHARING_FIELDS}
    form = SharingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        fields = dict(form.cleaned_data)
        if not fields["clearance"]:
            fields["clearance_expires"] = None
        try:
            specialist_update(actor=request.user, specialist=specialist, fields=fields)
        except InvalidInput as error:
            form.add_domain_errors(error)
        except Conflict as error:
            form.add_error(None, in_request_language(error.message))
        else:
            messages.success(request, _("Saved for %(name)s.") % {"name": specialist.user.name})
            return redirect("web:staff_member", pk=specialist.pk)
    status = 400 if request.method == "POST" else 200
    return _member_page(request, row, form, AvailabilityForm(), status=status)


@require_POST
@login_required
def staff_availability_add(request: HttpRequest, pk: int) -> HttpResponse:
    row = staff_member_get(user=request.user, specialist_id=pk)
    form = AvailabilityForm(request.POST)
    if form.is_valid():
        try:
            availability_create(actor=request.user, specialist=row.specialist, **form.cleaned_data)
        except InvalidInput as error:
            form.add_domain_errors(error)
        except Conflict as error:
            form.add_error(None, in_request_language(error.message))
        else:
            messages.success(request, _("The availability period was added."))
            return redirect("web:staff_member", pk=pk)
    specialist = row.specialist
    sharing = SharingForm(initial={name: getattr(specialist, name) for name in SHARING_FIELDS})
    return _member_page(request, row, sharing, form, status=400)
