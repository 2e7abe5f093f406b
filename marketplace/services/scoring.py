"""Score of one (need, specialist) pair for a manager's nomination.

Replaced by the matching package's scoring; the signature is what callers rely on.
"""

from marketplace.models import Need, Specialist


def match_score_for(*, need: Need, specialist: Specialist) -> tuple[float, dict]:
    """The pair's score in [0, 1] and its readable breakdown."""
    return 0.0, {}
