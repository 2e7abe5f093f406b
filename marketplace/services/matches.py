"""The match status machine: nominate, propose, approve, reject, accept, decline, complete, cancel.

Every transition locks what it changes and re-reads its status under the lock, so two
concurrent requests can never both pass the same check. Lock order is always need,
then match, then specialist: transitions touching several matches of one need
(filling it, cancelling it) then never wait on each other in a cycle.

Capacity is reserved by the status alone (RESERVING_MATCH_STATUSES): approving
reserves it, and any move out of those statuses releases it, so there is no counter
to keep in step.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import models, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_lazy, gettext_noop
from django.utils.translation import gettext as _

from accounts.errors import Conflict, DomainError, Forbidden, InvalidInput, NotFound
from accounts.json_values import json_plain
from accounts.models import User
from accounts.request_context import current_request_id
from fastpaths.bulk_copy import bulk_insert
from marketplace.audit import audit_record
from marketplace.explanations import exclusions_in_words
from marketplace.matching.capacity import Window, capacity_shortfall
from marketplace.matching.shortlist import CAPACITY
from marketplace.models import (
    ACTIVE_MATCH_STATUSES,
    RESERVING_MATCH_STATUSES,
    AuditEvent,
    DeclineReason,
    Engagement,
    Match,
    MatchChange,
    MatchChangeStatus,
    MatchingRun,
    MatchStatus,
    Need,
    NeedStatus,
    ProposedBy,
    Specialist,
)
from marketplace.permissions import (
    can_complete_match,
    can_decline_match,
    can_give_release,
    can_give_specialist_consent,
    can_manage_need,
    can_review_match,
    can_view_match,
    can_view_need,
    can_view_specialist,
)
from marketplace.reports.facts import report_facts_refresh
from marketplace.selectors.capacity import capacity_windows
from marketplace.selectors.matches import match_get
from marketplace.services.notices import (
    match_event_notify,
    matches_proposed_tell_agencies,
)
from marketplace.services.scoring import pair_assess
from marketplace.services.specialist_index import matching_index_invalidate
from notifications.models import NotificationKind
from notifications.services import notify

# A specialist or their manager picks one of these; "not selected" is the system's own.
DECLINE_REASONS_FOR_PEOPLE = tuple(
    reason for reason in DeclineReason.values if reason != DeclineReason.NOT_SELECTED
)


@dataclass(frozen=True)
class Proposal:
    """One pairing a matching run wants proposed."""

    need_id: int
    specialist_id: int
    score: float
    breakdown: dict


# Reading helpers ------------------------------------------------------------------------


def _snapshot(match: Match) -> dict[str, Any]:
    """The match fields a reader of the audit trail needs to follow its history."""
    fields = (
        "status",
        "approved_at",
        "approved_by_id",
        "specialist_consent_at",
        "specialist_consent_by_id",
        "release_at",
        "release_by_id",
        "accepted_at",
        "decline_reason",
        "declined_by_id",
        "closed_at",
    )
    return json_plain({name: getattr(match, name) for name in fields})


# Stored as English message ids, translated when each reader's text is rendered.
_CONSENT_LABELS = {True: gettext_noop("The specialist"), False: gettext_noop("The home manager")}


def _english_label(reason: str) -> str:
    with translation.override("en"):
        return str(DeclineReason(reason).label)


def _visible_or_404(actor: User, match: Match) -> None:
    if not can_view_match(actor, match):
        raise NotFound(_("Match not found."))


def _lock(match: Match) -> Match:
    """Lock the match's need, then the match, and return the match as it is now."""
    list(Need.objects.select_for_update().filter(pk=match.need_id).values_list("pk"))
    return (
        Match.objects.select_for_update(of=("self",))
        .select_related("need", "specialist__user", "approved_by")
        .get(pk=match.pk)
    )


# Why a transition is refused, per action; `status` is the match's status as a reader names it.
REFUSALS = {
    "approved": gettext_lazy("The match is %(status)s; it cannot be approved."),
    "rejected": gettext_lazy("The match is %(status)s; it cannot be rejected."),
    "accepted": gettext_lazy("The match is %(status)s; it cannot be accepted."),
    "declined": gettext_lazy("The match is %(status)s; it cannot be declined."),
    "completed": gettext_lazy("The match is %(status)s; it cannot be completed."),
    "cancelled": gettext_lazy("The match is %(status)s; it cannot be cancelled."),
    "changed": gettext_lazy("The match is %(status)s; it cannot be changed."),
    "ended early": gettext_lazy("The match is %(status)s; it cannot be ended early."),
}


