"""The user's notifications: list, mark one read, mark all read."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from notifications.selectors import notification_inbox, notification_unread_count
from notifications.services import notification_mark_read, notifications_mark_all_read


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(notification_inbox(user=request.user), 25).get_page(request.GET.get("page"))
    return render(request, "web/notification_list.html", {"page": page})


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
