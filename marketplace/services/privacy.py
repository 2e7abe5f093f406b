"""GDPR: a person's copy of their data (right of access) and an admin's erasure of a specialist.

The export gathers everything the product holds about the caller, as plain JSON values.
The erasure removes or anonymises the specialist's personal data but keeps the facts the
statistics are made of (matches, hours, ratings), so reports of shared capacity stay
true. Audit events are append-only and are kept (record-keeping duty): the erasure's own
event names what was removed, never the removed values.
"""

from typing import Any

from django.db import transaction
from django.db.models import BooleanField, ExpressionWrapper, Q
from rest_framework.authtoken.models import Token

from accounts.errors import Conflict, Forbidden, NotFound
from accounts.json_values import json_plain
from accounts.models import User
from marketplace.audit import audit_record
from marketplace.models import (
    AuditEvent,
    Availability,
    Clearance,
    Engagement,
    Match,
    Specialist,
    SpecialistSkill,
)
from marketplace.permissions import can_erase_specialist, can_view_specialist
from marketplace.services.matches import matches_cancel_for_specialist
from marketplace.services.specialist_index import matching_index_invalidate
from notifications.models import Notification, NotificationPreference

ERASED_NAME = "Raderad specialist"
EXPORT_FORMAT_VERSION = 1


def erased_email(user_id: int) -> str:
    """The address an erased user is left with: unique, and undeliverable by RFC 2606."""
    return f"erased-{user_id}@invalid"


# Export -------------------------------------------------------------------------------------


def _user_part(user: User) -> dict[str, Any]:
    return {
        "id": user.pk,
        "email": user.email,
        "name": user.name,
        "role": user.role,
        "agency": None
        if user.agency_id is None
        else {"id": user.agency_id, "name": user.agency.name},
        "language": user.language,
        "is_active": user.is_active,
        "date_joined": user.date_joined,
        "last_login": user.last_login,
    }


def _specialist_part(specialist: Specialist) -> dict[str, Any]:
    return {
        "id": specialist.pk,
        "agency": specialist.agency_id,
        "title": specialist.title,
        "summary": specialist.summary,
        "phone": specialist.phone,
        "clearance": specialist.clearance,
        "clearance_expires": specialist.clearance_expires,
        "languages": specialist.languages,
        "region": specialist.region,
        "remote_ok": specialist.remote_ok,
        "shareable": specialist.shareable,
        "max_share_percent": specialist.max_share_percent,
        "created_at": specialist.created_at,
        "updated_at": specialist.updated_at,
    }


def _match_part(match: Match) -> dict[str, Any]:
    return {
        "id": match.pk,
        "need": {"id": match.need_id, "title": match.need.title, "agency": match.need.agency_id},
        "status": match.status,
        "score": match.score,
        "breakdown": match.breakdown,
        "capacity_percent": match.capacity_percent,
        "start": match.start,
        "end": match.end,
        "proposed_by": match.proposed_by,
        "approved_at": match.approved_at,
        "specialist_consent_at": match.specialist_consent_at,
        "release_at": match.release_at,
        "accepted_at": match.accepted_at,
        "decline_reason": match.decline_reason,
        "decline_comment": match.decline_comment,
        "closed_at": match.closed_at,
        "created_at": match.created_at,
    }


def _engagement_part(engagement: Engagement) -> dict[str, Any]:
    return {
        "match": engagement.match_id,
        "hours": engagement.hours,
        "need_rating": engagement.need_rating,
        "need_comment": engagement.need_comment,
        "specialist_rating": engagement.specialist_rating,
        "specialist_comment": engagement.specialist_comment,
        "completed_at": engagement.completed_at,
    }


def _about(user: User, specialist: Specialist | None) -> Q:
    """Audit events about the person: on their account, profile, windows and matches."""
    about = Q(object_type=User._meta.label_lower, object_id=str(user.pk))
    if specialist is not None:
        window_ids = Availability.objects.filter(specialist=specialist).values_list("pk", flat=True)
        match_ids = Match.objects.filter(specialist=specialist).values_list("pk", flat=True)
        about |= Q(object_type=Specialist._meta.label_lower, object_id=str(specialist.pk))
        about |= Q(
            object_type=Availability._meta.label_lower,
            object_id__in=[str(pk) for pk in window_ids],
        )
        about |= Q(object_type=Match._meta.label_lower, object_id__in=[str(pk) for pk in match_ids])
    return about


