"""Building the specialist index from the database, and keeping it fresh."""

import datetime as dt

import numpy as np
import pytest
from django.utils import timezone

from marketplace.capacity import Window, min_free_percent
from marketplace.matching.loader import (
    build_specialist_index,
    matching_index_invalidate,
    need_spec_from,
    patch_specialist_index,
    specialist_index,
)
from marketplace.matching.problem import monday_of
from marketplace.models import MatchStatus, SpecialistSkill
from marketplace.services.scoring import match_score_for
from tests.factories import (
    AvailabilityFactory,
    MatchFactory,
    NeedFactory,
    NeedSkillFactory,
    SkillFactory,
    SpecialistFactory,
    SpecialistSkillFactory,
)

pytestmark = pytest.mark.django_db


def week_start(weeks: int) -> dt.date:
    return monday_of(timezone.localdate()) + dt.timedelta(weeks=weeks)


def test_free_by_week_is_availability_capped_by_max_share_minus_reservations():
    specialist = SpecialistFactory(max_share_percent=60)
    AvailabilityFactory(
        specialist=specialist, start=week_start(1), end=week_start(10), capacity_percent=80
    )
    MatchFactory(
        specialist=specialist,
        status=MatchStatus.APPROVED,
        start=week_start(3),
        end=week_start(4) - dt.timedelta(days=1),
        capacity_percent=20,
    )
    index = build_specialist_index(today=timezone.localdate())
    free = index.free_by_week[index.row_of[specialist.pk]]
    assert free[0] == 0  # before the window
    assert free[2] == 60  # capped by max share
    assert free[3] == 40  # the approved match reserves 20
    assert free[9] == 60


def test_a_proposed_match_reserves_no_capacity():
    specialist = SpecialistFactory()
    AvailabilityFactory(
        specialist=specialist, start=week_start(1), end=week_start(10), capacity_percent=50
    )
    MatchFactory(
        specialist=specialist,
        status=MatchStatus.PROPOSED,
        start=week_start(2),
        end=week_start(5),
        capacity_percent=50,
    )
    index = build_specialist_index(today=timezone.localdate())
    assert index.free_by_week[index.row_of[specialist.pk], 3] == 50


def test_a_week_counts_at_its_worst_day():
    specialist = SpecialistFactory()
    AvailabilityFactory(
        specialist=specialist,
        start=week_start(2),
        end=week_start(3) + dt.timedelta(days=3),  # ends on Thursday of week 3
        capacity_percent=50,
    )
    index = build_specialist_index(today=timezone.localdate())
    free = index.free_by_week[index.row_of[specialist.pk]]
    assert free[2] == 50
    assert free[3] == 0


def test_index_agrees_with_the_day_by_day_capacity_rule():
    specialist = SpecialistFactory(max_share_percent=70)
    windows = [(1, 6, 40), (4, 9, 50)]
    for first, last, percent in windows:
        AvailabilityFactory(
            specialist=specialist,
            start=week_start(first),
            end=week_start(last) - dt.timedelta(days=1),
            capacity_percent=percent,
        )
    index = build_specialist_index(today=timezone.localdate())
    start, end = week_start(2), week_start(8) - dt.timedelta(days=1)
    exact = min_free_percent(
        start=start,
        end=end,
        availability=[
            Window(week_start(f), week_start(t) - dt.timedelta(days=1), p) for f, t, p in windows
        ],
        reservations=[],
        max_share_percent=70,
    )
    row = index.row_of[specialist.pk]
    assert int(index.min_free(np.array([row]), start, end)[0]) == exact == 40


def test_an_expired_clearance_counts_as_none():
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    expired = SpecialistFactory(clearance=2, clearance_expires=yesterday)
    valid = SpecialistFactory(clearance=2, clearance_expires=None)
    index = build_specialist_index(today=timezone.localdate())
    assert index.clearance[index.row_of[expired.pk]] == 0
    assert index.clearance[index.row_of[valid.pk]] == 2


def test_skills_languages_and_region_land_in_their_columns():
    skill = SkillFactory()
    specialist = SpecialistFactory(languages=["sv", "fi"], region="C", remote_ok=False)
    SpecialistSkillFactory(specialist=specialist, skill=skill, level=4)
    index = build_specialist_index(today=timezone.localdate())
    row = index.row_of[specialist.pk]
    assert index.skill_levels[row, index.skill_column[skill.pk]] == 4
    assert index.languages_of(row) == ["sv", "fi"]
    assert index.region_of(row) == "C"
    assert not index.remote_ok[row]
    assert index.skill_names[skill.pk] == skill.name


