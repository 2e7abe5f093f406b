"""Login, the dashboard per role and the accessibility statement."""

from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from accounts.language import language_choose, login_language_cookie, supported_language
from accounts.sso.policy import provider_for_email
from marketplace.selectors import dashboards
from marketplace.web.forms import LoginForm

# How the dashboard names the parts of a profile that are still missing.
PROFILE_PART_LABELS = {
    "title": _("a title"),
    "summary": _("a summary"),
    "skills": _("skills"),
    "languages": _("languages"),
    "region": _("a region or remote work"),
    "availability": _("availability for the coming period"),
}


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    user = request.user
    context: dict = {"agency_name": user.agency.name if user.agency_id else None}
    if user.is_specialist:
        profile = dashboards.specialist_profile_state(user=user)
        context["profile"] = profile
        if profile is not None:
            context["missing_parts"] = [
                PROFILE_PART_LABELS[part] for part in profile.completeness.missing
            ]
        context["pending"] = dashboards.pending_proposals_preview(user=user)
        context["engagements"] = dashboards.engagements_preview(user=user)
    if user.is_manager:
        context["needs_by_status"] = dashboards.agency_needs_by_status(user=user)
        context["awaiting_release"] = dashboards.awaiting_release_preview(user=user)
        context["lent_out"] = dashboards.lent_out_preview(user=user)
        context["borrowed"] = dashboards.borrowed_preview(user=user)
    if user.is_coordinator or user.is_admin:
        context["queue_count"] = dashboards.approval_queue_count(user=user)
        context["needs_without_candidates"] = dashboards.open_needs_without_candidates(user=user)
        context["latest_run"] = dashboards.latest_matching_run(user=user)
    return render(request, "web/dashboard.html", context)


def accessibility(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "web/accessibility.html",
        {"contact_email": settings.ACCESSIBILITY_CONTACT_EMAIL},
    )


class LoginView(auth_views.LoginView):
    """Django's login by email; afterwards pages speak the user's saved language."""

    template_name = "web/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        # The agency's own login for the email given (on submit, or in ?email= of a link).
        context = super().get_context_data(**kwargs)
        form = context["form"]
        email = form.data.get("username") or self.request.GET.get("email", "")
        context.update(sso_provider=provider_for_email(email), sso_email=email)
        if not form.is_bound and email:
            form.initial.setdefault("username", email)
        return context

    def form_valid(self, form: LoginForm) -> HttpResponse:
        return login_language_cookie(self.request, super().form_valid(form), form.get_user())


@require_POST
def language_switch(request: HttpRequest) -> HttpResponse:
    """Django's language switch, also saving the choice on the account of a logged-in person.

    The page comes back as it was (`next`); static/marketplace/keep-input.js carries what
    was typed on it across the switch.
    """
    language = supported_language(request.POST.get("language"))
    if language:
        language_choose(request, language)
    return set_language(request)
