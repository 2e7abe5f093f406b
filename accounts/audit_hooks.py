"""The point where account writes reach the audit trail without `accounts` importing it.

`accounts` may not import the marketplace, which owns the trail; the marketplace
registers its writer here when it starts (MarketplaceConfig.ready), so invitations and
user edits land in the same append-only trail as every other write.
"""

import logging
from collections.abc import Callable
from typing import Any

from django.db import models

logger = logging.getLogger(__name__)

AuditWriter = Callable[..., Any]
_writers: list[AuditWriter] = []


def register_audit_writer(writer: AuditWriter) -> None:
    """Send every account write to `writer(actor=, action=, target=, before=, after=)`."""
    if writer not in _writers:
        _writers.append(writer)


def record(
    *,
    actor: models.Model | None,
    action: str,
    target: models.Model,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    """Record an account write with every registered writer, inside the caller's transaction."""
    if not _writers:
        # Only reachable if accounts runs without the marketplace installed.
        logger.warning("No audit writer registered; %s of %s not audited", action, target.pk)
    for writer in _writers:
        writer(actor=actor, action=action, target=target, before=before, after=after)
