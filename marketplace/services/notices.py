"""Who hears of what: the one routing table for marketplace events.

`ROUTES` is the table the README shows ("Who is told"), row for row; a test holds the two
together. Each row names the people (by their relation to the match or need) and the
agencies whose webhook gets the event. Adding a kind is one row here, one in the README
and its words in `notifications.messages`.

People are told through `notify` with their own preferences (channels, digest); agencies
through their webhook, whatever anyone's preferences. Agencies hear of every event that
concerns them, even when no person is told (a matching run's proposals, for instance).
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Q

from accounts.models import Agency, Role, User
from marketplace.models import Match, Need, NeedSkill
from notifications.models import NotificationKind, ProposalFollow
from notifications.services import notify, notify_agencies

K = NotificationKind

# People, by relation to the event's match (or need).
SPECIALIST = "specialist"
SPECIALIST_MANAGERS = "specialist_managers"
SPECIALIST_MANAGERS_IF_RESERVED = "specialist_managers_if_reserved"
NEED_MANAGERS = "need_managers"
APPROVER = "approver"
APPROVER_OR_RESPONSIBLE = "approver_or_responsible_coordinators"
NOMINATOR = "nominator"
RESPONSIBLE_COORDINATORS = "responsible_coordinators"
ASKED_COORDINATORS = "asked_coordinators"
# Told by the code that knows them (fit alerts, runs, saved searches), by the same table.
FITTING_SPECIALISTS = "fitting_specialists"
RUN_REQUESTER = "run_requester"
SEARCH_OWNER = "search_owner"
# Agencies, by relation to the event's match (or need).
NEED_AGENCY = "need_agency"
SPECIALIST_AGENCY = "specialist_agency"
BOTH = (NEED_AGENCY, SPECIALIST_AGENCY)

# How the README's table names each relation.
IN_WORDS = {
    SPECIALIST: "the specialist",
    SPECIALIST_MANAGERS: "the specialist's managers",
    SPECIALIST_MANAGERS_IF_RESERVED: "the specialist's managers (if time was reserved)",
    NEED_MANAGERS: "the need's managers",
    APPROVER: "the approving coordinator",
    APPROVER_OR_RESPONSIBLE: "the approving coordinator (else the responsible coordinators)",
    NOMINATOR: "the nominating manager",
    RESPONSIBLE_COORDINATORS: "the responsible coordinators",
    ASKED_COORDINATORS: "the coordinators told of the proposal",
    FITTING_SPECIALISTS: "specialists on the need's shortlist (opt-in)",
    RUN_REQUESTER: "who started the run",
    SEARCH_OWNER: "the search's owner",
    NEED_AGENCY: "the need's agency",
    SPECIALIST_AGENCY: "the specialist's agency",
}


@dataclass(frozen=True)
class Route:
    people: tuple[str, ...]
    agencies: tuple[str, ...]


ROUTES: dict[str, Route] = {
    K.MATCH_PROPOSED: Route((RESPONSIBLE_COORDINATORS,), BOTH),
    K.MATCH_APPROVED: Route((SPECIALIST, SPECIALIST_MANAGERS, NEED_MANAGERS), BOTH),
    K.MATCH_REJECTED: Route((NOMINATOR,), BOTH),
    K.MATCH_CONSENTED: Route((SPECIALIST, SPECIALIST_MANAGERS), BOTH),
    K.MATCH_ACCEPTED: Route((SPECIALIST, SPECIALIST_MANAGERS, NEED_MANAGERS, APPROVER), BOTH),
    K.MATCH_DECLINED: Route((SPECIALIST_MANAGERS, NEED_MANAGERS, APPROVER), BOTH),
    K.MATCH_CANCELLED: Route(
        (SPECIALIST, SPECIALIST_MANAGERS_IF_RESERVED, NEED_MANAGERS, APPROVER), BOTH
    ),
    K.MATCH_NOT_SELECTED: Route((SPECIALIST,), BOTH),
    K.MATCH_COMPLETED: Route((SPECIALIST, SPECIALIST_MANAGERS), BOTH),
    K.APPROVAL_PENDING_REMINDER: Route((ASKED_COORDINATORS,), BOTH),
    K.ENGAGEMENT_STARTING: Route((SPECIALIST, SPECIALIST_MANAGERS, NEED_MANAGERS), BOTH),
    K.NEED_UNFILLED_AT_START: Route((NEED_MANAGERS,), (NEED_AGENCY,)),
    K.ENGAGEMENT_CHANGE_REQUESTED: Route(
        (SPECIALIST, SPECIALIST_MANAGERS, APPROVER_OR_RESPONSIBLE), BOTH
    ),
    K.ENGAGEMENT_CHANGED: Route((SPECIALIST, SPECIALIST_MANAGERS, NEED_MANAGERS, APPROVER), BOTH),
    K.ENGAGEMENT_CHANGE_DECLINED: Route(
        (SPECIALIST, SPECIALIST_MANAGERS, NEED_MANAGERS, APPROVER), BOTH
    ),
    K.ENGAGEMENT_ENDED_EARLY: Route(
        (SPECIALIST, SPECIALIST_MANAGERS, NEED_MANAGERS, APPROVER), BOTH
    ),
    K.NEED_PUBLISHED_FIT: Route((FITTING_SPECIALISTS,), ()),
    K.MATCHING_RUN_DONE: Route((RUN_REQUESTER,), ()),
    K.SAVED_SEARCH_MATCH: Route((SEARCH_OWNER,), ()),
}


def _managers_of(agency_id: int | None) -> list[User]:
    if agency_id is None:
        return []
    return list(User.objects.filter(role=Role.MANAGER, agency_id=agency_id, is_active=True))


def responsible_coordinators(*, need: Need) -> list[User]:
    """Coordinators who follow the need's agency or one of its skills' categories.

    When nobody does, `NOTIFICATIONS_PROPOSAL_FALLBACK` decides: `all` (the default) tells
    every coordinator, so a proposal is never left unseen; `none` tells nobody and leaves
    it to the approval queue and the reminder.
    """
    categories = set(
        NeedSkill.objects.filter(need_id=need.pk).values_list("skill__category", flat=True)
    )
    followers = ProposalFollow.objects.filter(
        Q(agency_id=need.agency_id) | Q(skill_category__in=categories)
    ).values("user_id")
    coordinators = User.objects.filter(role=Role.COORDINATOR, is_active=True)
    responsible = list(coordinators.filter(pk__in=followers))
    if responsible:
        return responsible
    if getattr(settings, "NOTIFICATIONS_PROPOSAL_FALLBACK", "all") == "all":
        return list(coordinators)
    return []


def _approver_or_responsible(match: Match, need: Need) -> list[User]:
    """The coordinator who approved the match, while active; else those responsible for
    the need, so a request that needs a coordinator's yes always reaches one."""
    if match.approved_by_id and match.approved_by.is_active:
        return [match.approved_by]
    return responsible_coordinators(need=need)


