"""One specialist's capacity inputs as plain windows, for the rule in
`marketplace.matching.capacity` (the approval guard, edits under reservations, pages)."""

import datetime as dt
from dataclasses import dataclass

from marketplace.matching.capacity import Window
from marketplace.models import RESERVING_MATCH_STATUSES, Availability, Match


@dataclass(frozen=True)
class CapacityWindows:
    availability: list[Window]
    reservations: list[Window]  # approved and accepted matches


def capacity_windows(
    *,
    specialist_id: int,
    start: dt.date | None = None,
    end: dt.date | None = None,
    exclude_match_id: int | None = None,
) -> CapacityWindows:
    """The specialist's availability windows and reservations overlapping [start, end]
    (all of them without a period); `exclude_match_id` leaves one match out."""
    availability = Availability.objects.filter(specialist_id=specialist_id)
    reservations = Match.objects.filter(
        specialist_id=specialist_id, status__in=RESERVING_MATCH_STATUSES
    )
    if start is not None:
        availability = availability.filter(end__gte=start)
        reservations = reservations.filter(end__gte=start)
    if end is not None:
        availability = availability.filter(start__lte=end)
        reservations = reservations.filter(start__lte=end)
    if exclude_match_id is not None:
        reservations = reservations.exclude(pk=exclude_match_id)
    columns = ("start", "end", "capacity_percent")
    return CapacityWindows(
        availability=[Window(*row) for row in availability.order_by("start").values_list(*columns)],
        reservations=[Window(*row) for row in reservations.order_by("start").values_list(*columns)],
    )
