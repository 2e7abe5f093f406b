"""The one entry point the marketplace calls to tell people about an event."""

from collections.abc import Iterable
from typing import Any

from accounts.models import Agency, User
from notifications.models import Notification


def notify(
    *,
    kind: str,
    recipients: Iterable[User],
    context: dict[str, Any],
    link: str = "",
    agencies: Iterable[Agency] = (),
) -> list[Notification]:
    """Record a notification for each distinct recipient, inside the caller's transaction.

    `context` holds plain values (strings, numbers, ISO dates) that the kind's message
    templates use; `agencies` are the agencies whose webhooks hear of the event.
    """
    unique = {user.pk: user for user in recipients if user is not None and user.is_active}
    title = str(context.get("title") or kind.replace("_", " ").capitalize())
    return Notification.objects.bulk_create(
        Notification(recipient=user, kind=kind, title=title[:250], link=link)
        for user in unique.values()
    )
