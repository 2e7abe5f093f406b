"""Reads for a running engagement's page: its changes and what the reader may do with them."""

from typing import Any

from accounts.models import User
from marketplace.models import Engagement, Match, MatchChange, MatchChangeStatus, MatchStatus
from marketplace.permissions import (
    can_end_engagement_early,
    can_manage_need,
    can_review_match,
)


def engagement_actions(user: User, match: Match, *, consent: bool, release: bool) -> dict[str, Any]:
    """The engagement's changes (newest first) and which of its forms the reader sees.

    `consent` and `release` say whether the reader gives the specialist's consent or the
    home agency's release on this match.
    """
    changes = list(MatchChange.objects.filter(match=match).order_by("-created_at", "-id"))
    pending = next((c for c in changes if c.status == MatchChangeStatus.PENDING), None)
    running = match.status == MatchStatus.ACCEPTED
    manages_need = can_manage_need(user, match.need)
    reviews = can_review_match(user)
    can_answer = pending is not None and (
        (reviews and pending.approved_at is None)
        or (consent and pending.specialist_consent_at is None)
        or (release and not consent and pending.release_at is None)
    )
    engagement = Engagement.objects.filter(match=match).first()
    return {
        "changes": changes,
        "pending_change": pending,
        "can_change": running and manages_need and pending is None,
        "can_end_early": running and can_end_engagement_early(user, match),
        "can_answer_change": running and can_answer,
        "can_decline_change": running
        and pending is not None
        and (reviews or consent or release or manages_need),
        "engagement": engagement,
        "can_give_feedback": consent
        and match.status == MatchStatus.COMPLETED
        and engagement is not None
        and engagement.specialist_rating is None,
    }
