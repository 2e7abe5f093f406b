"""The ranked shortlist of candidates for one need, and why a specialist is not on it.

Reads the warm specialist index (`marketplace.selectors.specialist_index`), so a request costs a
few queries (the need, its skills, the shown specialists) plus vectorised scoring,
whatever the number of specialists.
"""

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from accounts.errors import Forbidden, NotFound
from accounts.models import User
from fastpaths.compiled_queries import CompiledQuery
from marketplace.matching.shortlist import (
    Candidate,
    Exclusion,
    candidate_for,
    exclusion_reasons,
    shortlist,
)
from marketplace.models import Need, Specialist
from marketplace.permissions import can_view_candidates, specialist_visibility
from marketplace.selectors.needs import need_get_with_skills
from marketplace.selectors.specialist_index import need_spec_from, specialist_index


@dataclass(frozen=True)
class CandidateProfile:
    """What a shortlist shows of a candidate: enough to recognise them, no contact details."""

    id: int
    name: str
    title: str
    agency_id: int
    agency_name: str
    region: str
    languages: list[str]


PROFILE_VALUES = ("id", "user__name", "title", "agency_id", "agency__name", "region", "languages")
_PROFILES = CompiledQuery(
    lambda ids: Specialist.objects.filter(pk__in=ids).order_by().values_list(*PROFILE_VALUES)
)


@dataclass(frozen=True)
class CandidateRow:
    specialist: CandidateProfile
    candidate: Candidate


@dataclass(frozen=True)
class ExclusionCheck:
    specialist: Specialist
    reasons: list[Exclusion]
    candidate: Candidate | None  # set when the specialist passes every hard constraint


def _need_for_candidates(*, user: User, need_id: int) -> Need:
    need = need_get_with_skills(user=user, need_id=need_id)
    if not can_view_candidates(user, need):
        raise Forbidden(_("Only the need's managers and coordinators see its candidates."))
    return need


def candidate_list(*, user: User, need_id: int, limit: int = 20) -> list[CandidateRow]:
    """The best `limit` candidates for the need, best first, with their profiles."""
    need = _need_for_candidates(user=user, need_id=need_id)
    candidates = shortlist(
        specialist_index(), need_spec_from(need), limit=limit, weights=settings.MATCHING_WEIGHTS
    )
    profiles = {
        values[0]: CandidateProfile(*values)
        for values in _PROFILES.rows(ids=[c.specialist_id for c in candidates])
    }
    # A specialist deleted since the index was built is simply left out.
    return [
        CandidateRow(specialist=profiles[c.specialist_id], candidate=c)
        for c in candidates
        if c.specialist_id in profiles
    ]


def candidate_exclusion(*, user: User, need_id: int, specialist_id: int) -> ExclusionCheck:
    """Which hard constraints keep a specialist off the need's shortlist (none: eligible)."""
    need = _need_for_candidates(user=user, need_id=need_id)
    specialist = (
        Specialist.objects.filter(specialist_visibility(user), pk=specialist_id)
        .select_related("user", "agency")
        .first()
    )
    if specialist is None:
        raise NotFound(_("Specialist not found."))
    index = specialist_index()
    spec = need_spec_from(need)
    reasons = exclusion_reasons(index, spec, specialist_id)
    candidate = None
    if not reasons:
        candidate = candidate_for(index, spec, specialist_id, weights=settings.MATCHING_WEIGHTS)
    return ExclusionCheck(specialist=specialist, reasons=reasons, candidate=candidate)
