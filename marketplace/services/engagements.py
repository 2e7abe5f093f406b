"""A running engagement's life after acceptance: changes, an early end, the specialist's feedback.

An engagement is an accepted match. Its reservation is the match's own period and share
(see `marketplace.services.matches`), so a change writes the match's `start`, `end` and
`capacity_percent` and the capacity rule reads the new reservation from there at once.

A change that grows the reservation on any day (an earlier start, a later end, a larger
share) is a request: a coordinator approves it and the specialist and their home manager
consent, each checked against free capacity with the one rule
(`marketplace.matching.capacity`), and it is applied with the last of the three. A change
that only shrinks the reservation, and an early end, apply at once: the days given up
are free for others as soon as the transaction commits.

Locks follow the transitions' order: need, then match, then specialist.
"""

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from accounts.errors import Conflict, Forbidden, InvalidInput
from accounts.models import User
from marketplace.audit import audit_record
from marketplace.models import (
    Engagement,
    Match,
    MatchChange,
    MatchChangeKind,
    MatchChangeStatus,
    MatchStatus,
    Specialist,
)
from marketplace.permissions import (
    can_end_engagement_early,
    can_give_release,
    can_give_specialist_consent,
    can_manage_need,
    can_review_match,
)
from marketplace.reports.facts import report_facts_refresh
from marketplace.services.matches import (
    _capacity_shortfall,
    _lock,
    _refuse,
    _shortfall_conflict,
    _visible_or_404,
    match_change_pending,
    match_change_snapshot,
    match_changes_cancel_pending,
)
from marketplace.services.notices import match_event_notify
from marketplace.services.specialist_index import matching_index_invalidate
from notifications.models import NotificationKind


def _period(match: Match) -> dict[str, Any]:
    return {
        "start": match.start.isoformat(),
        "end": match.end.isoformat(),
        "capacity_percent": match.capacity_percent,
    }


def _change_context(change: MatchChange) -> dict[str, Any]:
    """What a change's notification adds to the match's context: the new and old period."""
    return {
        "change_id": change.pk,
        "start": change.new_start.isoformat(),
        "end": change.new_end.isoformat(),
        "capacity_percent": change.new_capacity_percent,
        "old_start": change.old_start.isoformat(),
        "old_end": change.old_end.isoformat(),
        "old_capacity_percent": change.old_capacity_percent,
    }


def _check_capacity(match: Match, *, start: date, end: date, percent: int) -> None:
    """Refuse (409) a period and share the specialist cannot give on every day of it."""
    specialist = Specialist.objects.select_for_update().get(pk=match.specialist_id)
    shortfall = _capacity_shortfall(
        match=match, specialist=specialist, start=start, end=end, percent=percent
    )
    if shortfall:
        raise _shortfall_conflict(percent, shortfall)


def _apply(match: Match, *, start: date, end: date, percent: int) -> None:
    match.start, match.end, match.capacity_percent = start, end, percent
    match.save(update_fields=["start", "end", "capacity_percent", "updated_at"])
    matching_index_invalidate(specialist_ids=[match.specialist_id])


def _validate_change(
    match: Match, *, start: date | None, end: date | None, percent: int | None
) -> tuple[date, date, int]:
    today = timezone.localdate()
    new_start = start or match.start
    new_end = end or match.end
    new_percent = percent or match.capacity_percent
    errors: dict[str, list[str]] = {}
    if start is not None and start != match.start:
        if match.start <= today:
            errors["start"] = [gettext("The engagement has started; its start can no longer move.")]
        elif start < today:
            errors["start"] = [gettext("The start date may not be in the past.")]
    if new_end < new_start:
        errors["end"] = [gettext("The end date may not be before the start date.")]
    elif end is not None and end != match.end and end < today:
        errors["end"] = [
            gettext("The new end may not be in the past; end the engagement early instead.")
        ]
    if not 1 <= new_percent <= 100:
        errors["capacity_percent"] = [gettext("Must be between 1 and 100.")]
    if errors:
        raise InvalidInput(field_errors=errors)
    if (new_start, new_end, new_percent) == (match.start, match.end, match.capacity_percent):
        raise InvalidInput(
            field_errors={"end": [gettext("Change the start, the end or the share.")]}
        )
    return new_start, new_end, new_percent


