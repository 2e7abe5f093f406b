"""User administration on the web: admins for everybody, managers for their specialists."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.errors import Conflict, Forbidden, InvalidInput
from accounts.models import Agency, User
from accounts.permissions import can_invite_users, editable_user_fields
from accounts.selectors import user_get, user_list
from accounts.services import user_invitation_resend, user_invite, user_update
from marketplace.web.forms import InviteForm, UserEditForm
from marketplace.web.service_messages import in_request_language


def _users_page(request: HttpRequest, form: InviteForm, *, status: int = 200) -> HttpResponse:
    users = user_list(actor=request.user).select_related("agency")
    return render(request, "web/user_list.html", {"users": users, "form": form}, status=status)


@login_required
def user_list_view(request: HttpRequest) -> HttpResponse:
    actor = request.user
    if not can_invite_users(actor):
        raise Forbidden(_("You may not invite users."))
    form = InviteForm(request.POST or None, actor=actor)
    if request.method == "POST" and form.is_valid():
        values = form.cleaned_data
        agency_id = values.get("agency")
        try:
            invited = user_invite(
                actor=actor,
                email=values["email"],
                name=values["name"],
                role=values.get("role"),
                agency=Agency.objects.filter(pk=agency_id).first() if agency_id else None,
            )
        except InvalidInput as error:
            form.add_domain_errors(error)
        else:
            messages.success(
                request,
                _("%(name)s is invited; an email with a link to choose a password is on its way.")
                % {"name": invited.name},
            )
            return redirect("web:user_list")
    return _users_page(request, form, status=400 if request.method == "POST" else 200)


def _initial(user: User) -> dict:
    return {
        "name": user.name,
        "role": user.role,
        "agency": user.agency_id,
        "is_active": user.is_active,
    }


@login_required
def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request.user
    user = user_get(actor=actor, user_id=pk)
    editable = editable_user_fields(actor, user) - {"password", "language"}
    if actor.pk == user.pk:
        editable -= {"role", "agency", "is_active"}
    form = UserEditForm(request.POST or None, initial=_initial(user), editable=editable)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        if "agency" in data:
            data["agency"] = Agency.objects.filter(pk=data["agency"]).first()
        try:
            user_update(actor=actor, user=user, data=data)
        except InvalidInput as error:
            form.add_domain_errors(error)
        else:
            messages.success(request, _("Saved for %(name)s.") % {"name": user.name})
            return redirect("web:user_detail", pk=user.pk)
    context = {
        "person": user,
        "form": form,
        "can_resend": actor.pk != user.pk and user.is_active and not user.has_usable_password(),
    }
    return render(
        request, "web/user_detail.html", context, status=400 if request.method == "POST" else 200
    )


@require_POST
@login_required
def user_invitation_resend_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_get(actor=request.user, user_id=pk)
    try:
        user_invitation_resend(actor=request.user, user=user)
    except Conflict as error:
        messages.error(request, in_request_language(error.message))
    else:
        messages.success(
            request, _("The invitation was sent again to %(email)s.") % {"email": user.email}
        )
    return redirect("web:user_detail", pk=user.pk)
