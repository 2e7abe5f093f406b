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
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from accounts.errors import Conflict, Forbidden, InvalidInput, NotFound
from accounts.json_values import json_plain
from accounts.models import Role, User
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
from marketplace.services.scoring import pair_assess
from marketplace.services.specialist_index import matching_index_invalidate
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


def _match_link(match: Match) -> str:
    return f"/matches/{match.pk}/"


def _match_context(match: Match, title: str) -> dict[str, Any]:
    return {
        "title": title,
        "match_id": match.pk,
        "need_id": match.need_id,
        "need_title": match.need.title,
        "specialist_id": match.specialist_id,
        "specialist_name": match.specialist.user.name,
        "status": match.status,
        "capacity_percent": match.capacity_percent,
        "start": match.start.isoformat(),
        "end": match.end.isoformat(),
    }


def _managers_of(*agency_ids: int | None) -> list[User]:
    ids = [agency_id for agency_id in agency_ids if agency_id is not None]
    if not ids:
        return []
    return list(User.objects.filter(role=Role.MANAGER, agency_id__in=ids, is_active=True))


def _coordinators() -> list[User]:
    return list(User.objects.filter(role=Role.COORDINATOR, is_active=True))


def _approver(match: Match) -> list[User]:
    return [match.approved_by] if match.approved_by_id else []


def _visible_or_404(actor: User, match: Match) -> None:
    if not can_view_match(actor, match):
        raise NotFound("Match not found.")


def _lock(match: Match) -> Match:
    """Lock the match's need, then the match, and return the match as it is now."""
    list(Need.objects.select_for_update().filter(pk=match.need_id).values_list("pk"))
    return (
        Match.objects.select_for_update(of=("self",))
        .select_related("need", "specialist__user", "approved_by")
        .get(pk=match.pk)
    )


def _refuse(match: Match, action: str) -> Conflict:
    return Conflict(f"The match is {match.status}; it cannot be {action}.")


def _close(match: Match, *, status: str, reason: str = "") -> None:
    if match.status in RESERVING_MATCH_STATUSES:
        # Leaving a reserving status releases capacity: the shortlist must see it.
        matching_index_invalidate(specialist_ids=[match.specialist_id])
    match.status = status
    match.closed_at = timezone.now()
    if reason:
        match.decline_reason = reason
    match.save(update_fields=["status", "closed_at", "decline_reason", "updated_at"])


# Entry points for other services ----------------------------------------------------------


