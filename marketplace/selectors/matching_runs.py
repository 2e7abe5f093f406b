"""Reading matching runs: coordinators and admins see every run, nobody else any."""

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from accounts.errors import Forbidden, NotFound
from accounts.models import User
from marketplace.models import MatchingRun
from marketplace.permissions import can_run_matching


def matching_run_list(*, user: User) -> QuerySet[MatchingRun]:
    """Every run, newest first; Forbidden for anyone who may not run matching."""
    if not can_run_matching(user):
        raise Forbidden(_("Only coordinators see matching runs."))
    return MatchingRun.objects.order_by("-created_at", "-id")


def matching_run_get(*, user: User, run_id: int) -> MatchingRun:
    """One run, or NotFound; Forbidden for anyone who may not run matching."""
    run = matching_run_list(user=user).filter(pk=run_id).first()
    if run is None:
        raise NotFound(_("Matching run not found."))
    return run