def test_index_is_built_with_a_fixed_number_of_queries(django_assert_max_num_queries):
    skill = SkillFactory()
    for _ in range(15):
        specialist = SpecialistFactory()
        SpecialistSkillFactory(specialist=specialist, skill=skill)
        AvailabilityFactory(specialist=specialist)
    with django_assert_max_num_queries(5):
        index = build_specialist_index(today=timezone.localdate())
    assert len(index) == 15


def test_warm_index_is_reused_until_invalidated():
    matching_index_invalidate()
    first = specialist_index()
    assert specialist_index() is first
    newcomer = SpecialistFactory()
    matching_index_invalidate()
    rebuilt = specialist_index()
    assert rebuilt is not first
    assert newcomer.pk in rebuilt.row_of


def test_need_spec_splits_required_and_nice_skills():
    need = NeedFactory(languages=["sv"], region="AB", clearance_required=1)
    cloud, data = SkillFactory(), SkillFactory()
    NeedSkillFactory(need=need, skill=cloud, min_level=3, required=True)
    NeedSkillFactory(need=need, skill=data, min_level=2, required=False)
    spec = need_spec_from(need)
    assert spec.required == ((cloud.pk, 3),)
    assert spec.nice == ((data.pk, 2),)
    assert (spec.languages, spec.region, spec.clearance_required) == (("sv",), "AB", 1)


def test_match_score_for_scores_a_fitting_pair_with_its_breakdown():
    skill = SkillFactory()
    need = NeedFactory()
    NeedSkillFactory(need=need, skill=skill, min_level=3)
    specialist = SpecialistFactory()
    SpecialistSkillFactory(specialist=specialist, skill=skill, level=5)
    AvailabilityFactory(specialist=specialist, capacity_percent=need.capacity_percent)
    score, breakdown = match_score_for(need=need, specialist=specialist)
    assert 0.0 < score <= 1.0
    assert breakdown["excluded_by"] == []
    assert breakdown["required"][0]["level"] == 5


def test_match_score_for_names_the_constraints_a_nominee_fails():
    skill = SkillFactory()
    need = NeedFactory()
    NeedSkillFactory(need=need, skill=skill, min_level=3)
    specialist = SpecialistFactory(shareable=False)
    score, breakdown = match_score_for(need=need, specialist=specialist)
    assert 0.0 <= score <= 1.0
    assert breakdown["excluded_by"] == ["required_skill", "capacity", "shareable"]


def rows_equal(left, right, specialist_id: int) -> bool:
    a, b = left.row_of[specialist_id], right.row_of[specialist_id]
    return all(
        np.array_equal(getattr(left, name)[a], getattr(right, name)[b])
        for name in (
            "agency_ids",
            "clearance",
            "shareable",
            "max_share",
            "skill_levels",
            "language_mask",
            "region",
            "remote_ok",
            "free_by_week",
        )
    )


def test_targeted_invalidation_reloads_only_the_named_specialists():
    skill = SkillFactory()
    changed, untouched = SpecialistFactory(), SpecialistFactory()
    SpecialistSkillFactory(specialist=changed, skill=skill, level=2)
    AvailabilityFactory(specialist=untouched)
    matching_index_invalidate()
    warm = specialist_index()
    SpecialistSkill.objects.filter(specialist=changed).update(level=5)
    newcomer = SpecialistFactory()
    AvailabilityFactory(specialist=newcomer, capacity_percent=30)
    assert patch_specialist_index(warm, [changed.pk], today=timezone.localdate()) is not None
    matching_index_invalidate(specialist_ids=[changed.pk, newcomer.pk])
    patched = specialist_index()
    full = build_specialist_index(today=timezone.localdate())
    assert patched.skill_levels[patched.row_of[changed.pk], patched.skill_column[skill.pk]] == 5
    assert warm.skill_levels[warm.row_of[changed.pk], warm.skill_column[skill.pk]] == 2
    for specialist in (changed, untouched, newcomer):
        assert rows_equal(patched, full, specialist.pk)


def test_a_deleted_specialist_drops_out_of_a_patched_index():
    leaving = SpecialistFactory()
    AvailabilityFactory(specialist=leaving)
    matching_index_invalidate()
    specialist_index()
    leaving_id = leaving.pk
    leaving.delete()
    matching_index_invalidate(specialist_ids=[leaving_id])
    patched = specialist_index()
    row = patched.row_of[leaving_id]
    assert not patched.shareable[row]
    assert patched.free_by_week[row].max() == 0


def test_a_new_skill_on_a_targeted_change_falls_back_to_a_full_rebuild():
    specialist = SpecialistFactory()
    matching_index_invalidate()
    specialist_index()
    fresh_skill = SkillFactory()
    SpecialistSkillFactory(specialist=specialist, skill=fresh_skill, level=4)
    matching_index_invalidate(specialist_ids=[specialist.pk])
    index = specialist_index()
    assert index.skill_levels[index.row_of[specialist.pk], index.skill_column[fresh_skill.pk]] == 4