@transaction.atomic
def match_change_request(
    *,
    actor: User,
    match: Match,
    start: date | None = None,
    end: date | None = None,
    capacity_percent: int | None = None,
) -> MatchChange:
    """The need's manager changes a running engagement's period or share.

    A change that only shrinks the reservation applies at once and tells everyone
    involved. One that grows it on any day is checked against free capacity now (409
    naming the short days), stays pending until a coordinator approves it and the
    specialist and their home manager consent, and is checked again when it applies.
    The start moves only before the engagement begins; one request may wait at a time.
    """
    _visible_or_404(actor, match)
    if not can_manage_need(actor, match.need):
        raise Forbidden(gettext("Only the need's managers may change the engagement."))
    match = _lock(match)
    if match.status != MatchStatus.ACCEPTED:
        raise _refuse(match, "changed")
    if match_change_pending(match) is not None:
        raise Conflict(
            gettext("A change to this engagement already waits for consent; answer it first.")
        )
    new_start, new_end, new_percent = _validate_change(
        match, start=start, end=end, percent=capacity_percent
    )
    grows = new_start < match.start or new_end > match.end or new_percent > match.capacity_percent
    if grows:
        _check_capacity(match, start=new_start, end=new_end, percent=new_percent)
    change = MatchChange.objects.create(
        match=match,
        kind=MatchChangeKind.CHANGE,
        status=MatchChangeStatus.PENDING if grows else MatchChangeStatus.APPLIED,
        requested_by=actor,
        old_start=match.start,
        old_end=match.end,
        old_capacity_percent=match.capacity_percent,
        new_start=new_start,
        new_end=new_end,
        new_capacity_percent=new_percent,
        grows=grows,
        decided_at=None if grows else timezone.now(),
        decided_by=None if grows else actor,
    )
    audit_record(
        actor=actor,
        action="match_change.request",
        target=change,
        after=match_change_snapshot(change),
    )
    if grows:
        match_event_notify(
            kind=NotificationKind.ENGAGEMENT_CHANGE_REQUESTED,
            match=match,
            extra=_change_context(change),
            leave_out=[actor],
        )
        return change
    # A shrink is the requester's own act: everyone else hears of it.
    _apply_change(actor=actor, match=match, change=change, leave_out=[actor])
    return change


def _apply_change(
    *, actor: User, match: Match, change: MatchChange, leave_out: Sequence[User] = ()
) -> None:
    before = _period(match)
    _apply(match, start=change.new_start, end=change.new_end, percent=change.new_capacity_percent)
    audit_record(
        actor=actor, action="match.change", target=match, before=before, after=_period(match)
    )
    match_event_notify(
        kind=NotificationKind.ENGAGEMENT_CHANGED,
        match=match,
        extra=_change_context(change),
        leave_out=leave_out,
    )
    report_facts_refresh(need_ids=[match.need_id])


@transaction.atomic
def match_change_consent(*, actor: User, match: Match) -> MatchChange:
    """Say yes to the engagement's pending change, in the actor's role.

    A coordinator approves it, the specialist consents and a manager of their home agency
    gives the release; each yes is checked against free capacity, and the last one applies
    the change. An actor who holds several roles (an admin) gives what is still missing in
    that order.
    """
    _visible_or_404(actor, match)
    roles = {
        "approve": can_review_match(actor),
        "consent": can_give_specialist_consent(actor, match),
        "release": can_give_release(actor, match),
    }
    if not any(roles.values()):
        raise Forbidden(
            "Only a coordinator, the specialist and their home agency's managers answer a change."
        )
    match = _lock(match)
    change = match_change_pending(match)
    if change is None or match.status != MatchStatus.ACCEPTED:
        raise Conflict(gettext("No change to this engagement waits for an answer."))
    now = timezone.now()
    before = match_change_snapshot(change)
    if roles["approve"] and change.approved_at is None:
        change.approved_at, change.approved_by, action = now, actor, "approve"
    elif roles["consent"] and change.specialist_consent_at is None:
        change.specialist_consent_at, change.specialist_consent_by, action = now, actor, "consent"
    elif roles["release"] and not roles["consent"] and change.release_at is None:
        change.release_at, change.release_by, action = now, actor, "release"
    else:
        raise Conflict(gettext("You have already answered this change."))
    _check_capacity(
        match, start=change.new_start, end=change.new_end, percent=change.new_capacity_percent
    )
    done = all((change.approved_at, change.specialist_consent_at, change.release_at))
    if done:
        change.status = MatchChangeStatus.APPLIED
        change.decided_at, change.decided_by = now, actor
    change.save()
    audit_record(
        actor=actor,
        action=f"match_change.{action}",
        target=change,
        before=before,
        after=match_change_snapshot(change),
    )
    if done:
        _apply_change(actor=actor, match=match, change=change)
    return change


