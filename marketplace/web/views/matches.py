"""A match's page and its transitions; the coordinator's approval queue and matching runs."""

from collections.abc import Callable
from dataclasses import dataclass, replace

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop
from django.views.decorators.http import require_POST

from accounts.errors import Conflict, Forbidden, InvalidInput, NotFound
from accounts.models import User
from marketplace.explanations import breakdown_in_words
from marketplace.models import Match, MatchStatus
from marketplace.permissions import (
    can_complete_match,
    can_decline_match,
    can_give_release,
    can_give_specialist_consent,
    can_review_match,
    can_run_matching,
)
from marketplace.selectors import dashboards
from marketplace.selectors.dashboards import approval_queue, latest_matching_run
from marketplace.selectors.engagements import engagement_actions
from marketplace.selectors.matches import match_get
from marketplace.selectors.matching_runs import matching_run_get
from marketplace.services.matches import (
    match_accept,
    match_approve,
    match_complete,
    match_decline,
    match_reject,
    matches_review_each,
)
from marketplace.services.matching_run_start import matching_run_start
from marketplace.web.cursor import query_without_cursor, web_keyset_page
from marketplace.web.forms import (
    ChangeDeclineForm,
    ChangeForm,
    CompleteForm,
    DeclineForm,
    EndEarlyForm,
    FeedbackForm,
    RejectForm,
)
from marketplace.web.service_messages import error_text, in_request_language

# A coordinator rejects in one click by picking one of these; the text is the reason.
REJECT_REASONS = (
    gettext_noop("The skills do not fit the need well enough."),
    gettext_noop("The specialist is needed for a higher-priority need."),
    gettext_noop("Another candidate fits better."),
)


@dataclass(frozen=True)
class MatchGroup:
    """A list of matches a dashboard shows the first rows of, and links to in full."""

    rows: Callable[..., QuerySet[Match]]
    for_role: Callable[[User], bool]
    title: str
    empty: str


MATCH_GROUPS = {
    "proposals": MatchGroup(
        dashboards.pending_proposals_for_specialist,
        lambda user: user.is_specialist,
        gettext_lazy("Proposals waiting for your answer"),
        gettext_lazy("No proposals are waiting for you."),
    ),
    "engagements": MatchGroup(
        dashboards.engagements_for_specialist,
        lambda user: user.is_specialist,
        gettext_lazy("My engagements"),
        gettext_lazy("No engagements yet."),
    ),
    "awaiting-release": MatchGroup(
        dashboards.awaiting_release,
        lambda user: user.is_manager,
        gettext_lazy("Proposals awaiting your release"),
        gettext_lazy("No proposals await your release."),
    ),
    "lent-out": MatchGroup(
        dashboards.lent_out,
        lambda user: user.is_manager,
        gettext_lazy("Specialists lent out"),
        gettext_lazy("None of our specialists is lent out."),
    ),
    "borrowed": MatchGroup(
        dashboards.borrowed,
        lambda user: user.is_manager,
        gettext_lazy("Specialists borrowed"),
        gettext_lazy("We have borrowed no specialists."),
    ),
}


def _back(request: HttpRequest, default: str) -> HttpResponse:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect(default)


def _actions_for(user, match) -> dict:
    consent = can_give_specialist_consent(user, match)
    release = can_give_release(user, match)
    return {
        "can_review": can_review_match(user) and match.status == MatchStatus.PROPOSED,
        "can_accept": match.status == MatchStatus.APPROVED
        and (
            (consent and match.specialist_consent_at is None)
            or (release and not consent and match.release_at is None)
        ),
        "accept_is_release": release and not consent,
        "can_decline": (consent or release)
        and match.status in (MatchStatus.PROPOSED, MatchStatus.APPROVED),
        "can_complete": can_complete_match(user, match) and match.status == MatchStatus.ACCEPTED,
        **engagement_actions(user, match, consent=consent, release=release),
    }


