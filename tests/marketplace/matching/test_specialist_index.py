"""Building the specialist index from the database, and keeping it fresh."""

import datetime as dt

import numpy as np
import pytest
from django.utils import timezone

from marketplace.matching.capacity import Window, min_free_percent
from marketplace.models import MatchStatus, SpecialistSkill
from marketplace.selectors.specialist_index import (
    build_specialist_index,
    need_spec_from,
    open_need_specs,
    patch_specialist_index,
    specialist_index,
)
from marketplace.services.scoring import match_score_for
from marketplace.services.specialist_index import matching_index_invalidate
from tests.factories import (
    AvailabilityFactory,
    DraftNeedFactory,
    MatchFactory,
    NeedFactory,
    NeedSkillFactory,
    SkillFactory,
    SpecialistFactory,
    SpecialistSkillFactory,
)

pytestmark = pytest.mark.django_db


def day(offset: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=offset)


def free_of(index, specialist, first: int, last: int) -> list[int]:
    row = np.array([index.row_of[specialist.pk]])
    return index.free_by_day(row, day(first), day(last))[0].tolist()


def test_free_is_availability_capped_by_max_share_minus_reservations_day_by_day():
    specialist = SpecialistFactory(max_share_percent=60)
    AvailabilityFactory(specialist=specialist, start=day(3), end=day(40), capacity_percent=80)
    MatchFactory(
        specialist=specialist,
        status=MatchStatus.APPROVED,
        start=day(10),
        end=day(12),
        capacity_percent=20,
    )
    index = build_specialist_index(today=timezone.localdate())
    assert index.day0 == timezone.localdate()
    assert free_of(index, specialist, 0, 14) == [0] * 3 + [60] * 7 + [40] * 3 + [60] * 2
    assert free_of(index, specialist, 40, 41) == [60, 0]


def test_a_proposed_match_reserves_no_capacity():
    specialist = SpecialistFactory()
    AvailabilityFactory(specialist=specialist, start=day(7), end=day(70), capacity_percent=50)
    MatchFactory(
        specialist=specialist,
        status=MatchStatus.PROPOSED,
        start=day(14),
        end=day(35),
        capacity_percent=50,
    )
    index = build_specialist_index(today=timezone.localdate())
    assert free_of(index, specialist, 20, 20) == [50]


def test_days_outside_the_period_do_not_count_against_it():
    specialist = SpecialistFactory()
    # Available from a Thursday to a Tuesday: a week model would refuse both weeks.
    thursday = day(14 + (3 - day(14).weekday()) % 7)
    AvailabilityFactory(
        specialist=specialist,
        start=thursday,
        end=thursday + dt.timedelta(days=5),
        capacity_percent=50,
    )
    index = build_specialist_index(today=timezone.localdate())
    row = np.array([index.row_of[specialist.pk]])
    period = (thursday, thursday + dt.timedelta(days=5))
    assert index.min_free(row, *period)[0] == 50
    assert index.min_free(row, thursday - dt.timedelta(days=1), period[1])[0] == 0
    assert index.min_free(row, thursday, period[1] + dt.timedelta(days=1))[0] == 0


def test_index_agrees_with_the_day_by_day_capacity_rule():
    specialist = SpecialistFactory(max_share_percent=70)
    windows = [(5, 30, 40), (31, 60, 50)]
    for first, last, percent in windows:
        AvailabilityFactory(
            specialist=specialist, start=day(first), end=day(last), capacity_percent=percent
        )
    index = build_specialist_index(today=timezone.localdate())
    start, end = day(9), day(50)
    exact = min_free_percent(
        start=start,
        end=end,
        availability=[Window(day(f), day(t), p) for f, t, p in windows],
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


def test_open_need_specs_read_in_bulk_equal_each_need_read_alone():
    cloud, data, law = SkillFactory(), SkillFactory(), SkillFactory()
    first = NeedFactory(languages=["sv", "en"], region="AB", clearance_required=2, headcount=3)
    NeedSkillFactory(need=first, skill=law, min_level=4, required=True)
    NeedSkillFactory(need=first, skill=cloud, min_level=3, required=True)
    NeedSkillFactory(need=first, skill=data, min_level=1, required=False)
    second = NeedFactory(remote_ok=False, allow_own_agency=True, start=day(3), end=day(10))
    draft = DraftNeedFactory()
    NeedSkillFactory(need=draft, skill=cloud)
    specs = open_need_specs()
    assert specs == [need_spec_from(first), need_spec_from(second)]
    assert specs[0].required == tuple(sorted([(cloud.pk, 3), (law.pk, 4)]))


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
        )
    ) and np.array_equal(
        left.free_by_day(np.array([a]), left.day0, left.day0 + dt.timedelta(days=800)),
        right.free_by_day(np.array([b]), right.day0, right.day0 + dt.timedelta(days=800)),
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
    assert patched.free_by_day(np.array([row]), day(0), day(400)).max() == 0


def test_a_new_skill_on_a_targeted_change_falls_back_to_a_full_rebuild():
    specialist = SpecialistFactory()
    matching_index_invalidate()
    specialist_index()
    fresh_skill = SkillFactory()
    SpecialistSkillFactory(specialist=specialist, skill=fresh_skill, level=4)
    matching_index_invalidate(specialist_ids=[specialist.pk])
    index = specialist_index()
    assert index.skill_levels[index.row_of[specialist.pk], index.skill_column[fresh_skill.pk]] == 4