@transaction.atomic
def match_change_decline(*, actor: User, match: Match, comment: str = "") -> MatchChange:
    """Say no to (or, as the need's manager, withdraw) the engagement's pending change.

    The engagement stays as it was; everyone involved is told.
    """
    _visible_or_404(actor, match)
    if not (
        can_review_match(actor)
        or can_give_specialist_consent(actor, match)
        or can_give_release(actor, match)
        or can_manage_need(actor, match.need)
    ):
        raise Forbidden(gettext("Only the people the change concerns may decline it."))
    match = _lock(match)
    change = match_change_pending(match)
    if change is None:
        raise Conflict(gettext("No change to this engagement waits for an answer."))
    before = match_change_snapshot(change)
    change.status = MatchChangeStatus.DECLINED
    change.decided_at, change.decided_by = timezone.now(), actor
    change.comment = (comment or "").strip()
    change.save(update_fields=["status", "decided_at", "decided_by", "comment"])
    audit_record(
        actor=actor,
        action="match_change.decline",
        target=change,
        before=before,
        after={**match_change_snapshot(change), "comment": change.comment},
    )
    match_event_notify(
        kind=NotificationKind.ENGAGEMENT_CHANGE_DECLINED,
        match=match,
        extra={"change_id": change.pk, "comment": change.comment},
        leave_out=[actor],
    )
    return change


@transaction.atomic
def match_end_early(*, actor: User, match: Match, last_day: date) -> Match:
    """A manager on either side ends a running engagement on `last_day`.

    The days after it are released at once (the reservation is the match's own period);
    a pending change is dropped. The specialist, both agencies' managers and the
    approving coordinator are told, all but the one who ended it.
    """
    _visible_or_404(actor, match)
    if not can_end_engagement_early(actor, match):
        raise Forbidden(gettext("Only the managers of either agency may end the engagement early."))
    match = _lock(match)
    if match.status != MatchStatus.ACCEPTED:
        raise _refuse(match, "ended early")
    if last_day < match.start:
        raise InvalidInput(
            field_errors={
                "last_day": [
                    gettext("The last day may not be before the engagement's start (%(start)s).")
                    % {"start": match.start.isoformat()}
                ]
            }
        )
    if last_day >= match.end:
        raise InvalidInput(
            field_errors={
                "last_day": [
                    gettext("The last day must be before the engagement's end (%(end)s).")
                    % {"end": match.end.isoformat()}
                ]
            }
        )
    match_changes_cancel_pending(match=match, actor=actor)
    now = timezone.now()
    change = MatchChange.objects.create(
        match=match,
        kind=MatchChangeKind.END_EARLY,
        status=MatchChangeStatus.APPLIED,
        requested_by=actor,
        old_start=match.start,
        old_end=match.end,
        old_capacity_percent=match.capacity_percent,
        new_start=match.start,
        new_end=last_day,
        new_capacity_percent=match.capacity_percent,
        decided_at=now,
        decided_by=actor,
    )
    before = _period(match)
    _apply(match, start=match.start, end=last_day, percent=match.capacity_percent)
    audit_record(
        actor=actor, action="match.end_early", target=match, before=before, after=_period(match)
    )
    match_event_notify(
        kind=NotificationKind.ENGAGEMENT_ENDED_EARLY,
        match=match,
        extra=_change_context(change),
        leave_out=[actor],
    )
    report_facts_refresh(need_ids=[match.need_id])
    return match


def _parse_rating(rating: Any) -> int:
    if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5:
        raise InvalidInput(
            field_errors={"rating": [gettext("Rating must be a whole number from 1 to 5.")]}
        )
    return rating


@transaction.atomic
def engagement_feedback_give(
    *, actor: User, match: Match, rating: int, comment: str = ""
) -> Engagement:
    """The specialist rates a completed assignment (1–5, with a comment), once.

    The borrowing manager gives theirs when completing; the reports show both.
    """
    _visible_or_404(actor, match)
    if not can_give_specialist_consent(actor, match):
        raise Forbidden(gettext("Only the specialist gives their feedback on the assignment."))
    rating = _parse_rating(rating)
    match = _lock(match)
    engagement = Engagement.objects.select_for_update().filter(match=match).first()
    if match.status != MatchStatus.COMPLETED or engagement is None:
        raise Conflict(gettext("Feedback is given once the engagement is completed."))
    if engagement.specialist_rating is not None:
        raise Conflict(gettext("You have already given your feedback on this engagement."))
    engagement.specialist_rating = rating
    engagement.specialist_comment = (comment or "").strip()
    engagement.save(update_fields=["specialist_rating", "specialist_comment"])
    audit_record(
        actor=actor,
        action="engagement.feedback",
        target=engagement,
        before={"specialist_rating": None},
        after={"specialist_rating": rating, "specialist_comment": engagement.specialist_comment},
    )
    report_facts_refresh(need_ids=[match.need_id])
    return engagement
