"""Rows written in Django admin carry the values the lists read from copies.

A match records the agencies of its need and specialist; a requirement row its need's
created_at. Admin writes bypass the services, so the admin sets them itself, and the
agency of a need or specialist can no longer be changed there (their matches keep it).
"""

import pytest
from django.utils import timezone

from marketplace.models import Match, NeedSkill
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(factories.AdminFactory())
    return client


def _form_data(client, url: str) -> dict:
    form = client.get(url).context["adminform"].form
    return {
        name: ("" if value is None else value)
        for name, value in form.initial.items()
        if name in form.fields
    }


def test_match_added_in_admin_records_the_agencies_of_its_need_and_specialist(admin_client):
    need = factories.NeedFactory()
    specialist = factories.SpecialistFactory()
    today = timezone.localdate()
    response = admin_client.post(
        "/admin/marketplace/match/add/",
        {
            "need": need.pk,
            "specialist": specialist.pk,
            "status": "proposed",
            "score": "0.5",
            "breakdown": "{}",
            "capacity_percent": "20",
            "start": today.isoformat(),
            "end": today.isoformat(),
            "proposed_by": "nomination",
            "decline_comment": "",
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    match = Match.objects.get(need=need, specialist=specialist)
    assert (match.need_agency_id, match.specialist_agency_id) == (
        need.agency_id,
        specialist.agency_id,
    )


def test_requirement_added_in_admin_carries_its_needs_created_at(admin_client):
    need = factories.NeedFactory(languages=[], created_by=factories.ManagerFactory())
    skill = factories.SkillFactory()
    url = f"/admin/marketplace/need/{need.pk}/change/"
    data = _form_data(admin_client, url)
    data.update(
        {
            "languages": "[]",
            "skill_requirements-TOTAL_FORMS": "1",
            "skill_requirements-INITIAL_FORMS": "0",
            "skill_requirements-0-skill": skill.pk,
            "skill_requirements-0-min_level": "3",
            "skill_requirements-0-required": "on",
        }
    )

    response = admin_client.post(url, data)

    assert response.status_code == 302
    assert NeedSkill.objects.get(need=need).need_created_at == need.created_at


@pytest.mark.parametrize("model", ["need", "specialist"])
def test_agency_of_an_existing_need_or_specialist_is_read_only_in_admin(admin_client, model):
    obj = factories.NeedFactory() if model == "need" else factories.SpecialistFactory()
    form = admin_client.get(f"/admin/marketplace/{model}/{obj.pk}/change/").context["adminform"]
    assert "agency" not in form.form.fields
    assert "agency" in form.readonly_fields
