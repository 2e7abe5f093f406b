"""The hand-written list rows of needs and specialists say what the declared fields say.

The output serializers build their rows by hand for speed; DRF's own field-by-field
representation stays the reference, so the API and its OpenAPI schema cannot drift apart.
"""

import datetime as dt
import json

import pytest
from django.utils import timezone
from rest_framework import serializers

from fastpaths.json_renderer import JSONRenderer
from marketplace.api.needs import NeedListCreateView, NeedOutputSerializer
from marketplace.api.specialists import SpecialistListCreateView, SpecialistOutputSerializer
from marketplace.models import Clearance, NeedStatus, UnfilledReason
from marketplace.selectors.needs import need_get, need_get_with_skills, need_list_with_json
from marketplace.selectors.specialists import (
    specialist_get,
    specialist_list,
    specialist_list_with_json,
)
from tests import factories

pytestmark = pytest.mark.django_db


def _declared(serializer_class, instance) -> dict:
    return serializers.ModelSerializer.to_representation(serializer_class(), instance)


def _as_sent(data):
    """What the client reads: list rows carry JSON the database wrote, as it is."""
    return json.loads(JSONRenderer().render(data))


@pytest.fixture
def needs(db):
    skills = factories.SkillFactory.create_batch(3)
    plain = factories.NeedFactory()
    full = factories.NeedFactory(
        clearance_required=Clearance.SK2,
        languages=["sv", "fi"],
        region="AB",
        remote_ok=False,
        allow_own_agency=True,
        status=NeedStatus.CLOSED,
        unfilled_reason=UnfilledReason.NO_CANDIDATE,
        published_at=timezone.make_aware(dt.datetime(2027, 3, 1, 8, 30, 15, 123456)),
    )
    factories.NeedSkillFactory(need=full, skill=skills[0], min_level=2, required=False)
    factories.NeedSkillFactory(need=full, skill=skills[1], min_level=5)
    draft = factories.DraftNeedFactory(agency=full.agency, description="")
    return [plain, full, draft]


def test_need_rows_equal_the_declared_fields(needs):
    admin = factories.AdminFactory()
    for need in needs:
        one = need_get(user=admin, need_id=need.pk)
        assert NeedOutputSerializer(one).data == _declared(NeedOutputSerializer, one)


def test_need_list_rows_equal_the_detail_rows(needs):
    admin = factories.AdminFactory()
    rows = need_list_with_json(user=admin).values(*NeedOutputSerializer.LIST_COLUMNS)
    page = NeedListCreateView().paginate_rows(list(rows))
    listed = {row["id"]: row for row in _as_sent(NeedOutputSerializer(page, many=True).data)}
    for need in needs:
        detail = NeedOutputSerializer(need_get(user=admin, need_id=need.pk)).data
        assert listed[need.pk] == _as_sent(detail)
        one_query = need_get_with_skills(user=admin, need_id=need.pk)
        assert NeedOutputSerializer(one_query).data == detail
    assert listed[needs[1].pk]["skills"][0]["required"] is True
    assert listed[needs[1].pk]["languages"] == ["sv", "fi"]
    assert listed[needs[2].pk]["skills"] == []


def test_need_rows_keep_the_fields_of_the_schema(needs):
    row = NeedOutputSerializer(needs[0]).data
    assert list(row) == list(NeedOutputSerializer.Meta.fields)


@pytest.fixture
def specialists(db):
    skills = factories.SkillFactory.create_batch(2)
    plain = factories.SpecialistFactory(summary="", region="", languages=[])
    full = factories.SpecialistFactory(
        clearance=Clearance.SK1,
        clearance_expires=dt.date(2028, 6, 30),
        phone="070-123 45 67",
        shareable=False,
        max_share_percent=40,
    )
    for level, skill in enumerate(skills, start=2):
        factories.SpecialistSkillFactory(specialist=full, skill=skill, level=level)
    return [plain, full]


@pytest.mark.parametrize("role", ["admin", "manager_of_full", "stranger"])
def test_specialist_rows_equal_the_declared_fields(specialists, role):
    user = {
        "admin": factories.AdminFactory,
        "manager_of_full": lambda: factories.ManagerFactory(agency=specialists[1].agency),
        "stranger": factories.ManagerFactory,
    }[role]()
    visible = list(specialist_list(user=user))
    assert visible
    for specialist in visible:
        one = specialist_get(user=user, specialist_id=specialist.pk)
        assert SpecialistOutputSerializer(one).data == _declared(SpecialistOutputSerializer, one)


def _specialist_page(user, **filters) -> list[dict]:
    rows = specialist_list_with_json(user=user).filter(**filters)
    page = SpecialistListCreateView().paginate_rows(
        list(rows.values(*SpecialistOutputSerializer.LIST_COLUMNS))
    )
    return _as_sent(SpecialistOutputSerializer(page, many=True).data)


def test_specialist_list_rows_equal_the_detail_rows_and_hide_contacts(specialists):
    stranger = factories.ManagerFactory()
    rows = _specialist_page(stranger)
    assert {row["id"] for row in rows} == {s.pk for s in specialists if s.shareable}
    for row in rows:
        detail = SpecialistOutputSerializer(specialist_get(user=stranger, specialist_id=row["id"]))
        assert row == _as_sent(detail.data)
        assert row["email"] is None and row["phone"] is None


def test_own_manager_sees_contacts_in_list_rows(specialists):
    full = specialists[1]
    manager = factories.ManagerFactory(agency=full.agency)
    (row,) = _specialist_page(manager, pk=full.pk)
    assert row["email"] == full.user.email
    assert row["phone"] == "070-123 45 67"
    assert row["skills"] == [
        {"skill": level.skill_id, "level": level.level}
        for level in full.skill_levels.order_by("skill_id")
    ]
    assert row["languages"] == full.languages
    assert _specialist_page(manager, pk=specialists[0].pk)[0]["skills"] == []
