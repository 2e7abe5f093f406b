"""Score of one (need, specialist) pair for a manager's nomination.

The same formula as the shortlist (see `marketplace.matching.scoring`), computed from a
one-row index loaded fresh for this specialist, so a nomination never reads a stale
warm index.
"""

import numpy as np
from django.conf import settings
from django.utils import timezone

from marketplace.matching.loader import build_specialist_index, need_spec_from
from marketplace.matching.scoring import score_rows
from marketplace.matching.shortlist import breakdown_for, explain_exclusion
from marketplace.models import Need, Specialist


def match_score_for(*, need: Need, specialist: Specialist) -> tuple[float, dict]:
    """The pair's score in [0, 1] and its readable breakdown.

    The breakdown also lists `excluded_by`, the hard constraints the pair fails (empty
    for a pair the shortlist would show), since a manager may nominate anyone.
    """
    index = build_specialist_index(today=timezone.localdate(), specialist_ids=[specialist.pk])
    spec = need_spec_from(need)
    rows = np.array([index.row_of[specialist.pk]], dtype=np.int64)
    scores, detail = score_rows(index, rows, spec, settings.MATCHING_WEIGHTS)
    score = float(scores[0])
    breakdown = breakdown_for(
        index, spec, detail, 0, int(rows[0]), score, settings.MATCHING_WEIGHTS
    )
    breakdown["excluded_by"] = explain_exclusion(index, spec, specialist.pk)
    return score, breakdown