def status_name(choices: type[models.TextChoices], value: str) -> str:
    """A status as a sentence names it, in the reader's language ("declined", "avböjd")."""
    return str(choices(value).label).lower()


def _refuse(match: Match, action: str) -> Conflict:
    return Conflict(REFUSALS[action] % {"status": status_name(MatchStatus, match.status)})


def _close(match: Match, *, status: str, reason: str = "") -> None:
    if match.status in RESERVING_MATCH_STATUSES:
        # Leaving a reserving status releases capacity: the shortlist must see it.
        matching_index_invalidate(specialist_ids=[match.specialist_id])
    match.status = status
    match.closed_at = timezone.now()
    if reason:
        match.decline_reason = reason
    match.save(update_fields=["status", "closed_at", "decline_reason", "updated_at"])


def match_change_snapshot(change: MatchChange) -> dict[str, Any]:
    """A change request's fields as its audit events record them."""
    return {
        "change_id": change.pk,
        "kind": change.kind,
        "status": change.status,
        "start": change.new_start.isoformat(),
        "end": change.new_end.isoformat(),
        "capacity_percent": change.new_capacity_percent,
        "old_start": change.old_start.isoformat(),
        "old_end": change.old_end.isoformat(),
        "old_capacity_percent": change.old_capacity_percent,
        "grows": change.grows,
        "approved_by_id": change.approved_by_id,
        "specialist_consent_by_id": change.specialist_consent_by_id,
        "release_by_id": change.release_by_id,
    }


def match_change_pending(match: Match) -> MatchChange | None:
    """The match's change request waiting for answers, locked (at most one waits)."""
    return (
        MatchChange.objects.select_for_update()
        .filter(match=match, status=MatchChangeStatus.PENDING)
        .first()
    )


def match_changes_cancel_pending(*, match: Match, actor: User | None) -> None:
    """Drop a match's pending change request when the engagement ends or is completed."""
    change = match_change_pending(match)
    if change is None:
        return
    change.status = MatchChangeStatus.CANCELLED
    change.decided_at, change.decided_by = timezone.now(), actor
    change.save(update_fields=["status", "decided_at", "decided_by"])
    audit_record(
        actor=actor,
        action="match_change.cancel",
        target=change,
        before={"status": MatchChangeStatus.PENDING},
        after=match_change_snapshot(change),
    )


# Entry points for other services ----------------------------------------------------------


@transaction.atomic
def matches_cancel_for_need(*, need: Need, actor: User | None) -> int:
    """Cancel every active match of a need that is being cancelled or closed.

    Called by the need's own services, which check who may cancel the need; this
    releases the reserved capacity (by leaving the reserving statuses), records an
    audit event per match and tells who `ROUTES` names (the specialist, their home
    managers where the match had reserved their time, the approver; not the actor).
    Returns how many matches were cancelled.
    """
    matches = list(
        Match.objects.select_for_update(of=("self",))
        .select_related("need", "specialist__user")
        .filter(need_id=need.pk, status__in=ACTIVE_MATCH_STATUSES)
        .order_by("pk")
    )
    for match in matches:
        before = _snapshot(match)
        was_reserving = match.status in RESERVING_MATCH_STATUSES
        _close(match, status=MatchStatus.CANCELLED)
        audit_record(
            actor=actor, action="match.cancel", target=match, before=before, after=_snapshot(match)
        )
        match_event_notify(
            kind=NotificationKind.MATCH_CANCELLED,
            match=match,
            reserved=was_reserving,
            leave_out=[actor] if actor else [],
        )
    report_facts_refresh(need_ids=[need.pk])
    return len(matches)