def _asked_coordinators(match: Match) -> list[User]:
    asked = list(
        User.objects.filter(
            notifications__kind=K.MATCH_PROPOSED,
            notifications__context__match_id=match.pk,
            is_active=True,
        ).distinct()
    )
    if not asked and match.matching_run_id and match.matching_run.requested_by_id:
        asked = [match.matching_run.requested_by]
    return asked


_PEOPLE: dict[str, Callable[[Match | None, Need, bool], list[User]]] = {
    SPECIALIST: lambda m, n, r: [m.specialist.user] if m else [],
    SPECIALIST_MANAGERS: lambda m, n, r: _managers_of(m.specialist_agency_id) if m else [],
    SPECIALIST_MANAGERS_IF_RESERVED: (
        lambda m, n, r: _managers_of(m.specialist_agency_id) if m and r else []
    ),
    NEED_MANAGERS: lambda m, n, r: _managers_of(n.agency_id),
    APPROVER: lambda m, n, r: [m.approved_by] if m and m.approved_by_id else [],
    APPROVER_OR_RESPONSIBLE: lambda m, n, r: (
        _approver_or_responsible(m, n) if m else responsible_coordinators(need=n)
    ),
    NOMINATOR: lambda m, n, r: [m.nominated_by] if m and m.nominated_by_id else [],
    RESPONSIBLE_COORDINATORS: lambda m, n, r: responsible_coordinators(need=n),
    ASKED_COORDINATORS: lambda m, n, r: _asked_coordinators(m) if m else [],
    # Resolved by their own services; nothing to add when a match or need event is told.
    FITTING_SPECIALISTS: lambda m, n, r: [],
    RUN_REQUESTER: lambda m, n, r: [],
    SEARCH_OWNER: lambda m, n, r: [],
}


