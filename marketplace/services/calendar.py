"""Writes to a person's calendar subscription: a new secret link, or none."""

import secrets

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from marketplace.audit import audit_record
from marketplace.models import CalendarFeed
from marketplace.selectors.calendar import calendar_token_hash


@transaction.atomic
def calendar_feed_rotate(*, user: User) -> str:
    """A new secret token for the user's calendar link; any earlier link stops at once.

    Returns the token: it is stored only as a hash, so this is the one time it is known.
    """
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    feed = CalendarFeed.objects.select_for_update().filter(user=user).first()
    if feed is None:
        feed = CalendarFeed.objects.create(
            user=user, token_hash=calendar_token_hash(token), token_created_at=now
        )
        action = "calendar_feed.create"
    else:
        feed.token_hash = calendar_token_hash(token)
        feed.token_created_at = now
        feed.save(update_fields=["token_hash", "token_created_at"])
        action = "calendar_feed.rotate"
    audit_record(actor=user, action=action, target=feed, after={"token_created_at": now})
    return token


@transaction.atomic
def calendar_feed_revoke(*, user: User) -> bool:
    """Stop the user's calendar link; whether there was one."""
    feed = CalendarFeed.objects.select_for_update().filter(user=user).first()
    if feed is None:
        return False
    audit_record(
        actor=user,
        action="calendar_feed.revoke",
        target=feed,
        before={"token_created_at": feed.token_created_at},
    )
    feed.delete()
    return True