@transaction.atomic
def matches_cancel_for_specialist(*, specialist: Specialist, actor: User | None) -> list[int]:
    """Cancel every active match of a specialist who is leaving (erasure of their data).

    Called by the privacy service, which checks who may do this. The needs are locked
    first, in id order, then the matches, keeping the lock order of the transitions.
    Reserved capacity is released by the status change; who `ROUTES` names is told, but
    not the specialist, being erased (the caller anonymises their name first so the
    notices do not carry it). Returns the ids of the
    matches cancelled.
    """
    need_ids = sorted(
        Match.objects.filter(
            specialist_id=specialist.pk, status__in=ACTIVE_MATCH_STATUSES
        ).values_list("need_id", flat=True)
    )
    list(Need.objects.select_for_update().filter(pk__in=need_ids).order_by("pk").values_list("pk"))
    matches = list(
        Match.objects.select_for_update(of=("self",))
        .select_related("need", "specialist__user", "approved_by")
        .filter(specialist_id=specialist.pk, status__in=ACTIVE_MATCH_STATUSES)
        .order_by("pk")
    )
    for match in matches:
        before = _snapshot(match)
        _close(match, status=MatchStatus.CANCELLED)
        audit_record(
            actor=actor, action="match.cancel", target=match, before=before, after=_snapshot(match)
        )
        was_reserving = before["status"] in RESERVING_MATCH_STATUSES
        match_event_notify(
            kind=NotificationKind.MATCH_CANCELLED,
            match=match,
            reserved=was_reserving,
            leave_out=[match.specialist.user, *([actor] if actor else [])],
        )
    report_facts_refresh(need_ids=need_ids)
    return [match.pk for match in matches]


@transaction.atomic
def matches_propose_from_run(*, run: MatchingRun, proposals: Sequence[Proposal]) -> list[Match]:
    """Write a matching run's proposals as `proposed` matches.

    Period and capacity come from the need. A proposal is skipped when its need is no
    longer open or the pair already has an active match (including a duplicate within
    `proposals`). The needs are locked, in id order, so a concurrent nomination for the
    same pair waits instead of colliding. The run's requester hears once; coordinators
    are not told one by one.
    """
    need_ids = sorted({proposal.need_id for proposal in proposals})
    needs = {
        need.pk: need
        for need in Need.objects.select_for_update()
        .filter(pk__in=need_ids, status=NeedStatus.OPEN)
        .order_by("pk")
    }
    taken = set(
        Match.objects.filter(need_id__in=needs, status__in=ACTIVE_MATCH_STATUSES).values_list(
            "need_id", "specialist_id"
        )
    )
    agency_of_specialist = dict(
        Specialist.objects.filter(
            pk__in={proposal.specialist_id for proposal in proposals}
        ).values_list("pk", "agency_id")
    )
    new: list[Match] = []
    for proposal in proposals:
        pair = (proposal.need_id, proposal.specialist_id)
        need = needs.get(proposal.need_id)
        if need is None or proposal.specialist_id not in agency_of_specialist or pair in taken:
            continue
        taken.add(pair)
        new.append(
            Match(
                need=need,
                specialist_id=proposal.specialist_id,
                need_agency_id=need.agency_id,
                specialist_agency_id=agency_of_specialist[proposal.specialist_id],
                status=MatchStatus.PROPOSED,
                score=min(max(float(proposal.score), 0.0), 1.0),
                breakdown=proposal.breakdown,
                capacity_percent=need.capacity_percent,
                start=need.start,
                end=need.end,
                proposed_by=ProposedBy.MATCHING_RUN,
                matching_run=run,
            )
        )
    created = bulk_insert(Match, new)
    request_id = current_request_id()
    bulk_insert(
        AuditEvent,
        [
            AuditEvent(
                actor=None,
                action="match.propose",
                object_type=Match._meta.label_lower,
                object_id=str(match.pk),
                before=None,
                after={**_snapshot(match), "matching_run_id": run.pk, "score": match.score},
                request_id=request_id,
            )
            for match in created
        ],
    )
    matches_proposed_tell_agencies(matches=created)
    if run.requested_by_id:
        notify(
            kind="matching_run_done",
            recipients=[run.requested_by],
            context={
                "run_id": run.pk,
                "proposals_created": len(created),
            },
            link=f"/matching-runs/{run.pk}/",
        )
    return created


# Transitions --------------------------------------------------------------------------