def personal_data_export(*, user: User) -> dict[str, Any]:
    """Everything the product holds about `user`, as JSON-ready values (GDPR art. 15 and 20).

    Sections: the account, the specialist profile with skills and availability, matches
    and engagements, notifications with their delivery state, notification preferences,
    and the audit events about the person or made by them. The export itself is audited.
    """
    specialist = (
        Specialist.objects.select_related("agency").filter(user_id=user.pk).first()
        if user.pk
        else None
    )
    data: dict[str, Any] = {
        "format_version": EXPORT_FORMAT_VERSION,
        "user": _user_part(user),
        "specialist": None,
        "skills": [],
        "availability": [],
        "matches": [],
        "engagements": [],
    }
    if specialist is not None:
        data["specialist"] = _specialist_part(specialist)
        data["skills"] = [
            {"skill": row.skill_id, "name": row.skill.name, "level": row.level}
            for row in SpecialistSkill.objects.filter(specialist=specialist)
            .select_related("skill")
            .order_by("skill__name")
        ]
        data["availability"] = [
            {"id": w.pk, "start": w.start, "end": w.end, "capacity_percent": w.capacity_percent}
            for w in Availability.objects.filter(specialist=specialist).order_by("start")
        ]
        matches = list(
            Match.objects.filter(specialist=specialist).select_related("need").order_by("pk")
        )
        data["matches"] = [_match_part(match) for match in matches]
        data["engagements"] = [
            _engagement_part(engagement)
            for engagement in Engagement.objects.filter(match__specialist=specialist).order_by(
                "completed_at"
            )
        ]
    data["notifications"] = [
        {
            "id": notification.pk,
            "kind": notification.kind,
            "title": notification.title,
            "body": notification.body,
            "link": notification.link,
            "created_at": notification.created_at,
            "read_at": notification.read_at,
            "deliveries": [
                {"channel": d.channel, "status": d.status, "sent_at": d.sent_at}
                for d in notification.deliveries.all()
            ],
        }
        for notification in Notification.objects.filter(recipient=user)
        .prefetch_related("deliveries")
        .order_by("pk")
    ]
    data["notification_preferences"] = list(
        NotificationPreference.objects.filter(user=user)
        .order_by("kind")
        .values("kind", "in_app", "email", "digest")
    )
    about = _about(user, specialist)
    events = (
        AuditEvent.objects.filter(about | Q(actor_id=user.pk))
        .annotate(is_about=ExpressionWrapper(about, output_field=BooleanField()))
        .order_by("created_at", "pk")
    )
    # What the person did to others' records is theirs to know; the values it changed
    # are those others' data, so only events about the person carry before and after.
    data["audit_events"] = [
        {
            "id": event.pk,
            "actor": event.actor_id,
            "action": event.action,
            "object_type": event.object_type,
            "object_id": event.object_id,
            "before": event.before if event.is_about else None,
            "after": event.after if event.is_about else None,
            "request_id": event.request_id,
            "created_at": event.created_at,
        }
        for event in events
    ]
    with transaction.atomic():
        audit_record(
            actor=user,
            action="user.export",
            target=user,
            after={"sections": sorted(data), "audit_events": len(data["audit_events"])},
        )
    return json_plain(data)


# Erasure ------------------------------------------------------------------------------------


def _is_erased(user: User) -> bool:
    return user.email == erased_email(user.pk)


