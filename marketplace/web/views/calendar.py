"""A person's calendar link (make, replace, stop) and a match as an .ics download."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from marketplace.ics import calendar_render, ics_response, match_filename
from marketplace.selectors.calendar import calendar_feed_get, calendar_match
from marketplace.services.calendar import calendar_feed_revoke, calendar_feed_rotate

# The new link, kept in the session only until the page after the POST has shown it.
FRESH_LINK_KEY = "calendar_feed_link"


@login_required
def calendar_page(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "rotate":
            token = calendar_feed_rotate(user=request.user)
            request.session[FRESH_LINK_KEY] = request.build_absolute_uri(
                reverse("api:calendar-feed", args=[token])
            )
            messages.success(request, _("Your calendar link is ready. Copy it now."))
        elif action == "revoke" and calendar_feed_revoke(user=request.user):
            messages.success(request, _("Your calendar link is stopped."))
        return redirect("web:calendar")
    link = request.session.pop(FRESH_LINK_KEY, None)
    return render(
        request,
        "web/calendar.html",
        {
            "feed": calendar_feed_get(user=request.user),
            "link": link,
            "webcal_link": link and "webcal://" + link.split("://", 1)[1],
            "has_engagements": request.user.is_specialist or request.user.is_manager,
        },
    )


@login_required
def match_ics(request: HttpRequest, pk: int) -> HttpResponse:
    match = calendar_match(user=request.user, match_id=pk)
    document = calendar_render([match], reader=request.user, language=get_language())
    return ics_response(document, filename=match_filename(match))