@transaction.atomic
def match_nominate(*, actor: User, need: Need, specialist: Specialist) -> Match:
    """A manager of the need's agency (or an admin) proposes a specialist for an open need.

    Refuses a specialist the actor cannot see (404), a need that is not open or a pair
    that already has an active match (409), and a specialist who fails a hard constraint
    of the need with the reasons the shortlist's `?explain=` gives: 409 when free capacity
    is all that is missing (a capacity conflict), else 400 on `specialist`. The
    coordinators responsible for the need are told, and both agencies.
    """
    if not can_manage_need(actor, need):
        if can_view_need(actor, need):
            raise Forbidden(_("Only the need's managers may nominate for it."))
        raise NotFound(_("Need not found."))
    if not can_view_specialist(actor, specialist):
        raise NotFound(_("Specialist not found."))
    need = Need.objects.select_for_update().get(pk=need.pk)
    if need.status != NeedStatus.OPEN:
        raise Conflict(
            _("The need is %(status)s; only open needs take nominations.")
            % {"status": status_name(NeedStatus, need.status)}
        )
    if Match.objects.filter(
        need=need, specialist=specialist, status__in=ACTIVE_MATCH_STATUSES
    ).exists():
        raise Conflict(_("This specialist already has an active match for this need."))
    assessment = pair_assess(need=need, specialist=specialist)
    if assessment.reasons:
        texts = exclusions_in_words(assessment.reasons)
        if all(reason.constraint == CAPACITY for reason in assessment.reasons):
            raise Conflict(
                gettext("The specialist cannot take this need: %(reasons)s.")
                % {"reasons": "; ".join(texts)}
            )
        raise InvalidInput(field_errors={"specialist": texts})
    score, breakdown = assessment.score, assessment.breakdown
    match = Match.objects.create(
        need=need,
        specialist=specialist,
        need_agency_id=need.agency_id,
        specialist_agency_id=specialist.agency_id,
        status=MatchStatus.PROPOSED,
        score=min(max(float(score), 0.0), 1.0),
        breakdown=breakdown,
        capacity_percent=need.capacity_percent,
        start=need.start,
        end=need.end,
        proposed_by=ProposedBy.NOMINATION,
        nominated_by=actor,
    )
    audit_record(
        actor=actor,
        action="match.nominate",
        target=match,
        after={**_snapshot(match), "need_id": need.pk, "specialist_id": specialist.pk},
    )
    match_event_notify(kind=NotificationKind.MATCH_PROPOSED, match=match)
    report_facts_refresh(need_ids=[need.pk])
    return match


def _capacity_shortfall(
    *,
    match: Match,
    specialist: Specialist,
    start: date | None = None,
    end: date | None = None,
    percent: int | None = None,
) -> list[Window]:
    """Segments of the match's period (or of `start`–`end` at `percent`, for a change to it)
    where the specialist has less free than it asks, its own reservation left out."""
    start, end = start or match.start, end or match.end
    percent = percent or match.capacity_percent
    windows = capacity_windows(
        specialist_id=specialist.pk, start=start, end=end, exclude_match_id=match.pk
    )
    return capacity_shortfall(
        start=start,
        end=end,
        asked_percent=percent,
        availability=windows.availability,
        reservations=windows.reservations,
        max_share_percent=specialist.max_share_percent,
    )


def _shortfall_conflict(percent: int, shortfall: Sequence[Window]) -> Conflict:
    days = "; ".join(
        _("%(start)s–%(end)s: %(percent)s%% free")
        % {"start": segment.start, "end": segment.end, "percent": max(segment.percent, 0)}
        for segment in shortfall
    )
    return Conflict(
        _("The specialist does not have %(percent)s%% free over the whole period (%(days)s).")
        % {"percent": percent, "days": days}
    )


