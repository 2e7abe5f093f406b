"""Who may see and do what in the marketplace: every rule once, used by API, web and services.

Each `*_visibility` returns a Q filter for selectors and each `can_*` answers for one
object, and the two agree by construction: `can_view_x(user, x)` is exactly "x is in the
queryset filtered by `x_visibility(user)`". Anything the caller may not see answers 404;
anything it may see but not change answers 403.
"""

from django.db.models import CharField, Exists, OuterRef, Q
from django.db.models.functions import Cast

from accounts.models import User
from marketplace.models import (
    Availability,
    Match,
    MatchStatus,
    Need,
    SavedSearchKind,
    Specialist,
)

CONTACT_MATCH_STATUSES = (MatchStatus.APPROVED, MatchStatus.ACCEPTED)


def _agency_id(user: User) -> int | None:
    return user.agency_id


# Needs ---------------------------------------------------------------------------------


def need_visibility(user: User) -> Q:
    """Published needs are visible to every user; drafts only to their own agency's managers."""
    if user.is_admin:
        return Q()
    visible = Q(published_at__isnull=False)
    if user.is_manager:
        visible |= Q(agency_id=_agency_id(user))
    return visible


def can_view_need(user: User, need: Need) -> bool:
    if user.is_admin or need.published_at is not None:
        return True
    return user.is_manager and need.agency_id == _agency_id(user)


def can_manage_need(user: User, need: Need) -> bool:
    """Edit, publish, cancel, nominate for and complete engagements of a need."""
    return user.is_admin or (user.is_manager and need.agency_id == _agency_id(user))


def can_create_need_for(user: User, agency_id: int) -> bool:
    return user.is_admin or (user.is_manager and agency_id == _agency_id(user))


def can_nominate_for_some_need(user: User) -> bool:
    """Whether the role may nominate at all (checked before the body; per need: can_manage_need)."""
    return user.is_admin or (user.is_manager and _agency_id(user) is not None)


def can_view_candidates(user: User, need: Need) -> bool:
    return can_manage_need(user, need) or user.is_coordinator


# Specialists ---------------------------------------------------------------------------


def specialist_visibility(user: User) -> Q:
    """Shareable specialists are visible to all; unshared ones only inside their own agency."""
    if user.is_admin:
        return Q()
    visible = Q(shareable=True) | Q(user_id=user.pk)
    if _agency_id(user) is not None:
        visible |= Q(agency_id=_agency_id(user))
    return visible


def can_view_specialist(user: User, specialist: Specialist) -> bool:
    return (
        user.is_admin
        or specialist.shareable
        or specialist.user_id == user.pk
        or (_agency_id(user) is not None and specialist.agency_id == _agency_id(user))
    )


def can_edit_specialist_profile(user: User, specialist: Specialist) -> bool:
    """Title, summary, skills, languages, region and availability."""
    return (
        user.is_admin
        or specialist.user_id == user.pk
        or (user.is_manager and specialist.agency_id == _agency_id(user))
    )


def can_manage_specialist_sharing(user: User, specialist: Specialist) -> bool:
    """Shareable, max share and the attested clearance are set by the specialist's agency."""
    return user.is_admin or (user.is_manager and specialist.agency_id == _agency_id(user))


def can_create_specialists(user: User) -> bool:
    """Whether the role may create profiles at all (per agency: can_create_specialist_for)."""
    return user.is_admin or (user.is_manager and _agency_id(user) is not None)


def can_create_specialist_for(user: User, agency_id: int) -> bool:
    return user.is_admin or (user.is_manager and agency_id == _agency_id(user))


def contact_visibility(user: User) -> Q:
    """Specialists whose email and phone this user may read (data minimisation)."""
    if user.is_admin or user.is_coordinator:
        return Q()
    visible = Q(user_id=user.pk)
    if _agency_id(user) is not None:
        visible |= Q(agency_id=_agency_id(user))
        if user.is_manager:
            # Exists, not a join: checked per specialist through the match index, where a
            # join under OR makes PostgreSQL hash the matches of every specialist.
            visible |= Q(
                Exists(
                    Match.objects.filter(
                        specialist=OuterRef("pk"),
                        need_agency_id=_agency_id(user),
                        status__in=CONTACT_MATCH_STATUSES,
                    )
                )
            )
    return visible