@transaction.atomic
def specialist_erase(*, actor: User, specialist: Specialist) -> dict[str, Any]:
    """Erase a specialist's personal data; admins only (GDPR art. 17).

    The account is anonymised (name, email, no usable password, inactive, API token and
    so sessions gone) and kept, so the matches and engagements that the statistics count
    still point at someone. The profile's free text, contact, clearance, languages,
    region and skills are removed, and it is no longer shared; availability windows,
    notifications and preferences are deleted; active matches are cancelled (the needs'
    managers are told); engagement comments go, hours and ratings stay. Names in other
    people's notifications about the specialist are replaced. One audit event records
    the erasure with counts, never the erased values. Returns that summary.

    NotFound for a specialist the actor cannot see, Forbidden for a non-admin who can,
    Conflict when already erased.
    """
    if not can_view_specialist(actor, specialist):
        raise NotFound("Specialist not found.")
    if not can_erase_specialist(actor):
        raise Forbidden("Only administrators may erase a specialist's personal data.")
    user = User.objects.select_for_update().get(pk=specialist.user_id)
    if _is_erased(user):
        raise Conflict("This specialist's personal data has already been erased.")
    old_name = user.name

    user.name = ERASED_NAME
    user.email = erased_email(user.pk)
    user.set_unusable_password()
    user.is_active = False
    user.last_login = None
    user.save(update_fields=["name", "email", "password", "is_active", "last_login"])
    tokens_deleted, _ = Token.objects.filter(user=user).delete()

    cancelled = matches_cancel_for_specialist(specialist=specialist, actor=actor)

    specialist = Specialist.objects.select_for_update().get(pk=specialist.pk)
    shared_before = specialist.shareable
    specialist.title = ""
    specialist.summary = ""
    specialist.phone = ""
    specialist.clearance = Clearance.NONE
    specialist.clearance_expires = None
    specialist.languages = []
    specialist.region = ""
    specialist.shareable = False
    specialist.save(
        update_fields=[
            "title",
            "summary",
            "phone",
            "clearance",
            "clearance_expires",
            "languages",
            "region",
            "shareable",
            "updated_at",
        ]
    )
    skills_deleted, _ = SpecialistSkill.objects.filter(specialist=specialist).delete()
    windows_deleted, _ = Availability.objects.filter(specialist=specialist).delete()
    # Bulk deletes skip the model signals, so the matching index hears of them here.
    matching_index_invalidate(specialist_ids=[specialist.pk])

    engagements_kept = Engagement.objects.filter(match__specialist=specialist).update(
        need_comment="", specialist_comment=""
    )
    Match.objects.filter(specialist=specialist, declined_by=user).update(decline_comment="")
    matches_kept = Match.objects.filter(specialist=specialist).count()

    notifications_deleted = Notification.objects.filter(recipient=user).count()
    Notification.objects.filter(recipient=user).delete()
    NotificationPreference.objects.filter(user=user).delete()
    renamed = _rename_in_others_notifications(specialist=specialist, old_name=old_name)

    summary = {
        "specialist": specialist.pk,
        "user": user.pk,
        "erased": True,
        "was_shareable": shared_before,
        "matches_cancelled": cancelled,
        "matches_kept": matches_kept,
        "engagements_kept": engagements_kept,
        "skills_deleted": skills_deleted,
        "availability_deleted": windows_deleted,
        "notifications_deleted": notifications_deleted,
        "notifications_renamed": renamed,
        "tokens_deleted": tokens_deleted,
    }
    audit_record(
        actor=actor,
        action="specialist.erase",
        target=specialist,
        before={"erased": False, "user": user.pk, "agency": specialist.agency_id},
        after=summary,
    )
    return summary


def _rename_in_others_notifications(*, specialist: Specialist, old_name: str) -> int:
    """Managers' and coordinators' notices about the specialist stop naming them."""
    notices = list(
        Notification.objects.select_for_update().filter(context__specialist_id=specialist.pk)
    )

    def scrub(text: str) -> str:
        return text.replace(old_name, ERASED_NAME) if old_name else text

    for notice in notices:
        notice.title, notice.body = scrub(notice.title), scrub(notice.body)
        notice.context = {
            key: scrub(value) if isinstance(value, str) else value
            for key, value in notice.context.items()
        } | {"specialist_name": ERASED_NAME}
        notice.save(update_fields=["title", "body", "context"])
    return len(notices)
