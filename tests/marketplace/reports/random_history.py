"""Random report history, seeded: agencies with odd rates, needs in every status, matches
approved and accepted at any moment of any day, engagements completed around the edges
of months and years. Written directly, like any bulk load, then counted by a rebuild or
per need by `report_facts_refresh`.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.utils import timezone

from marketplace.models import (
    Engagement,
    MatchStatus,
    NeedStatus,
    SkillCategory,
    UnfilledReason,
)
from tests import factories

STATUSES = [NeedStatus.DRAFT, NeedStatus.OPEN, NeedStatus.FILLED, NeedStatus.CLOSED]
STATUSES += [NeedStatus.CANCELLED]
MATCH_STATUSES = list(MatchStatus)


def moment(rng: random.Random, first: dt.date, days: int) -> dt.datetime:
    """Any moment of any day in [first, first + days), often right at a day's edge."""
    day = first + dt.timedelta(days=rng.randrange(days))
    clock = rng.choice(
        [
            dt.time(0, 0),
            dt.time(23, 59, 59, 999999),
            dt.time(rng.randrange(24), rng.randrange(60), rng.randrange(60), rng.randrange(10**6)),
        ]
    )
    return timezone.make_aware(dt.datetime.combine(day, clock))


def make_history(seed: int, *, needs: int = 40) -> dict:
    rng = random.Random(seed)
    agencies = [
        factories.AgencyFactory(
            name=f"Agency {seed}-{i}",
            slug=f"agency-{seed}-{i}",
            internal_hourly_rate=rng.choice([None, 700, 900, 1600]),
            consultant_rate_overrides=rng.choice(
                [{}, {"cloud": 1700}, {"security": "1450.5"}, {"data": "lots"}]
            ),
        )
        for i in range(4)
    ]
    categories = [SkillCategory.CLOUD, SkillCategory.SECURITY, SkillCategory.DATA, "design"]
    skills = [
        factories.SkillFactory(name=f"Skill {seed}-{i}", category=categories[i % 4])
        for i in range(5)
    ]
    specialists = []
    for i in range(8):
        specialist = factories.SpecialistFactory(
            agency=agencies[i % 4], shareable=rng.random() < 0.7
        )
        for skill in rng.sample(skills, rng.randint(0, 3)):
            factories.SpecialistSkillFactory(
                specialist=specialist, skill=skill, level=rng.randint(1, 5)
            )
        specialists.append(specialist)
    first = dt.date(2026, 11, 1)
    for _ in range(needs):
        status = rng.choice(STATUSES)
        published = None if status == NeedStatus.DRAFT else moment(rng, first, 450)
        start = (published or moment(rng, first, 450)).date() + dt.timedelta(rng.randint(-5, 30))
        need = factories.NeedFactory(
            agency=rng.choice(agencies),
            status=status,
            published_at=published,
            start=start,
            end=start + dt.timedelta(days=rng.randint(0, 120)),
            headcount=rng.randint(1, 2),
            unfilled_reason=rng.choice(list(UnfilledReason))
            if status in (NeedStatus.CLOSED, NeedStatus.CANCELLED)
            else "",
        )
        for skill in rng.sample(skills, rng.randint(0, 3)):
            factories.NeedSkillFactory(
                need=need, skill=skill, min_level=rng.randint(1, 5), required=rng.random() < 0.7
            )
        if published is None:
            continue
        for specialist in rng.sample(specialists, rng.randint(0, 3)):
            match_status = rng.choice(MATCH_STATUSES)
            approved = published + dt.timedelta(seconds=rng.randrange(0, 40 * 86400))
            accepted = approved + dt.timedelta(seconds=rng.randrange(0, 20 * 86400))
            reached = match_status not in (MatchStatus.PROPOSED, MatchStatus.REJECTED)
            match = factories.MatchFactory(
                need=need,
                specialist=specialist,
                status=match_status,
                approved_at=approved if reached and rng.random() < 0.9 else None,
                accepted_at=accepted
                if match_status in (MatchStatus.ACCEPTED, MatchStatus.COMPLETED)
                or rng.random() < 0.1
                else None,
            )
            if match_status == MatchStatus.COMPLETED:
                Engagement.objects.create(
                    match=match,
                    hours=Decimal(rng.randrange(0, 20000)) / 10,
                    need_rating=rng.choice([None, 1, 2, 3, 4, 5]),
                    specialist_rating=rng.choice([None, 1, 2, 3, 4, 5]),
                    completed_at=moment(rng, first, 450),
                )
    return {"agencies": agencies, "skills": skills, "specialists": specialists}
