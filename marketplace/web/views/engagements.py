"""The match page's forms for a running engagement: change it, answer a change, end it
early, and the specialist's feedback once it is completed."""

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.errors import Conflict, Forbidden, InvalidInput
from accounts.models import User
from marketplace.models import Match, MatchChangeStatus
from marketplace.permissions import (
    can_end_engagement_early,
    can_give_specialist_consent,
    can_manage_need,
)
from marketplace.selectors.matches import match_get
from marketplace.services.engagements import (
    engagement_feedback_give,
    match_change_consent,
    match_change_decline,
    match_change_request,
    match_end_early,
)
from marketplace.web.forms import ChangeDeclineForm, ChangeForm, EndEarlyForm, FeedbackForm, WebForm
from marketplace.web.service_messages import in_request_language
from marketplace.web.views.matches import _match_page


def _submit(
    request: HttpRequest,
    pk: int,
    *,
    form: WebForm,
    form_name: str,
    run: Callable[..., object],
    done: Callable[[object], str],
    allowed: Callable[[User, Match], bool] | None = None,
) -> HttpResponse:
    """Check who may (`allowed`, before reading the form), validate `form`, call the
    service; a rule broken shows beside the field (400) or as a page message, never a
    server error."""
    match = match_get(user=request.user, match_id=pk)
    if allowed is not None and not allowed(request.user, match):
        raise Forbidden(_("You may not do this to the engagement."))
    if form.is_valid():
        try:
            result = run(actor=request.user, match=match, **form.cleaned_data)
        except Conflict as error:
            messages.error(request, in_request_language(error.message))
            return redirect("web:match_detail", pk=pk)
        except InvalidInput as error:
            form.add_domain_errors(error)
        else:
            messages.success(request, done(result))
            return redirect("web:match_detail", pk=pk)
    return _match_page(request, match, status=400, **{form_name: form})


def _change_done(change) -> str:
    if change.status == MatchChangeStatus.APPLIED:
        return _("The engagement is changed.")
    return _(
        "The change is requested. It applies once a coordinator has approved it and the "
        "specialist and their home manager have said yes."
    )


@require_POST
@login_required
def match_change_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _submit(
        request,
        pk,
        form=ChangeForm(request.POST),
        form_name="change_form",
        allowed=lambda user, match: can_manage_need(user, match.need),
        run=match_change_request,
        done=_change_done,
    )


@require_POST
@login_required
def match_change_accept_view(request: HttpRequest, pk: int) -> HttpResponse:
    match = match_get(user=request.user, match_id=pk)
    try:
        change = match_change_consent(actor=request.user, match=match)
    except Conflict as error:
        messages.error(request, in_request_language(error.message))
    else:
        if change.status == MatchChangeStatus.APPLIED:
            messages.success(request, _("The engagement is changed."))
        else:
            messages.success(request, _("Your yes is recorded. Other answers are still awaited."))
    return redirect("web:match_detail", pk=pk)


@require_POST
@login_required
def match_change_decline_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _submit(
        request,
        pk,
        form=ChangeDeclineForm(request.POST),
        form_name="change_decline_form",
        run=match_change_decline,
        done=lambda _change: _("The change was declined; the engagement stays as it was."),
    )


@require_POST
@login_required
def match_end_early_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _submit(
        request,
        pk,
        form=EndEarlyForm(request.POST),
        form_name="end_early_form",
        allowed=can_end_engagement_early,
        run=match_end_early,
        done=lambda match: (
            _("The engagement now ends on %(day)s; the rest is released.")
            % {"day": match.end.isoformat()}
        ),
    )


@require_POST
@login_required
def match_feedback_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _submit(
        request,
        pk,
        form=FeedbackForm(request.POST),
        form_name="feedback_form",
        allowed=can_give_specialist_consent,
        run=engagement_feedback_give,
        done=lambda _engagement: _("Thank you: your feedback is recorded."),
    )
