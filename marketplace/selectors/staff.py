"""A manager's own agency's specialists: what they may lend and who is out on loan."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.errors import Forbidden, NotFound
from accounts.models import User
from marketplace.models import RESERVING_MATCH_STATUSES, Availability, Match, Specialist


@dataclass(frozen=True)
class StaffRow:
    specialist: Specialist
    windows: list[Availability]
    loans: list[Match]  # approved or accepted with another agency, running or ahead

    @property
    def on_loan_until(self) -> dt.date | None:
        today = timezone.localdate()
        running = [match.end for match in self.loans if match.start <= today]
        return max(running) if running else None


def _own_agency_specialists(user: User) -> QuerySet[Specialist]:
    if not (user.is_manager and user.agency_id):
        raise Forbidden(_("Only agency managers have staff to manage."))
    return Specialist.objects.filter(agency_id=user.agency_id)


def staff_list(*, user: User, specialist_id: int | None = None) -> list[StaffRow]:
    """Every specialist of the manager's agency (or the one asked for) with their current
    windows and loans, by name."""
    today = timezone.localdate()
    loans = (
        Match.objects.filter(status__in=RESERVING_MATCH_STATUSES, end__gte=today)
        .exclude(need_agency_id=user.agency_id)
        .select_related("need__agency")
        .order_by("start", "pk")
    )
    specialists = _own_agency_specialists(user)
    if specialist_id is not None:
        specialists = specialists.filter(pk=specialist_id)
    specialists = (
        specialists.select_related("user")
        .prefetch_related(
            Prefetch(
                "availabilities",
                queryset=Availability.objects.filter(end__gte=today).order_by("start"),
                to_attr="current_windows",
            ),
            Prefetch("matches", queryset=loans, to_attr="current_loans"),
        )
        .order_by("user__name", "pk")
    )
    return [
        StaffRow(specialist=s, windows=s.current_windows, loans=s.current_loans)
        for s in specialists
    ]


def staff_member_get(*, user: User, specialist_id: int) -> StaffRow:
    """One specialist of the manager's agency (404 for anybody else's)."""
    rows = staff_list(user=user, specialist_id=specialist_id)
    if not rows:
        raise NotFound(_("Specialist not found."))
    return rows[0]
