"""Free-text search of the needs board and the directory: titles, descriptions, names and
skills, stemmed Swedish full-text search on PostgreSQL, plain matching on SQLite."""

import pytest
from django.db import connection

from marketplace.models import Need, Skill, Specialist
from marketplace.selectors.searches import NeedFilter, SpecialistFilter
from tests import factories

pytestmark = pytest.mark.django_db


def _needs(query: str) -> set[int]:
    return set(
        NeedFilter({"q": query}, queryset=Need.objects.all()).qs.values_list("pk", flat=True)
    )


def _specialists(query: str) -> set[int]:
    return set(
        SpecialistFilter({"q": query}, queryset=Specialist.objects.all()).qs.values_list(
            "pk", flat=True
        )
    )


def test_the_needs_board_finds_a_need_by_a_skill_it_asks_for():
    need = factories.NeedFactory(title="Stöd i projekt", description="Ett år.")
    factories.NeedSkillFactory(need=need, skill=Skill.objects.get(name="Molnmigrering"))
    factories.NeedFactory(title="Annat", description="Inget.")

    assert _needs("molnmigrering") == {need.pk}


def test_the_directory_finds_a_specialist_by_name_title_or_skill():
    sara = factories.SpecialistFactory(user__name="Sara Holm", title="Jurist", summary="")
    factories.SpecialistSkillFactory(specialist=sara, skill=Skill.objects.get(name="Klarspråk"))
    factories.SpecialistFactory(user__name="Olle Ek", title="Utvecklare", summary="")

    assert _specialists("holm") == {sara.pk}
    assert _specialists("KLARSPRÅK") == {sara.pk}
    assert _specialists("jurist") == {sara.pk}


@pytest.mark.postgres
def test_postgresql_stems_swedish_words():
    assert connection.vendor == "postgresql"
    need = factories.NeedFactory(title="Arkitekt för e-tjänster", description="Granskning.")
    factories.NeedFactory(title="Annat", description="Inget.")

    assert _needs("arkitekter") == {need.pk}
    assert _needs("granskningar") == {need.pk}
