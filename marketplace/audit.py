"""Writing the audit trail: one append-only event per state change or permission-relevant write."""

from typing import Any

from django.db import models

from accounts.models import User
from marketplace.models import AuditEvent
from marketplace.request_context import current_request_id


def audit_record(
    *,
    actor: User | None,
    action: str,
    target: models.Model,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    return AuditEvent.objects.create(
        actor=actor if actor is not None and actor.pk else None,
        action=action,
        object_type=target._meta.label_lower,
        object_id=str(target.pk),
        before=before,
        after=after,
        request_id=current_request_id(),
    )
