"""Reads: a user's inbox, unread count and effective preferences."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

from django.db.models import QuerySet

from accounts.models import User
from fastpaths.compiled_queries import CompiledQuery, counted
from notifications.models import (
    Channel,
    Delivery,
    Notification,
    NotificationKind,
    NotificationPreference,
    ProposalFollow,
)

# Kinds a user can tune; the digest is only the vehicle for the others.
CONFIGURABLE_KINDS = [kind for kind in NotificationKind if kind != NotificationKind.DIGEST]


@dataclass(frozen=True)
class ChannelChoice:
    in_app: bool
    email: bool
    digest: bool


DEFAULT_CHOICE = ChannelChoice(in_app=True, email=True, digest=False)
# The product asks for fitting new needs to be opt-in: nobody hears of them by default.
DEFAULT_CHOICES: dict[str, ChannelChoice] = {
    NotificationKind.NEED_PUBLISHED_FIT: ChannelChoice(in_app=False, email=False, digest=False),
    NotificationKind.DIGEST: ChannelChoice(in_app=False, email=True, digest=False),
}


def default_choice(kind: str) -> ChannelChoice:
    return DEFAULT_CHOICES.get(kind, DEFAULT_CHOICE)


def _in_app(*, user: User, unread: bool | None) -> QuerySet[Notification]:
    queryset = Notification.objects.filter(recipient_id=user.pk, in_app_at__isnull=False)
    if unread is True:
        queryset = queryset.filter(read_at__isnull=True)
    elif unread is False:
        queryset = queryset.filter(read_at__isnull=False)
    return queryset


def notification_inbox(*, user: User, unread: bool | None = None) -> QuerySet[Notification]:
    """The user's own in-app notifications, newest first (nobody sees anyone else's)."""
    return _in_app(user=user, unread=unread).only(
        "id", "kind", "title", "body", "context", "link", "created_at", "read_at", "recipient_id"
    )


# Every page's header shows it: counted without the inbox's column list, compiled once.
_UNREAD_COUNT = CompiledQuery(
    lambda user: counted(_in_app(user=user, unread=True), by="recipient_id")
)


def notification_unread_count(*, user: User) -> int:
    """How many notifications `notification_inbox(user=user, unread=True)` holds."""
    return _UNREAD_COUNT.value(user=user, default=0)


def preferences_for(*, user_ids: Iterable[int], kind: str) -> dict[int, ChannelChoice]:
    """Effective choice per user for one kind: their stored row or the kind's default."""
    ids = list(user_ids)
    stored = {
        pref.user_id: ChannelChoice(in_app=pref.in_app, email=pref.email, digest=pref.digest)
        for pref in NotificationPreference.objects.filter(user_id__in=ids, kind=kind)
    }
    default = default_choice(kind)
    return {user_id: stored.get(user_id, default) for user_id in ids}


def preferences_get(*, user: User) -> dict[str, dict[str, bool]]:
    """Every configurable kind with the user's effective channels and digest choice."""
    stored = {pref.kind: pref for pref in NotificationPreference.objects.filter(user=user)}
    result = {}
    for kind in CONFIGURABLE_KINDS:
        pref = stored.get(kind)
        choice = (
            ChannelChoice(in_app=pref.in_app, email=pref.email, digest=pref.digest)
            if pref
            else default_choice(kind)
        )
        result[kind.value] = asdict(choice)
    return result


def event_told(*, kind: str, since: dt.date | None = None, **context: Any) -> bool:
    """Whether an event of `kind` with these context values was already recorded, to anyone
    (a user's notification or an agency's webhook); scheduled notices use it to tell once."""
    lookups = {f"context__{key}": value for key, value in context.items()}
    webhook_lookups = {f"payload__data__{key}": value for key, value in context.items()}
    notifications = Notification.objects.filter(kind=kind, **lookups)
    webhooks = Delivery.objects.filter(kind=kind, channel=Channel.WEBHOOK, **webhook_lookups)
    if since is not None:
        notifications = notifications.filter(created_at__date__gte=since)
        webhooks = webhooks.filter(created_at__date__gte=since)
    return notifications.exists() or webhooks.exists()


def proposal_follows(*, user: User) -> tuple[set[int], set[str]]:
    """The agencies (ids) and skill categories a coordinator answers for."""
    agencies, categories = set(), set()
    for agency_id, category in ProposalFollow.objects.filter(user=user).values_list(
        "agency_id", "skill_category"
    ):
        if agency_id:
            agencies.add(agency_id)
        else:
            categories.add(category)
    return agencies, categories
