"""The "a need that fits you" alert: told after the need is published, in a task.

Who fits is the shortlist's own rule (`feasible_candidates` over the specialist index:
skills, clearance and its expiry, free capacity on every day, shareable, cross-agency),
so nobody the shortlist leaves out for capacity or an expired clearance is invited. The
kind is opt-in, so only users who turned it on are looked at at all.

This module runs the alert (the task `marketplace.tasks.need_fit_alert_send` calls it);
`marketplace.services.fit_alert_start` queues it when a need is published.
"""

from django.conf import settings
from django.db import transaction

from marketplace.matching.shortlist import feasible_candidates
from marketplace.models import Need, NeedStatus, Specialist
from marketplace.selectors.specialist_index import need_spec_from, specialist_index
from notifications.models import Notification, NotificationKind, NotificationPreference
from notifications.services import notify

BATCH_SIZE = 500


def need_fit_alert_send(*, need_id: int) -> int:
    """Tell every opted-in specialist on the need's shortlist, in batches; returns how many.

    Safe to run twice: who was told of this need already is left out.
    """
    need = (
        Need.objects.filter(pk=need_id, status=NeedStatus.OPEN)
        .select_related("agency")
        .prefetch_related("skill_requirements")
        .first()
    )
    if need is None:
        return 0
    kind = NotificationKind.NEED_PUBLISHED_FIT
    opted_in = NotificationPreference.objects.filter(kind=kind).exclude(in_app=False, email=False)
    told = Notification.objects.filter(kind=kind, context__need_id=need.pk)
    candidates = set(
        Specialist.objects.filter(user__in=opted_in.values("user_id"), user__is_active=True)
        .exclude(user__in=told.values("recipient_id"))
        .values_list("pk", flat=True)
    )
    if not candidates:
        return 0
    index = specialist_index()
    rows, _, _ = feasible_candidates(index, need_spec_from(need), weights=settings.MATCHING_WEIGHTS)
    fitting = sorted(int(pk) for pk in index.ids[rows] if int(pk) in candidates)
    context = {
        "need_id": need.pk,
        "need_title": need.title,
        "agency_name": need.agency.name,
        "start": need.start.isoformat(),
        "end": need.end.isoformat(),
        "capacity_percent": need.capacity_percent,
    }
    sent = 0
    for first in range(0, len(fitting), BATCH_SIZE):
        batch = fitting[first : first + BATCH_SIZE]
        users = [s.user for s in Specialist.objects.filter(pk__in=batch).select_related("user")]
        with transaction.atomic():
            sent += len(
                notify(kind=kind, recipients=users, context=context, link=f"/needs/{need.pk}/")
            )
    return sent