@transaction.atomic
def match_approve(*, actor: User, match: Match) -> Match:
    """A coordinator approves a proposed match and so reserves the specialist's capacity.

    The specialist row is locked before the free capacity is computed, so two approvals
    for the same specialist run one after the other and the second sees the first's
    reservation: nobody is ever committed above their availability or max share.
    """
    _visible_or_404(actor, match)
    if not can_review_match(actor):
        raise Forbidden(_("Only coordinators may approve matches."))
    match = _lock(match)
    if match.status != MatchStatus.PROPOSED:
        raise _refuse(match, "approved")
    if match.need.status != NeedStatus.OPEN:
        raise Conflict(
            _("The need is %(status)s; matches of it cannot be approved.")
            % {"status": status_name(NeedStatus, match.need.status)}
        )
    specialist = Specialist.objects.select_for_update().get(pk=match.specialist_id)
    shortfall = _capacity_shortfall(match=match, specialist=specialist)
    if shortfall:
        raise _shortfall_conflict(match.capacity_percent, shortfall)
    before = _snapshot(match)
    match.status = MatchStatus.APPROVED
    matching_index_invalidate(specialist_ids=[match.specialist_id])
    match.approved_at = timezone.now()
    match.approved_by = actor
    match.save(update_fields=["status", "approved_at", "approved_by", "updated_at"])
    audit_record(
        actor=actor, action="match.approve", target=match, before=before, after=_snapshot(match)
    )
    match_event_notify(kind=NotificationKind.MATCH_APPROVED, match=match)
    report_facts_refresh(need_ids=[match.need_id])
    return match


@transaction.atomic
def match_reject(*, actor: User, match: Match, reason: str) -> Match:
    """A coordinator rejects a proposed match, giving a reason; the nominator is told."""
    _visible_or_404(actor, match)
    if not can_review_match(actor):
        raise Forbidden(_("Only coordinators may reject matches."))
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(field_errors={"reason": [_("Say why the match is rejected.")]})
    match = _lock(match)
    if match.status != MatchStatus.PROPOSED:
        raise _refuse(match, "rejected")
    before = _snapshot(match)
    match.decline_comment = reason
    match.declined_by = actor
    match.save(update_fields=["decline_comment", "declined_by", "updated_at"])
    _close(match, status=MatchStatus.REJECTED)
    audit_record(
        actor=actor,
        action="match.reject",
        target=match,
        before=before,
        after={**_snapshot(match), "reason": reason},
    )
    match_event_notify(kind=NotificationKind.MATCH_REJECTED, match=match, extra={"reason": reason})
    report_facts_refresh(need_ids=[match.need_id])
    return match


def _fill_need_if_complete(*, need: Need, actor: User) -> None:
    """Mark the need filled once its headcount is accepted and close the other candidates."""
    accepted = Match.objects.filter(need=need, status=MatchStatus.ACCEPTED).count()
    if accepted < need.headcount:
        return
    need_before = {"status": need.status}
    need.status = NeedStatus.FILLED
    need.closed_at = timezone.now()
    need.save(update_fields=["status", "closed_at", "updated_at"])
    audit_record(
        actor=actor, action="need.fill", target=need, before=need_before, after={"status": "filled"}
    )
    others = (
        Match.objects.select_for_update(of=("self",))
        .select_related("need", "specialist__user")
        .filter(need=need, status__in=(MatchStatus.PROPOSED, MatchStatus.APPROVED))
        .order_by("pk")
    )
    for other in others:
        before = _snapshot(other)
        _close(other, status=MatchStatus.CANCELLED, reason=DeclineReason.NOT_SELECTED)
        audit_record(
            actor=actor,
            action="match.not_selected",
            target=other,
            before=before,
            after=_snapshot(other),
        )
        match_event_notify(kind=NotificationKind.MATCH_NOT_SELECTED, match=other)


@dataclass
class ReviewResult:
    """What became of one proposal of a batch: the match as it is now, or why it was refused."""

    match_id: int
    match: Match | None
    error: DomainError | None
    text: str = ""


def matches_review_each(
    *, actor: User, match_ids: Sequence[int], action: str, reason: str = ""
) -> list[ReviewResult]:
    """Approve or reject several proposals, each on its own as if one by one.

    Each goes through `match_approve` or `match_reject` in its own transaction, with every
    check those make; a refused one (gone, not visible, no longer proposed, no capacity)
    is reported and the rest go on.
    """
    results: list[ReviewResult] = []
    for match_id in dict.fromkeys(match_ids):
        match = None
        try:
            match = match_get(user=actor, match_id=match_id)
            if action == "approve":
                match = match_approve(actor=actor, match=match)
            else:
                match = match_reject(actor=actor, match=match, reason=reason)
        except DomainError as error:
            results.append(ReviewResult(match_id=match_id, match=match, error=error))
        else:
            results.append(ReviewResult(match_id=match_id, match=match, error=None))
    return results


