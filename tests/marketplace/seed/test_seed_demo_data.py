"""The demo data's shape and its capacity invariant, on one seeding per module."""

import datetime as dt

import pytest
from django.contrib.auth.hashers import check_password
from django.utils import timezone

from accounts.models import Agency, Role, User
from accounts.validators import validate_org_number
from marketplace.management.commands.seed_demo import (
    ADMIN_EMAIL,
    DEMO_PASSWORD,
    anchor_day,
)
from marketplace.matching.capacity import Window, min_free_percent, overcommitted_days
from marketplace.models import (
    RESERVING_MATCH_STATUSES,
    Availability,
    Engagement,
    Match,
    MatchStatus,
    Need,
    NeedStatus,
    Specialist,
)


def windows(specialist: Specialist) -> list[Window]:
    return [Window(a.start, a.end, a.capacity_percent) for a in specialist.availabilities.all()]


def reservations(specialist: Specialist) -> list[Window]:
    return [
        Window(m.start, m.end, m.capacity_percent)
        for m in specialist.matches.filter(status__in=RESERVING_MATCH_STATUSES)
    ]


pytestmark = pytest.mark.django_db


# Shape of the demo ---------------------------------------------------------------------


def test_seed_creates_eight_agencies_with_valid_org_numbers(seeded_once):
    agencies = list(Agency.objects.all())

    assert len(agencies) == 8
    for agency in agencies:
        validate_org_number(agency.org_number)
        agency.full_clean()


def test_seed_creates_one_manager_per_agency_one_coordinator_and_the_admin(seeded_once):
    managers = User.objects.filter(role=Role.MANAGER)

    assert sorted(managers.values_list("agency_id", flat=True)) == sorted(
        Agency.objects.values_list("pk", flat=True)
    )
    assert User.objects.filter(role=Role.COORDINATOR).count() == 1
    admin = User.objects.get(email=ADMIN_EMAIL)
    assert admin.is_admin and admin.is_staff


def test_every_demo_user_logs_in_with_the_demo_password(seeded_once):
    hashes = User.objects.values_list("password", flat=True)

    assert hashes.count() == 70
    assert all(check_password(DEMO_PASSWORD, password) for password in hashes)


def test_seed_creates_sixty_specialists_spread_over_every_agency(seeded_once):
    assert Specialist.objects.count() == 60
    assert Specialist.objects.values("agency").distinct().count() == 8
    assert all(s.user.agency_id == s.agency_id for s in Specialist.objects.select_related("user"))


def test_demo_specialists_have_two_to_five_skills_and_realistic_sharing(seeded_once):
    for specialist in Specialist.objects.prefetch_related("skill_levels"):
        assert 2 <= specialist.skill_levels.count() <= 5
        assert 20 <= specialist.max_share_percent <= 60
        assert "sv" in specialist.languages
        assert specialist.region
    shareable = Specialist.objects.filter(shareable=True).count()
    assert 30 < shareable < 60
    assert Specialist.objects.filter(clearance__gt=0).exists()


def test_demo_availability_is_one_or_two_separate_windows_in_the_coming_year(seeded_once):
    anchor = anchor_day(timezone.localdate())
    for specialist in Specialist.objects.all():
        own = list(specialist.availabilities.order_by("start"))
        assert 1 <= len(own) <= 2
        assert all(anchor <= w.start <= w.end < anchor + dt.timedelta(days=365) for w in own)
        if len(own) == 2:
            assert own[0].end < own[1].start
    assert Availability.objects.count() > 60


def test_demo_needs_cover_every_status(seeded_once):
    statuses = set(Need.objects.values_list("status", flat=True))

    assert Need.objects.count() == 20
    assert statuses == set(NeedStatus.values)


def test_closed_demo_needs_say_why_and_others_do_not(seeded_once):
    for need in Need.objects.all():
        assert bool(need.unfilled_reason) is (need.status == NeedStatus.CLOSED)
        assert (need.published_at is None) is (need.status == NeedStatus.DRAFT)
        assert need.skill_requirements.filter(required=True).exists()


def test_demo_matches_cover_the_flow_and_completed_ones_have_an_engagement(seeded_once):
    statuses = set(Match.objects.values_list("status", flat=True))

    assert {
        MatchStatus.PROPOSED,
        MatchStatus.APPROVED,
        MatchStatus.ACCEPTED,
        MatchStatus.COMPLETED,
    } <= statuses
    completed = Match.objects.filter(status=MatchStatus.COMPLETED)
    assert Engagement.objects.filter(match__in=completed).count() == completed.count()
    assert Engagement.objects.count() == completed.count()


def test_demo_matches_are_cross_agency_and_meet_the_need(seeded_once):
    for match in Match.objects.select_related("need", "specialist"):
        assert match.specialist.agency_id != match.need.agency_id
        assert match.specialist.shareable
        assert match.specialist.clearance >= match.need.clearance_required
        levels = dict(match.specialist.skill_levels.values_list("skill_id", "level"))
        for requirement in match.need.skill_requirements.filter(required=True):
            assert levels.get(requirement.skill_id, 0) >= requirement.min_level


def test_accepted_matches_have_both_consents(seeded_once):
    for match in Match.objects.filter(status__in=[MatchStatus.ACCEPTED, MatchStatus.COMPLETED]):
        assert match.specialist_consent_by_id == match.specialist.user_id
        assert match.release_by.agency_id == match.specialist.agency_id
        assert match.approved_at < match.specialist_consent_at <= match.accepted_at


# Capacity ------------------------------------------------------------------------------


def test_seeded_reservations_never_exceed_capacity_on_any_day(seeded_once):
    reserved = Specialist.objects.filter(matches__status__in=RESERVING_MATCH_STATUSES).distinct()

    assert reserved.exists()
    for specialist in reserved:
        assert (
            overcommitted_days(
                availability=windows(specialist),
                reservations=reservations(specialist),
                max_share_percent=specialist.max_share_percent,
            )
            == []
        )


def test_every_seeded_reservation_lies_inside_the_specialists_availability(seeded_once):
    for match in Match.objects.filter(status__in=RESERVING_MATCH_STATUSES):
        specialist = match.specialist
        free = min_free_percent(
            start=match.start,
            end=match.end,
            availability=windows(specialist),
            reservations=reservations(specialist),
            max_share_percent=specialist.max_share_percent,
        )
        assert free >= 0


# Output --------------------------------------------------------------------------------


def test_seed_prints_a_progress_bar_and_the_demo_logins(seeded_once):
    assert "[##############################] 100%" in seeded_once
    assert ADMIN_EMAIL in seeded_once
    assert DEMO_PASSWORD in seeded_once
    assert "chef@skatteverket.demo.se" in seeded_once
    assert "samordnare@demo.se" in seeded_once


def test_every_demo_match_explains_itself_in_both_languages(seeded_once):
    from django.utils import translation

    from marketplace.explanations import breakdown_in_words

    for match in Match.objects.all():
        for language in ("sv", "en"):
            with translation.override(language):
                phrases = breakdown_in_words(match.breakdown)
            assert phrases, (match.pk, match.breakdown)
        assert match.breakdown["asked_percent"] == match.capacity_percent
        assert match.breakdown["free_percent"] >= match.capacity_percent
        assert match.breakdown["required"]