def can_see_contact(user: User, specialist: Specialist) -> bool:
    if user.is_admin or user.is_coordinator or specialist.user_id == user.pk:
        return True
    if _agency_id(user) is None:
        return False
    if specialist.agency_id == _agency_id(user):
        return True
    return (
        user.is_manager
        and specialist.matches.filter(
            need_agency_id=_agency_id(user), status__in=CONTACT_MATCH_STATUSES
        ).exists()
    )


# Matches -------------------------------------------------------------------------------


def match_visibility(user: User) -> Q:
    """Coordinators see every match; managers those touching their agency; specialists their own."""
    if user.is_admin or user.is_coordinator:
        return Q()
    if user.is_manager:
        return Q(need_agency_id=_agency_id(user)) | Q(specialist_agency_id=_agency_id(user))
    return Q(specialist__user_id=user.pk)


def can_view_match(user: User, match: Match) -> bool:
    if user.is_admin or user.is_coordinator:
        return True
    if user.is_manager:
        return _agency_id(user) in (match.need_agency_id, match.specialist_agency_id)
    return match.specialist.user_id == user.pk


def can_review_match(user: User) -> bool:
    """Approve or reject a proposed match."""
    return user.is_admin or user.is_coordinator


def can_give_specialist_consent(user: User, match: Match) -> bool:
    return match.specialist.user_id == user.pk


def can_give_release(user: User, match: Match) -> bool:
    """The specialist's home manager releases them for the engagement."""
    return user.is_admin or (user.is_manager and match.specialist_agency_id == _agency_id(user))


def can_decline_match(user: User, match: Match) -> bool:
    """The specialist, or a manager of their home agency, may say no to a match."""
    return can_give_specialist_consent(user, match) or can_give_release(user, match)


def can_complete_match(user: User, match: Match) -> bool:
    return can_manage_need(user, match.need)


def can_end_engagement_early(user: User, match: Match) -> bool:
    """Either side's managers: the borrowing need's, or the specialist's home agency's."""
    return can_manage_need(user, match.need) or can_give_release(user, match)


# Reads for coordinators and admins -----------------------------------------------------


def can_read_audit_trail(user: User) -> bool:
    return user.is_admin or user.is_coordinator


def can_erase_specialist(user: User) -> bool:
    """GDPR erasure is irreversible and cuts across agencies: admins only."""
    return user.is_admin


def audit_event_visibility(user: User) -> Q:
    """The audit events a trail reader may see: none about needs or specialists hidden from them.

    Events carry the object's fields, so a coordinator reading the trail would otherwise
    read another agency's drafts (even deleted ones) and unshared specialists.
    """
    if user.is_admin:
        return Q()

    def keys(queryset) -> object:
        return queryset.annotate(key=Cast("pk", CharField())).values("key")

    specialists = Specialist.objects.filter(specialist_visibility(user))
    hidden_unless_visible = {
        "marketplace.need": keys(Need.objects.filter(need_visibility(user))),
        "marketplace.specialist": keys(specialists),
        "marketplace.availability": keys(Availability.objects.filter(specialist__in=specialists)),
    }
    visible = Q()
    for object_type, visible_keys in hidden_unless_visible.items():
        visible &= ~Q(object_type=object_type) | Q(object_id__in=visible_keys)
    return visible


def can_run_matching(user: User) -> bool:
    return user.is_admin or user.is_coordinator


# Reports -------------------------------------------------------------------------------


def can_read_reports(user: User) -> bool:
    """The network-wide report figures: coordinators, admins and agency managers."""
    return user.is_admin or user.is_coordinator or user.is_manager


def can_read_agency_report(user: User, agency_id: int) -> bool:
    """One agency's detail: coordinators and admins for any agency, a manager for their own."""
    return (
        user.is_admin or user.is_coordinator or (user.is_manager and agency_id == _agency_id(user))
    )


def can_read_all_agencies_report(user: User) -> bool:
    """Every agency's row in the report's tables (lent, borrowed, flows between agencies)."""
    return user.is_admin or user.is_coordinator


# Saved searches ------------------------------------------------------------------------


def can_save_search(user: User, kind: str) -> bool:
    """Who borrows searches the directory for people: managers, coordinators, admins.
    Anyone may watch the needs board."""
    if kind == SavedSearchKind.DIRECTORY:
        return user.is_admin or user.is_coordinator or user.is_manager
    return kind == SavedSearchKind.NEEDS_BOARD


def saved_search_visibility(user: User) -> Q:
    """A saved search is its owner's alone, administrators' included."""
    return Q(owner_id=user.pk)
