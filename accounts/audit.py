"""Writing the audit trail: one append-only event per state change or permission-relevant write.

Every app writes it (account writes, marketplace writes), so it lives in `accounts`, which
every app may import.

Events are only ever inserted (AuditEvent refuses updates and deletes, and so does the
database on PostgreSQL). Each names the request it came from, so an event read in
`GET /api/v1/audit-events/` can be tied to the `X-Request-ID` the caller saw.
"""

from typing import Any

from django.db import models

from accounts.json_values import json_plain
from accounts.models import AuditEvent, User
from accounts.request_context import current_request_id


def audit_record(
    *,
    actor: User | None,
    action: str,
    target: models.Model,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event naming who (None for the system), what, which object and request."""
    return AuditEvent.objects.create(
        actor=actor if actor is not None and actor.pk else None,
        action=action,
        object_type=target._meta.label_lower,
        object_id=str(target.pk),
        before=None if before is None else json_plain(before),
        after=None if after is None else json_plain(after),
        request_id=current_request_id(),
    )
