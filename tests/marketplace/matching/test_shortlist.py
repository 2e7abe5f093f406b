"""Hard constraints of the shortlist, on hand-built indexes (no database)."""

from datetime import date, timedelta

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from marketplace.matching.capacity import Window
from marketplace.matching.problem import NeedSpec, SpecialistRow, index_from_rows
from marketplace.matching.shortlist import (
    CAPACITY,
    CLEARANCE,
    MAX_SHARE,
    OWN_AGENCY,
    REQUIRED_SKILL,
    SHAREABLE,
    UNKNOWN,
    exclusion_reasons,
    explain_exclusion,
    feasible_candidates,
    rows_to_check,
    shortlist,
    skill_postings,
)

MONDAY = date(2030, 1, 7)
CLOUD, SECURITY = 10, 20


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


def fit(specialist_id: int, **overrides) -> SpecialistRow:
    """A specialist who passes every hard constraint of `need()`."""
    values = dict(id=specialist_id, agency_id=2, skills=((CLOUD, 3),), free=50)
    values.update(overrides)
    return SpecialistRow(**values)


def ids_of(index, spec) -> set[int]:
    rows, _scores, _terms = feasible_candidates(index, spec)
    return {int(index.ids[r]) for r in rows}


def test_specialist_meeting_every_constraint_is_a_candidate():
    index = index_from_rows([fit(1)], day0=MONDAY)
    assert ids_of(index, need()) == {1}
    assert explain_exclusion(index, need(), 1) == []


def test_clearance_below_the_need_excludes():
    index = index_from_rows([fit(1, clearance=1), fit(2, clearance=2)], day0=MONDAY)
    spec = need(clearance_required=2)
    assert ids_of(index, spec) == {2}
    assert explain_exclusion(index, spec, 1) == [CLEARANCE]


def test_missing_required_skill_excludes():
    index = index_from_rows([fit(1, skills=((SECURITY, 5),)), fit(2)], day0=MONDAY)
    assert ids_of(index, need()) == {2}
    assert explain_exclusion(index, need(), 1) == [REQUIRED_SKILL]


def test_required_skill_below_min_level_excludes():
    index = index_from_rows(
        [fit(1, skills=((CLOUD, 2),)), fit(2, skills=((CLOUD, 3),))], day0=MONDAY
    )
    assert ids_of(index, need()) == {2}
    assert explain_exclusion(index, need(), 1) == [REQUIRED_SKILL]


def test_required_skill_nobody_has_leaves_no_candidates():
    index = index_from_rows([fit(1)], day0=MONDAY)
    assert ids_of(index, need(required=((CLOUD, 3), (99, 1)))) == set()


def test_free_capacity_below_the_ask_on_one_day_excludes():
    daily = [50] * 365
    daily[(date(2030, 3, 13) - MONDAY).days] = 30  # one Wednesday inside the need's period
    index = index_from_rows([fit(1, free=tuple(daily)), fit(2)], day0=MONDAY)
    assert ids_of(index, need()) == {2}
    assert explain_exclusion(index, need(), 1) == [CAPACITY]
    reasons = exclusion_reasons(index, need(), 1)
    assert reasons[0].facts == {
        "day": "2030-03-13",
        "free_on_day": 30,
        "free_percent": 30,
        "asked_percent": 40,
    }


def test_free_capacity_outside_the_period_does_not_matter_even_in_the_same_week():
    daily = [50] * 365
    daily[(date(2030, 2, 3) - MONDAY).days] = 0  # the Sunday before the need's Monday start
    daily[(date(2030, 3, 30) - MONDAY).days] = 0  # the Saturday after its Friday end
    index = index_from_rows([fit(1, free=tuple(daily))], day0=MONDAY)
    assert ids_of(index, need()) == {1}


def test_a_period_starting_the_day_availability_starts_fits_whatever_the_weekday():
    for offset in range(7):
        start = date(2030, 2, 2) + timedelta(days=offset)  # a Saturday, then each weekday
        windows = (Window(start, start + timedelta(days=30), 40),)
        index = index_from_rows([fit(1, windows=windows)], day0=MONDAY)
        asked = need(start=start, end=start + timedelta(days=30))
        assert ids_of(index, asked) == {1}
        one_day_longer = need(start=start, end=start + timedelta(days=31))
        assert ids_of(index, one_day_longer) == set()
        (reason,) = exclusion_reasons(index, one_day_longer, 1)
        assert reason.facts["day"] == (start + timedelta(days=31)).isoformat()


def test_period_past_the_recorded_availability_excludes():
    index = index_from_rows([fit(1)], day0=MONDAY, days=8 * 7)
    assert ids_of(index, need()) == set()
    assert explain_exclusion(index, need(), 1) == [CAPACITY]


def test_unshareable_specialist_is_excluded():
    index = index_from_rows([fit(1, shareable=False), fit(2)], day0=MONDAY)
    assert ids_of(index, need()) == {2}
    assert explain_exclusion(index, need(), 1) == [SHAREABLE]


def test_ask_above_max_share_excludes():
    index = index_from_rows([fit(1, max_share=30, free=100), fit(2)], day0=MONDAY)
    assert ids_of(index, need()) == {2}
    assert MAX_SHARE in explain_exclusion(index, need(), 1)