@transaction.atomic
def matches_cancel_for_need(*, need: Need, actor: User | None) -> int:
    """Cancel every active match of a need that is being cancelled or closed.

    Called by the need's own services, which check who may cancel the need; this
    releases the reserved capacity (by leaving the reserving statuses), records an
    audit event per match and tells each specialist, plus their home managers where
    the match had reserved their time. Returns how many matches were cancelled.
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
        recipients = [match.specialist.user]
        if was_reserving:
            recipients += _managers_of(match.specialist.agency_id)
        notify(
            kind="match_cancelled",
            recipients=recipients,
            context=_match_context(match, f"Cancelled: {match.need.title}"),
            link=_match_link(match),
        )
    report_facts_refresh(need_ids=[need.pk])
    return len(matches)


@transaction.atomic
def matches_cancel_for_specialist(*, specialist: Specialist, actor: User | None) -> list[int]:
    """Cancel every active match of a specialist who is leaving (erasure of their data).

    Called by the privacy service, which checks who may do this. The needs are locked
    first, in id order, then the matches, keeping the lock order of the transitions.
    Reserved capacity is released by the status change; the needs' managers and the
    approving coordinator are told (the specialist, being erased, is not; the caller
    anonymises their name first so the notices do not carry it). Returns the ids of the
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
        notify(
            kind="match_cancelled",
            recipients=[*_managers_of(match.need.agency_id), *_approver(match)],
            context=_match_context(match, f"Cancelled: {match.need.title}"),
            link=_match_link(match),
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
    if run.requested_by_id:
        notify(
            kind="matching_run_done",
            recipients=[run.requested_by],
            context={
                "title": f"Matching run {run.pk} done: {len(created)} proposals",
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
    is all that is missing (a capacity conflict), else 400 on `specialist`. Coordinators
    are told.
    """
    if not can_manage_need(actor, need):
        if can_view_need(actor, need):
            raise Forbidden("Only the need's managers may nominate for it.")
        raise NotFound("Need not found.")
    if not can_view_specialist(actor, specialist):
        raise NotFound("Specialist not found.")
    need = Need.objects.select_for_update().get(pk=need.pk)
    if need.status != NeedStatus.OPEN:
        raise Conflict(f"The need is {need.status}; only open needs take nominations.")
    if Match.objects.filter(
        need=need, specialist=specialist, status__in=ACTIVE_MATCH_STATUSES
    ).exists():
        raise Conflict("This specialist already has an active match for this need.")
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
    notify(
        kind="match_proposed",
        recipients=_coordinators(),
        context=_match_context(match, f"New proposal for {need.title}"),
        link=_match_link(match),
    )
    report_facts_refresh(need_ids=[need.pk])
    return match


def _capacity_shortfall(*, match: Match, specialist: Specialist) -> list[Window]:
    """Segments of the match's period where the specialist has less free than it asks."""
    windows = capacity_windows(
        specialist_id=specialist.pk, start=match.start, end=match.end, exclude_match_id=match.pk
    )
    return capacity_shortfall(
        start=match.start,
        end=match.end,
        asked_percent=match.capacity_percent,
        availability=windows.availability,
        reservations=windows.reservations,
        max_share_percent=specialist.max_share_percent,
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
        raise Forbidden("Only coordinators may approve matches.")
    match = _lock(match)
    if match.status != MatchStatus.PROPOSED:
        raise _refuse(match, "approved")
    if match.need.status != NeedStatus.OPEN:
        raise Conflict(f"The need is {match.need.status}; matches of it cannot be approved.")
    specialist = Specialist.objects.select_for_update().get(pk=match.specialist_id)
    shortfall = _capacity_shortfall(match=match, specialist=specialist)
    if shortfall:
        days = "; ".join(
            f"{segment.start}–{segment.end}: {max(segment.percent, 0)}% free"
            for segment in shortfall
        )
        raise Conflict(
            f"The specialist does not have {match.capacity_percent}% free over the whole "
            f"period ({days})."
        )
    before = _snapshot(match)
    match.status = MatchStatus.APPROVED
    matching_index_invalidate(specialist_ids=[match.specialist_id])
    match.approved_at = timezone.now()
    match.approved_by = actor
    match.save(update_fields=["status", "approved_at", "approved_by", "updated_at"])
    audit_record(
        actor=actor, action="match.approve", target=match, before=before, after=_snapshot(match)
    )
    notify(
        kind="match_approved",
        recipients=[
            match.specialist.user,
            *_managers_of(match.specialist.agency_id, match.need.agency_id),
        ],
        context=_match_context(match, f"Approved: {match.need.title}"),
        link=_match_link(match),
    )
    report_facts_refresh(need_ids=[match.need_id])
    return match


@transaction.atomic
def match_reject(*, actor: User, match: Match, reason: str) -> Match:
    """A coordinator rejects a proposed match, giving a reason; the nominator is told."""
    _visible_or_404(actor, match)
    if not can_review_match(actor):
        raise Forbidden("Only coordinators may reject matches.")
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(field_errors={"reason": ["Say why the match is rejected."]})
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
    if match.nominated_by_id:
        notify(
            kind="match_rejected",
            recipients=[match.nominated_by],
            context={**_match_context(match, f"Rejected: {match.need.title}"), "reason": reason},
            link=_match_link(match),
        )
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
        notify(
            kind="match_not_selected",
            recipients=[other.specialist.user],
            context=_match_context(other, f"Another candidate was selected: {need.title}"),
            link=_match_link(other),
        )


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
        raise Forbidden("Only the specialist and their home agency's managers may accept.")
    match = _lock(match)
    if match.status != MatchStatus.APPROVED:
        raise _refuse(match, "accepted")
    if match.need.status != NeedStatus.OPEN:
        raise Conflict(f"The need is {match.need.status}; matches of it cannot be accepted.")
    before = _snapshot(match)
    now = timezone.now()
    if gives_consent:
        if match.specialist_consent_at is not None:
            raise Conflict("The specialist has already consented to this match.")
        match.specialist_consent_at, match.specialist_consent_by = now, actor
    else:
        if match.release_at is not None:
            raise Conflict("The specialist's release has already been given for this match.")
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
    if match.status == MatchStatus.ACCEPTED:
        notify(
            kind="match_accepted",
            recipients=[
                *_managers_of(match.specialist.agency_id, match.need.agency_id),
                *_approver(match),
            ],
            context=_match_context(match, f"Accepted: {match.need.title}"),
            link=_match_link(match),
        )
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
        raise Forbidden("Only the specialist and their home agency's managers may decline.")
    if reason not in DECLINE_REASONS_FOR_PEOPLE:
        raise InvalidInput(
            field_errors={"reason": [f"Choose one of: {', '.join(DECLINE_REASONS_FOR_PEOPLE)}."]}
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
    notify(
        kind="match_declined",
        recipients=[
            *_managers_of(match.specialist.agency_id, match.need.agency_id),
            *_approver(match),
        ],
        context={
            **_match_context(match, f"Declined: {match.need.title}"),
            "reason": reason,
            "comment": match.decline_comment,
        },
        link=_match_link(match),
    )
    report_facts_refresh(need_ids=[match.need_id])
    return match


def _parse_hours(hours: Decimal | int | float | str) -> Decimal:
    try:
        value = Decimal(str(hours))
    except (InvalidOperation, ValueError, TypeError):
        raise InvalidInput(field_errors={"hours": ["Give the hours as a number."]}) from None
    if not value.is_finite() or value < 0:
        raise InvalidInput(field_errors={"hours": ["Hours must be zero or more."]})
    if value >= Decimal("10000000"):
        raise InvalidInput(field_errors={"hours": ["Hours must be below 10 000 000."]})
    return value.quantize(Decimal("0.1"))


@transaction.atomic
def match_complete(
    *,
    actor: User,
    match: Match,
    hours: Decimal | int | float | str,
    rating: int | None = None,
    comment: str = "",
) -> Engagement:
    """The need's manager completes an accepted match and records the engagement.

    `rating` (1–5) and `comment` are the borrowing agency's; the specialist and their
    home managers are told.
    """
    _visible_or_404(actor, match)
    if not can_complete_match(actor, match):
        raise Forbidden("Only the need's managers may complete the match.")
    value = _parse_hours(hours)
    if rating is not None and (
        isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5
    ):
        raise InvalidInput(field_errors={"rating": ["Rating must be a whole number from 1 to 5."]})
    match = _lock(match)
    if match.status != MatchStatus.ACCEPTED:
        raise _refuse(match, "completed")
    before = _snapshot(match)
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
        after={**_snapshot(match), "hours": str(value), "rating": rating},
    )
    notify(
        kind="match_completed",
        recipients=[match.specialist.user, *_managers_of(match.specialist.agency_id)],
        context={**_match_context(match, f"Completed: {match.need.title}"), "hours": str(value)},
        link=_match_link(match),
    )
    report_facts_refresh(need_ids=[match.need_id])
    return engagement


@transaction.atomic
def match_cancel(*, actor: User, match: Match) -> Match:
    """The need's manager withdraws an active match; reserved capacity is released.

    The specialist is told, and their home managers too when the match had reserved
    their time; the approving coordinator hears of it as well.
    """
    _visible_or_404(actor, match)
    if not can_manage_need(actor, match.need):
        raise Forbidden("Only the need's managers may withdraw a match.")
    match = _lock(match)
    if match.status not in ACTIVE_MATCH_STATUSES:
        raise _refuse(match, "cancelled")
    before = _snapshot(match)
    was_reserving = match.status in RESERVING_MATCH_STATUSES
    _close(match, status=MatchStatus.CANCELLED)
    audit_record(
        actor=actor, action="match.cancel", target=match, before=before, after=_snapshot(match)
    )
    recipients: list[User] = [match.specialist.user, *_approver(match)]
    if was_reserving:
        recipients += _managers_of(match.specialist.agency_id)
    notify(
        kind="match_cancelled",
        recipients=recipients,
        context=_match_context(match, f"Withdrawn: {match.need.title}"),
        link=_match_link(match),
    )
    report_facts_refresh(need_ids=[match.need_id])
    return match