@transaction.atomic
def match_accept(*, actor: User, match: Match) -> Match:
    """Record the actor's consent to an approved match: the specialist's yes or the release.

    The specialist gives their own consent; a manager of their home agency (or an admin)
    gives the release. With both the match is accepted; when the need then has its
    headcount it is filled and its other candidates are told they were not selected.
    """
    _visible_or_404(actor, match)
    gives_consent = can_give_specialist_consent(actor, match)
    gives_release = can_give_release(actor, match)
    if not (gives_consent or gives_release):
        raise Forbidden(_("Only the specialist and their home agency's managers may accept."))
    match = _lock(match)
    if match.status != MatchStatus.APPROVED:
        raise _refuse(match, "accepted")
    if match.need.status != NeedStatus.OPEN:
        raise Conflict(
            _("The need is %(status)s; matches of it cannot be accepted.")
            % {"status": status_name(NeedStatus, match.need.status)}
        )
    before = _snapshot(match)
    now = timezone.now()
    if gives_consent:
        if match.specialist_consent_at is not None:
            raise Conflict(_("The specialist has already consented to this match."))
        match.specialist_consent_at, match.specialist_consent_by = now, actor
    else:
        if match.release_at is not None:
            raise Conflict(_("The specialist's release has already been given for this match."))
        match.release_at, match.release_by = now, actor
    if match.specialist_consent_at is not None and match.release_at is not None:
        match.status = MatchStatus.ACCEPTED
        match.accepted_at = now
    match.save(
        update_fields=[
            "specialist_consent_at",
            "specialist_consent_by",
            "release_at",
            "release_by",
            "status",
            "accepted_at",
            "updated_at",
        ]
    )
    action = "match.consent" if gives_consent else "match.release"
    audit_record(actor=actor, action=action, target=match, before=before, after=_snapshot(match))
    if match.status != MatchStatus.ACCEPTED:
        # The one still to say yes hears of the first consent; the agencies hear of both.
        match_event_notify(
            kind=NotificationKind.MATCH_CONSENTED,
            match=match,
            extra={"consent_label": _CONSENT_LABELS[gives_consent]},
            leave_out=[actor],
        )
    else:
        match_event_notify(kind=NotificationKind.MATCH_ACCEPTED, match=match)
        need = Need.objects.select_for_update().get(pk=match.need_id)
        _fill_need_if_complete(need=need, actor=actor)
    report_facts_refresh(need_ids=[match.need_id])
    return match


@transaction.atomic
def match_decline(*, actor: User, match: Match, reason: str, comment: str = "") -> Match:
    """The specialist or their home manager declines a proposed or approved match.

    Declining releases any capacity the match reserved; the managers of both agencies
    and the approving coordinator are told.
    """
    _visible_or_404(actor, match)
    if not can_decline_match(actor, match):
        raise Forbidden(_("Only the specialist and their home agency's managers may decline."))
    if reason not in DECLINE_REASONS_FOR_PEOPLE:
        raise InvalidInput(
            field_errors={
                "reason": [
                    _("Choose one of: %(choices)s.")
                    % {"choices": ", ".join(DECLINE_REASONS_FOR_PEOPLE)}
                ]
            }
        )
    match = _lock(match)
    if match.status not in (MatchStatus.PROPOSED, MatchStatus.APPROVED):
        raise _refuse(match, "declined")
    before = _snapshot(match)
    match.decline_comment = comment or ""
    match.declined_by = actor
    match.save(update_fields=["decline_comment", "declined_by", "updated_at"])
    _close(match, status=MatchStatus.DECLINED, reason=reason)
    audit_record(
        actor=actor, action="match.decline", target=match, before=before, after=_snapshot(match)
    )
    match_event_notify(
        kind=NotificationKind.MATCH_DECLINED,
        match=match,
        extra={
            "reason": reason,
            "reason_label": _english_label(reason),
            "comment": match.decline_comment,
        },
    )
    report_facts_refresh(need_ids=[match.need_id])
    return match


