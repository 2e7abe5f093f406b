"""Each score term moves the ranking the way the formula in matching/scoring.py says."""

from datetime import date

import numpy as np
import pytest

from marketplace.matching.problem import NeedSpec, SpecialistRow, index_from_rows
from marketplace.matching.scoring import DEFAULT_WEIGHTS, normalised_weights, score_rows
from marketplace.matching.shortlist import shortlist

MONDAY = date(2030, 1, 7)
CLOUD, SECURITY, DATA = 10, 20, 30


def need(**overrides) -> NeedSpec:
    values = dict(
        id=1,
        agency_id=1,
        start=date(2030, 2, 4),
        end=date(2030, 3, 29),
        capacity_percent=40,
        required=((CLOUD, 3),),
    )
    values.update(overrides)
    return NeedSpec(**values)


def row(specialist_id: int, **overrides) -> SpecialistRow:
    values = dict(id=specialist_id, agency_id=2, skills=((CLOUD, 3),), free=40)
    values.update(overrides)
    return SpecialistRow(**values)


def ranking(rows, spec, weights=None) -> list[int]:
    index = index_from_rows(rows, day0=MONDAY, regions=("AB", "C"))
    return [c.specialist_id for c in shortlist(index, spec, limit=10, weights=weights)]


def terms_of(rows, spec) -> dict[str, np.ndarray]:
    index = index_from_rows(rows, day0=MONDAY, regions=("AB", "C"))
    return score_rows(index, np.arange(len(rows)), spec, DEFAULT_WEIGHTS)[1]


def test_more_levels_above_the_minimum_rank_higher():
    rows = [row(1), row(2, skills=((CLOUD, 5),)), row(3, skills=((CLOUD, 4),))]
    assert ranking(rows, need()) == [2, 3, 1]


def test_required_excess_is_the_share_of_the_room_above_the_minimum():
    terms = terms_of([row(1, skills=((CLOUD, 4),))], need())
    assert terms["excess"][0] == pytest.approx(0.5)  # (4 − 3) / (5 − 3)


def test_having_a_nice_to_have_skill_ranks_higher():
    spec = need(nice=((SECURITY, 2),))
    rows = [row(1), row(2, skills=((CLOUD, 3), (SECURITY, 2)))]
    assert ranking(rows, spec) == [2, 1]


def test_nice_to_have_coverage_is_weighted_by_level():
    spec = need(nice=((SECURITY, 2),))
    rows = [row(1, skills=((CLOUD, 3), (SECURITY, 2))), row(2, skills=((CLOUD, 3), (SECURITY, 5)))]
    assert ranking(rows, spec) == [2, 1]
    assert terms_of(rows, spec)["coverage"].tolist() == pytest.approx([0.4, 1.0])


def test_free_capacity_closest_to_the_ask_ranks_higher():
    rows = [row(1, free=100), row(2, free=40), row(3, free=60)]
    assert ranking(rows, need()) == [2, 3, 1]
    assert terms_of(rows, need())["availability"].tolist() == pytest.approx([0.4, 1.0, 40 / 60])


def test_speaking_more_of_the_asked_languages_ranks_higher():
    spec = need(languages=("sv", "en"))
    rows = [row(1, languages=("sv",)), row(2, languages=("sv", "en")), row(3, languages=("fi",))]
    assert ranking(rows, spec) == [2, 1, 3]
    assert terms_of(rows, spec)["language"].tolist() == pytest.approx([0.5, 1.0, 0.0])


def test_same_region_beats_remote_which_beats_neither():
    spec = need(region="AB", remote_ok=True)
    rows = [
        row(1, region="C", remote_ok=False),
        row(2, region="C", remote_ok=True),
        row(3, region="AB", remote_ok=False),
    ]
    assert ranking(rows, spec) == [3, 2, 1]
    assert terms_of(rows, spec)["region"].tolist() == pytest.approx([0.0, 0.5, 1.0])


def test_remote_gives_no_region_credit_when_the_need_wants_presence():
    spec = need(region="AB", remote_ok=False)
    assert terms_of([row(1, region="C", remote_ok=True)], spec)["region"][0] == 0.0


def test_terms_are_neutral_when_the_need_asks_nothing_of_them():
    terms = terms_of([row(1, languages=(), region="C")], need(required=(), languages=()))
    assert terms["language"][0] == 1.0
    assert terms["region"][0] == 1.0
    assert terms["skill"][0] == 1.0


def test_a_perfect_fit_scores_one_and_every_score_stays_in_unit_interval():
    spec = need(languages=("sv",), region="AB", nice=((DATA, 1),))
    perfect = row(1, skills=((CLOUD, 5), (DATA, 5)), region="AB")
    weak = row(2, languages=("en",), region="C", remote_ok=False, free=100)
    index = index_from_rows([perfect, weak], day0=MONDAY, regions=("AB", "C"))
    scores, _ = score_rows(index, np.array([0, 1]), spec, DEFAULT_WEIGHTS)
    assert scores[0] == pytest.approx(1.0)
    assert 0.0 <= scores[1] < 1.0


def test_score_is_the_weighted_sum_of_terms():
    spec = need(languages=("sv", "en"), region="AB")
    specialist = row(1, skills=((CLOUD, 4),), region="C", free=80)
    terms = terms_of([specialist], spec)
    index = index_from_rows([specialist], day0=MONDAY, regions=("AB", "C"))
    score = score_rows(index, np.array([0]), spec, DEFAULT_WEIGHTS)[0][0]
    # S = 1/2 + 1/4·0.5 + 1/4·1, A = 40/80, L = 1/2, R = 1/2
    expected = 0.55 * 0.875 + 0.25 * 0.5 + 0.10 * 0.5 + 0.10 * 0.5
    assert terms["skill"][0] == pytest.approx(0.875)
    assert score == pytest.approx(expected)


def test_weights_decide_which_term_wins():
    skilled_but_idle = row(1, skills=((CLOUD, 5),), free=100)
    snug_fit = row(2, skills=((CLOUD, 3),), free=40)
    rows = [skilled_but_idle, snug_fit]
    assert ranking(rows, need(), weights={"skill": 1.0})[0] == 1
    assert ranking(rows, need(), weights={"availability": 1.0})[0] == 2


def test_weights_are_normalised_to_sum_to_one():
    weights = normalised_weights({"skill": 2, "availability": 1, "language": 1, "region": 0})
    assert sum(weights.values()) == pytest.approx(1.0)
    assert weights["skill"] == pytest.approx(0.5)
