"""Score and hard-constraint check of one (need, specialist) pair, for a manager's nomination.

The same formula and rule as the shortlist (see `marketplace.matching.scoring` and
`marketplace.matching.shortlist`), computed from a one-row index loaded fresh for this
specialist, so a nomination never reads a stale warm index.
"""

from dataclasses import dataclass

import numpy as np
from django.conf import settings
from django.utils import timezone

from marketplace.matching.scoring import score_rows
from marketplace.matching.shortlist import Exclusion, breakdown_for, exclusion_reasons
from marketplace.models import Need, Specialist
from marketplace.selectors.specialist_index import build_specialist_index, need_spec_from


@dataclass(frozen=True)
class PairAssessment:
    score: float  # in [0, 1]
    breakdown: dict
    reasons: list[Exclusion]  # the hard constraints the pair fails; empty: a candidate


def pair_assess(*, need: Need, specialist: Specialist) -> PairAssessment:
    """The pair's score, its readable breakdown and the hard constraints it fails.

    The breakdown also lists `excluded_by`, the names of those constraints.
    """
    index = build_specialist_index(today=timezone.localdate(), specialist_ids=[specialist.pk])
    spec = need_spec_from(need)
    rows = np.array([index.row_of[specialist.pk]], dtype=np.int64)
    scores, detail = score_rows(index, rows, spec, settings.MATCHING_WEIGHTS)
    score = float(scores[0])
    breakdown = breakdown_for(
        index, spec, detail, 0, int(rows[0]), score, settings.MATCHING_WEIGHTS
    )
    reasons = exclusion_reasons(index, spec, specialist.pk)
    breakdown["excluded_by"] = [reason.constraint for reason in reasons]
    return PairAssessment(score=score, breakdown=breakdown, reasons=reasons)


def match_score_for(*, need: Need, specialist: Specialist) -> tuple[float, dict]:
    """The pair's score in [0, 1] and its readable breakdown (see `pair_assess`)."""
    assessment = pair_assess(need=need, specialist=specialist)
    return assessment.score, assessment.breakdown
