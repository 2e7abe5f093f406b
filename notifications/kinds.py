"""The kinds of notification: what `notify` is told, what preferences and routes name.

Its own module so that the words of each kind (`notifications.messages`) and the models
that store a kind both read it, without the two importing each other.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    NEED_PUBLISHED_FIT = "need_published_fit", _("A published need fits your profile")
    MATCH_PROPOSED = "match_proposed", _("Match proposed")
    MATCH_APPROVED = "match_approved", _("Match approved")
    MATCH_ACCEPTED = "match_accepted", _("Match accepted")
    MATCH_CONSENTED = "match_consented", _("Consent given to a match")
    MATCH_DECLINED = "match_declined", _("Match declined")
    MATCH_REJECTED = "match_rejected", _("Match rejected")
    MATCH_CANCELLED = "match_cancelled", _("Match cancelled")
    MATCH_COMPLETED = "match_completed", _("Engagement completed")
    MATCH_NOT_SELECTED = "match_not_selected", _("Another candidate was selected")
    MATCHING_RUN_DONE = "matching_run_done", _("Matching run done")
    APPROVAL_PENDING_REMINDER = "approval_pending_reminder", _("Approval pending (reminder)")
    ENGAGEMENT_STARTING = "engagement_starting", _("Engagement starting soon")
    NEED_UNFILLED_AT_START = "need_unfilled_at_start", _("Need unfilled at its start")
    SAVED_SEARCH_MATCH = "saved_search_match", _("New fit for a saved search")
    ENGAGEMENT_CHANGE_REQUESTED = (
        "engagement_change_requested",
        _("Change to an engagement requested"),
    )
    ENGAGEMENT_CHANGED = "engagement_changed", _("Engagement changed")
    ENGAGEMENT_CHANGE_DECLINED = "engagement_change_declined", _("Engagement change declined")
    ENGAGEMENT_ENDED_EARLY = "engagement_ended_early", _("Engagement ended early")
    DIGEST = "digest", _("Daily digest")