def _match_page(request: HttpRequest, match, *, status: int = 200, **forms) -> HttpResponse:
    context = {
        "match": match,
        "explanation": breakdown_in_words(match.breakdown),
        "decline_form": forms.get("decline_form") or DeclineForm(),
        "complete_form": forms.get("complete_form") or CompleteForm(),
        "change_form": forms.get("change_form") or ChangeForm(),
        "end_early_form": forms.get("end_early_form") or EndEarlyForm(),
        "change_decline_form": forms.get("change_decline_form") or ChangeDeclineForm(),
        "feedback_form": forms.get("feedback_form") or FeedbackForm(),
        "reject_reasons": [_(reason) for reason in REJECT_REASONS],
        **_actions_for(request.user, match),
    }
    return render(request, "web/match_detail.html", context, status=status)


@login_required
def match_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _match_page(request, match_get(user=request.user, match_id=pk))


def _queue_row(request: HttpRequest, match, note: str) -> HttpResponse:
    # The row says what happened; the heading's count follows (an out-of-band swap).
    context = {
        "match": match,
        "note": note,
        "queue_count": dashboards.approval_queue_count(user=request.user),
    }
    return render(request, "web/partials/approval_done.html", context)


def _queue_answer(request: HttpRequest, match, text: str, *, failed: bool) -> HttpResponse:
    """The approval queue's answer to approve or reject: its row (htmx) or a page message."""
    if request.htmx:
        return _queue_row(request, match, text)
    (messages.error if failed else messages.success)(request, text)
    return _back(request, reverse("web:match_detail", args=[match.pk]))


@require_POST
@login_required
def match_approve_view(request: HttpRequest, pk: int) -> HttpResponse:
    match = match_get(user=request.user, match_id=pk)
    try:
        match = match_approve(actor=request.user, match=match)
    except Conflict as error:
        return _queue_answer(request, match, error_text(error), failed=True)
    note = _("Approved: %(name)s for %(need)s.") % {
        "name": match.specialist.user.name,
        "need": match.need.title,
    }
    return _queue_answer(request, match, note, failed=False)


@require_POST
@login_required
def match_reject_view(request: HttpRequest, pk: int) -> HttpResponse:
    match = match_get(user=request.user, match_id=pk)
    form = RejectForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        match = match_reject(actor=request.user, match=match, reason=reason)
    except (Conflict, InvalidInput) as error:
        return _queue_answer(request, match, error_text(error), failed=True)
    note = _("Rejected: %(name)s for %(need)s.") % {
        "name": match.specialist.user.name,
        "need": match.need.title,
    }
    return _queue_answer(request, match, note, failed=False)


@require_POST
@login_required
def match_accept_view(request: HttpRequest, pk: int) -> HttpResponse:
    match = match_get(user=request.user, match_id=pk)
    try:
        match = match_accept(actor=request.user, match=match)
    except Conflict as error:
        messages.error(request, in_request_language(error.message))
    else:
        if match.status == MatchStatus.ACCEPTED:
            messages.success(request, _("The engagement is agreed: both consents are given."))
        else:
            messages.success(
                request, _("Your yes is recorded. The other consent is still awaited.")
            )
    return redirect("web:match_detail", pk=pk)


@require_POST
@login_required
def match_decline_view(request: HttpRequest, pk: int) -> HttpResponse:
    match = match_get(user=request.user, match_id=pk)
    if not can_decline_match(request.user, match):
        raise Forbidden(_("Only the specialist and their home agency's managers may decline."))
    form = DeclineForm(request.POST)
    if form.is_valid():
        try:
            match_decline(
                actor=request.user,
                match=match,
                reason=form.cleaned_data["reason"],
                comment=form.cleaned_data["comment"],
            )
        except Conflict as error:
            messages.error(request, in_request_language(error.message))
            return redirect("web:match_detail", pk=pk)
        except InvalidInput as error:
            form.add_domain_errors(error)
        else:
            messages.success(request, _("The match was declined."))
            return redirect("web:match_detail", pk=pk)
    return _match_page(request, match, status=400, decline_form=form)