def _parse_hours(hours: Decimal | int | float | str) -> Decimal:
    try:
        value = Decimal(str(hours))
    except (InvalidOperation, ValueError, TypeError):
        raise InvalidInput(field_errors={"hours": [_("Give the hours as a number.")]}) from None
    if not value.is_finite() or value < 0:
        raise InvalidInput(field_errors={"hours": [_("Hours must be zero or more.")]})
    if value >= Decimal("10000000"):
        raise InvalidInput(field_errors={"hours": [_("Hours must be below 10 000 000.")]})
    return value.quantize(Decimal("0.1"))


@transaction.atomic
def match_complete(
    *,
    actor: User,
    match: Match,
    hours: Decimal | int | float | str,
    rating: int | None = None,
    comment: str = "",
    last_day: date | None = None,
) -> Engagement:
    """The need's manager completes an accepted match and records the engagement.

    Only on or after the engagement's start. Completing before its end records the actual
    last day (`last_day`, else today) as the match's end, so the rest of the reservation
    is released at once while the days worked stay held. `rating` (1–5) and `comment` are
    the borrowing agency's; the specialist (asked for their own feedback) and their home
    managers are told.
    """
    _visible_or_404(actor, match)
    if not can_complete_match(actor, match):
        raise Forbidden(_("Only the need's managers may complete the match."))
    value = _parse_hours(hours)
    if rating is not None and (
        isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5
    ):
        raise InvalidInput(
            field_errors={"rating": [_("Rating must be a whole number from 1 to 5.")]}
        )
    match = _lock(match)
    if match.status != MatchStatus.ACCEPTED:
        raise _refuse(match, "completed")
    today = timezone.localdate()
    if today < match.start:
        raise Conflict(
            gettext("The engagement starts on %(start)s; it can be completed from that day on.")
            % {"start": match.start.isoformat()}
        )
    last_day = last_day or min(match.end, today)
    if not match.start <= last_day <= min(match.end, today):
        raise InvalidInput(
            field_errors={
                "last_day": [
                    gettext("The last day must be between %(start)s and %(latest)s.")
                    % {"start": match.start.isoformat(), "latest": min(match.end, today)}
                ]
            }
        )
    match_changes_cancel_pending(match=match, actor=actor)
    before = {**_snapshot(match), "end": match.end.isoformat()}
    if last_day != match.end:
        match.end = last_day
        match.save(update_fields=["end", "updated_at"])
    _close(match, status=MatchStatus.COMPLETED)
    engagement = Engagement.objects.create(
        match=match,
        hours=value,
        need_rating=rating,
        need_comment=comment or "",
        completed_at=match.closed_at,
        completed_by=actor,
    )
    audit_record(
        actor=actor,
        action="match.complete",
        target=match,
        before=before,
        after={
            **_snapshot(match),
            "end": match.end.isoformat(),
            "hours": str(value),
            "rating": rating,
        },
    )
    match_event_notify(
        kind=NotificationKind.MATCH_COMPLETED, match=match, extra={"hours": str(value)}
    )
    report_facts_refresh(need_ids=[match.need_id])
    return engagement


@transaction.atomic
def match_cancel(*, actor: User, match: Match) -> Match:
    """The need's manager withdraws an active match; reserved capacity is released.

    Who `ROUTES` names for `match_cancelled` is told, except the manager who withdrew it.
    """
    _visible_or_404(actor, match)
    if not can_manage_need(actor, match.need):
        raise Forbidden(_("Only the need's managers may withdraw a match."))
    match = _lock(match)
    if match.status not in ACTIVE_MATCH_STATUSES:
        raise _refuse(match, "cancelled")
    before = _snapshot(match)
    was_reserving = match.status in RESERVING_MATCH_STATUSES
    _close(match, status=MatchStatus.CANCELLED)
    audit_record(
        actor=actor, action="match.cancel", target=match, before=before, after=_snapshot(match)
    )
    match_event_notify(
        kind=NotificationKind.MATCH_CANCELLED,
        match=match,
        reserved=was_reserving,
        leave_out=[actor],
    )
    report_facts_refresh(need_ids=[match.need_id])
    return match
