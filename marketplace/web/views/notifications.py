"""The user's notifications: list, open (marks read), mark read, and preferences."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from accounts.models import Agency, Role
from marketplace.models import SkillCategory
from notifications.models import NotificationKind
from notifications.selectors import (
    CONFIGURABLE_KINDS,
    notification_inbox,
    notification_unread_count,
    preferences_get,
    proposal_follows,
)
from notifications.services import (
    notification_mark_read,
    notifications_mark_all_read,
    preferences_update,
    proposal_follows_set,
)

CHOICES = ("in_app", "email", "digest")


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(notification_inbox(user=request.user), 25).get_page(request.GET.get("page"))
    return render(request, "web/notification_list.html", {"page": page})


@login_required
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Opening a notification marks it read and goes where it points."""
    notification = notification_mark_read(user=request.user, notification_id=pk)
    link = notification.link
    if link and url_has_allowed_host_and_scheme(link, allowed_hosts={request.get_host()}):
        return redirect(link)
    return redirect("web:notification_list")


@require_POST
@login_required
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    notification = notification_mark_read(user=request.user, notification_id=pk)
    if request.htmx:
        return render(
            request,
            "web/partials/notification_row.html",
            {
                "notification": notification,
                "unread_notification_count": notification_unread_count(user=request.user),
                "oob_count": True,
            },
        )
    messages.success(request, _("The notification is marked as read."))
    return redirect("web:notification_list")


@require_POST
@login_required
def notification_read_all(request: HttpRequest) -> HttpResponse:
    count = notifications_mark_all_read(user=request.user)
    if request.htmx:
        page = Paginator(notification_inbox(user=request.user), 25).get_page(
            request.GET.get("page")
        )
        return render(
            request,
            "web/partials/notification_items.html",
            {"page": page, "unread_notification_count": 0, "oob_count": True},
        )
    messages.success(
        request,
        ngettext(
            "%(count)d notification marked as read.",
            "%(count)d notifications marked as read.",
            count,
        )
        % {"count": count},
    )
    return redirect("web:notification_list")


@login_required
def notification_preferences(request: HttpRequest) -> HttpResponse:
    """Per kind: in the app, by email, and email at once or in the daily digest; for
    coordinators also the agencies and skill areas whose nominations they answer for."""
    user = request.user
    is_coordinator = user.role in (Role.COORDINATOR, Role.ADMIN)
    if request.method == "POST":
        preferences_update(
            user=user,
            changes={
                kind.value: {choice: f"{kind.value}-{choice}" in request.POST for choice in CHOICES}
                for kind in CONFIGURABLE_KINDS
            },
        )
        if is_coordinator:
            proposal_follows_set(
                user=user,
                agency_ids=[
                    int(pk) for pk in request.POST.getlist("follow_agency") if pk.isdigit()
                ],
                skill_categories=[
                    c for c in request.POST.getlist("follow_category") if c in SkillCategory.values
                ],
            )
        messages.success(request, _("Your notification settings are saved."))
        return redirect("web:notification_preferences")
    current = preferences_get(user=user)
    rows = [
        {"kind": kind.value, "label": NotificationKind(kind).label, **current[kind.value]}
        for kind in CONFIGURABLE_KINDS
    ]
    context = {"rows": rows, "is_coordinator": is_coordinator}
    if is_coordinator:
        agency_ids, categories = proposal_follows(user=user)
        context["agencies"] = [
            (agency.pk, agency.name, agency.pk in agency_ids) for agency in Agency.objects.all()
        ]
        context["categories"] = [
            (value, label, value in categories) for value, label in SkillCategory.choices
        ]
    return render(request, "web/notification_preferences.html", context)