@require_POST
@login_required
def match_complete_view(request: HttpRequest, pk: int) -> HttpResponse:
    match = match_get(user=request.user, match_id=pk)
    if not can_complete_match(request.user, match):
        raise Forbidden(_("Only the need's managers may complete the engagement."))
    form = CompleteForm(request.POST)
    if form.is_valid():
        try:
            match_complete(actor=request.user, match=match, **form.cleaned_data)
        except Conflict as error:
            messages.error(request, in_request_language(error.message))
            return redirect("web:match_detail", pk=pk)
        except InvalidInput as error:
            form.add_domain_errors(error)
        else:
            messages.success(request, _("The engagement is completed and recorded."))
            return redirect("web:match_detail", pk=pk)
    return _match_page(request, match, status=400, complete_form=form)


@login_required
def approvals(request: HttpRequest) -> HttpResponse:
    if not can_review_match(request.user):
        raise Forbidden(_("Only coordinators review proposals."))
    return _approvals_page(request)


def _approvals_page(
    request: HttpRequest, *, results: list | None = None, status: int = 200
) -> HttpResponse:
    queue = list(approval_queue(user=request.user))
    for match in queue:
        match.explanation = breakdown_in_words(match.breakdown)
    return render(
        request,
        "web/approvals.html",
        {
            "queue": queue,
            "queue_count": len(queue),
            "reject_reasons": [_(reason) for reason in REJECT_REASONS],
            "latest_run": latest_matching_run(user=request.user),
            "can_run": can_run_matching(request.user),
            "results": results,
        },
        status=status,
    )


@require_POST
@login_required
def approvals_bulk(request: HttpRequest) -> HttpResponse:
    """Approve or reject the selected proposals, each on its own: one refused stops none."""
    if not can_review_match(request.user):
        raise Forbidden(_("Only coordinators review proposals."))
    action = request.POST.get("action")
    ids = [value for value in request.POST.getlist("match") if value.isdigit()]
    if action not in ("approve", "reject") or not ids:
        messages.error(request, _("Select at least one proposal, then approve or reject."))
        return _approvals_page(request, status=400)
    reason = _(request.POST.get("reason", "")) if action == "reject" else ""
    results = matches_review_each(
        actor=request.user, match_ids=[int(value) for value in ids], action=action, reason=reason
    )
    for result in results:
        result.text = error_text(result.error) if result.error else ""
    done = sum(1 for result in results if result.error is None)
    messages.success(
        request,
        _("%(done)s of %(total)s proposals done; the result of each is below.")
        % {"done": done, "total": len(results)},
    )
    return _approvals_page(request, results=results)


@login_required
def match_group_list(request: HttpRequest, group: str) -> HttpResponse:
    """One of the dashboard's match lists in full, newest first, page by page."""
    if group not in MATCH_GROUPS:
        raise NotFound(_("No such list."))
    spec = MATCH_GROUPS[group]
    if not spec.for_role(request.user):
        raise Forbidden(_("This list belongs to another role's dashboard."))
    page = web_keyset_page(
        request,
        dashboards.for_match_table(spec.rows(user=request.user)),
        ordering=("-created_at", "-id"),
    )
    page = replace(page, rows=[dashboards.MatchRow.of(match) for match in page.rows])
    return render(
        request,
        "web/match_group.html",
        {"group": spec, "page": page, "query": query_without_cursor(request)},
    )


@require_POST
@login_required
def matching_run_start_view(request: HttpRequest) -> HttpResponse:
    try:
        run = matching_run_start(actor=request.user)
    except Conflict as error:
        messages.error(request, in_request_language(error.message))
        return redirect("web:approvals")
    messages.success(request, _("A matching run was started."))
    return redirect("web:matching_run_detail", pk=run.pk)


@login_required
def matching_run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = matching_run_get(user=request.user, run_id=pk)
    template = "web/partials/run_status.html" if request.htmx else "web/matching_run.html"
    return render(request, template, {"run": run, "poll": True})