def _agency_ids(route: Route, *, need: Need, match: Match | None) -> list[int]:
    ids = []
    if NEED_AGENCY in route.agencies:
        ids.append(need.agency_id)
    if SPECIALIST_AGENCY in route.agencies and match is not None:
        ids.append(match.specialist_agency_id)
    return ids


def match_context(match: Match) -> dict[str, Any]:
    """What every match event carries: ids for links and webhooks, names for the words."""
    return {
        "match_id": match.pk,
        "need_id": match.need_id,
        "need_title": match.need.title,
        "agency_name": match.need.agency.name,
        "need_agency_id": match.need.agency_id,
        "specialist_id": match.specialist_id,
        "specialist_name": match.specialist.user.name,
        "specialist_agency_id": match.specialist_agency_id,
        "status": match.status,
        "capacity_percent": match.capacity_percent,
        "start": match.start.isoformat(),
        "end": match.end.isoformat(),
    }


def match_event_notify(
    *,
    kind: str,
    match: Match,
    extra: dict[str, Any] | None = None,
    reserved: bool = False,
    people: bool = True,
    leave_out: Iterable[User] = (),
) -> None:
    """Tell everyone `ROUTES[kind]` names about an event of `match`.

    `reserved` says whether the match had reserved the specialist's time (some rows tell
    the home managers only then); `people=False` tells only the agencies (a matching run's
    proposals, which its requester hears of once); `leave_out` are people who must not
    hear of it (a specialist whose data is being erased).
    """
    route = ROUTES[kind]
    need = match.need
    recipients: list[User] = []
    if people:
        for relation in route.people:
            recipients += _PEOPLE[relation](match, need, reserved)
    excluded = {user.pk for user in leave_out}
    notify(
        kind=kind,
        recipients=[user for user in recipients if user.pk not in excluded],
        context={**match_context(match), **(extra or {})},
        link=f"/matches/{match.pk}/",
        agencies=Agency.objects.filter(pk__in=_agency_ids(route, need=need, match=match)),
    )


def need_event_notify(*, kind: str, need: Need, context: dict[str, Any]) -> None:
    """Tell everyone `ROUTES[kind]` names about an event of a need without a match."""
    route = ROUTES[kind]
    recipients: list[User] = []
    for relation in route.people:
        recipients += _PEOPLE[relation](None, need, False)
    notify(
        kind=kind,
        recipients=recipients,
        context={"need_id": need.pk, "need_title": need.title, **context},
        link=f"/needs/{need.pk}/",
        agencies=Agency.objects.filter(pk__in=_agency_ids(route, need=need, match=None)),
    )


def matches_proposed_tell_agencies(*, matches: Sequence[Match]) -> None:
    """A matching run's proposals reach the webhooks of both agencies of each, in one write."""
    route = ROUTES[K.MATCH_PROPOSED]
    matches = list(
        Match.objects.filter(pk__in=[match.pk for match in matches])
        .select_related("need__agency", "specialist__user")
        .order_by("pk")
    )
    notify_agencies(
        events=[
            (
                K.MATCH_PROPOSED,
                _agency_ids(route, need=match.need, match=match),
                match_context(match),
                f"/matches/{match.pk}/",
            )
            for match in matches
        ]
    )