def test_own_agency_specialist_is_excluded_unless_the_need_allows_it():
    index = index_from_rows([fit(1, agency_id=1), fit(2)], day0=MONDAY)
    assert ids_of(index, need()) == {2}
    assert explain_exclusion(index, need(), 1) == [OWN_AGENCY]
    assert ids_of(index, need(allow_own_agency=True)) == {1, 2}


def test_explain_names_every_failed_constraint():
    index = index_from_rows(
        [fit(1, agency_id=1, shareable=False, skills=(), clearance=0)], day0=MONDAY
    )
    reasons = explain_exclusion(index, need(clearance_required=1), 1)
    assert reasons == [CLEARANCE, REQUIRED_SKILL, SHAREABLE, OWN_AGENCY]


def test_explain_for_an_unknown_specialist_says_so():
    index = index_from_rows([fit(1)], day0=MONDAY)
    assert explain_exclusion(index, need(), 404) == [UNKNOWN]


def test_shortlist_is_ranked_best_first_and_cut_at_the_limit():
    index = index_from_rows(
        [fit(1), fit(2, skills=((CLOUD, 5),)), fit(3, skills=((CLOUD, 4),))], day0=MONDAY
    )
    result = shortlist(index, need(), limit=2)
    assert [c.specialist_id for c in result] == [2, 3]
    assert result[0].score >= result[1].score


def test_equal_scores_are_ordered_by_specialist_id():
    index = index_from_rows([fit(5), fit(3), fit(4)], day0=MONDAY)
    assert [c.specialist_id for c in shortlist(index, need(), limit=2)] == [3, 4]


def test_every_candidate_carries_its_breakdown():
    index = index_from_rows(
        [fit(1, skills=((CLOUD, 5),))], day0=MONDAY, skill_names={CLOUD: "Moln"}
    )
    (candidate,) = shortlist(index, need(), limit=5)
    breakdown = candidate.breakdown
    assert set(breakdown["terms"]) == {"skill", "availability", "language", "region"}
    assert breakdown["required"] == [
        {"skill_id": CLOUD, "skill": "Moln", "min_level": 3, "level": 5}
    ]
    assert breakdown["free_percent"] == 50
    assert breakdown["asked_percent"] == 40


def test_breakdown_terms_times_weights_sum_to_the_score():
    index = index_from_rows([fit(1, skills=((CLOUD, 4),), region="C")], day0=MONDAY)
    (candidate,) = shortlist(index, need(region="AB", languages=("sv", "en")), limit=1)
    b = candidate.breakdown
    total = sum(b["terms"][t] * b["weights"][t] for t in b["terms"])
    assert abs(total - candidate.score) < 1e-3


def test_feasible_candidates_returns_aligned_term_arrays():
    index = index_from_rows([fit(1), fit(2, shareable=False), fit(3)], day0=MONDAY)
    rows, scores, terms = feasible_candidates(index, need())
    assert list(index.ids[rows]) == [1, 3]
    assert scores.shape == (2,)
    assert all(terms[t].shape == (2,) for t in ("skill", "availability", "language", "region"))
    assert np.all((scores >= 0) & (scores <= 1))


def test_a_period_wholly_before_the_index_day_has_nothing_free_in_the_shortlist_and_explain():
    index = index_from_rows([fit(1)], day0=MONDAY)
    past = need(start=MONDAY - timedelta(days=10), end=MONDAY - timedelta(days=1))

    assert ids_of(index, past) == set()
    (reason,) = exclusion_reasons(index, past, 1)
    assert (reason.constraint, reason.facts["day"]) == (CAPACITY, past.start.isoformat())


LAW = 30
SKILLS = (CLOUD, SECURITY, LAW)


@st.composite
def specialists_and_need(draw) -> tuple[list[SpecialistRow], NeedSpec]:
    rows = [
        SpecialistRow(
            id=k + 1,
            agency_id=draw(st.integers(1, 3)),
            clearance=draw(st.integers(0, 2)),
            shareable=draw(st.booleans()),
            max_share=draw(st.sampled_from((20, 50, 100))),
            skills=tuple(
                (skill, draw(st.integers(1, 5)))
                for skill in SKILLS[: draw(st.integers(0, 3))]
                if draw(st.booleans())
            ),
            free=draw(st.sampled_from((0, 30, 60, 100))),
        )
        for k in range(draw(st.integers(0, 12)))
    ]
    required = tuple(
        (skill, draw(st.integers(1, 5))) for skill in (*SKILLS, 99) if draw(st.booleans())
    )
    spec = need(
        agency_id=draw(st.integers(1, 3)),
        clearance_required=draw(st.integers(0, 2)),
        capacity_percent=draw(st.sampled_from((20, 40, 60))),
        required=required,
        allow_own_agency=draw(st.booleans()),
    )
    return rows, spec


@settings(max_examples=150, deadline=None)
@given(specialists_and_need())
def test_candidates_among_the_rarest_skills_rows_equal_those_over_every_row(case) -> None:
    rows, spec = case
    index = index_from_rows(rows, day0=MONDAY)
    everyone = feasible_candidates(index, spec)
    within = rows_to_check(index, spec, skill_postings(index))
    narrowed = feasible_candidates(index, spec, within=within)
    assert everyone[0].tolist() == narrowed[0].tolist()
    assert everyone[1].tolist() == narrowed[1].tolist()
