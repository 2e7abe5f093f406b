"""The lists' filter sets set themselves up once per class and still filter per request.

Each request gets its own copies of the declared filters, bound to its own filter set, and
a new form; only the form class is shared.
"""

import pytest
from django.http import QueryDict

from marketplace.api.filters import NeedFilter, SpecialistFilter
from marketplace.models import Need, Specialist
from tests import factories

pytestmark = pytest.mark.django_db


def test_the_form_class_is_made_once_per_filter_set_class():
    first = SpecialistFilter(QueryDict("skill=1")).get_form_class()
    second = SpecialistFilter(QueryDict("skill=2")).get_form_class()
    assert first is second
    assert NeedFilter(QueryDict()).get_form_class() is not first
    assert set(first.base_fields) == set(SpecialistFilter.base_filters)


def test_each_request_filters_by_its_own_values():
    skill_a, skill_b = factories.SkillFactory(), factories.SkillFactory()
    expert = factories.SpecialistFactory()
    factories.SpecialistSkillFactory(specialist=expert, skill=skill_a, level=5)
    novice = factories.SpecialistFactory()
    factories.SpecialistSkillFactory(specialist=novice, skill=skill_a, level=2)
    other = factories.SpecialistFactory()
    factories.SpecialistSkillFactory(specialist=other, skill=skill_b, level=4)
    everyone = Specialist.objects.all()

    def ids(query: str) -> set[int]:
        return set(
            SpecialistFilter(QueryDict(query), queryset=everyone).qs.values_list("pk", flat=True)
        )

    assert ids(f"skill={skill_a.pk}&min_level=4") == {expert.pk}
    assert ids(f"skill={skill_a.pk}") == {expert.pk, novice.pk}
    assert ids(f"skill={skill_b.pk}&min_level=4") == {other.pk}
    assert ids(f"skill={skill_a.pk}&min_level=4") == {expert.pk}


def test_a_filter_method_answers_to_its_own_filter_set():
    filterset = NeedFilter(QueryDict("skill=1"), queryset=Need.objects.all())
    other = NeedFilter(QueryDict("skill=2"), queryset=Need.objects.all())
    assert filterset.filters["skill"].parent is filterset
    assert filterset.filters["skill"].filter.f is filterset.filters["skill"]
    assert other.filters["skill"].parent is other
    assert NeedFilter.base_filters["skill"] is not filterset.filters["skill"]


def test_bad_values_still_name_their_field():
    filterset = SpecialistFilter(
        QueryDict("min_level=9&skill=x"), queryset=Specialist.objects.all()
    )
    assert not filterset.is_valid()
    assert set(filterset.errors) == {"min_level", "skill"}
