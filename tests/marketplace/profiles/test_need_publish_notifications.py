import pytest

from notifications.models import Notification, NotificationPreference
from tests import factories


@pytest.fixture
def need(world):
    need = factories.DraftNeedFactory(agency=world.own, clearance_required=1)
    factories.NeedSkillFactory(need=need, skill=factories.SkillFactory(), min_level=3)
    return need


def _specialist(agency, need, *, level=3, clearance=1, shareable=True, opted_in=True):
    specialist = factories.SpecialistFactory(
        agency=agency, clearance=clearance, shareable=shareable
    )
    requirement = need.skill_requirements.get()
    factories.SpecialistSkillFactory(specialist=specialist, skill=requirement.skill, level=level)
    if opted_in:
        NotificationPreference.objects.create(
            user=specialist.user, kind="need_published_fit", in_app=True, email=False
        )
    return specialist


def _told(specialist) -> bool:
    return Notification.objects.filter(
        recipient=specialist.user, kind="need_published_fit"
    ).exists()


def test_publish_tells_opted_in_specialists_who_fit(world, as_role, need):
    fits = _specialist(world.other, need)

    assert as_role("manager_own").post(f"/api/v1/needs/{need.pk}/publish/").status_code == 200
    assert _told(fits)


@pytest.mark.parametrize(
    "kwargs",
    [{"level": 2}, {"clearance": 0}, {"shareable": False}, {"opted_in": False}],
    ids=["level too low", "clearance too low", "not shareable", "not opted in"],
)
def test_publish_does_not_tell_specialists_who_do_not_fit_or_opted_out(
    world, as_role, need, kwargs
):
    other = _specialist(world.other, need, **kwargs)

    as_role("manager_own").post(f"/api/v1/needs/{need.pk}/publish/")

    assert not _told(other)


def test_publish_tells_own_agency_only_when_the_need_allows_it(world, as_role, need):
    colleague = _specialist(world.own, need)

    as_role("manager_own").post(f"/api/v1/needs/{need.pk}/publish/")

    assert not _told(colleague)


def test_publish_tells_own_agency_when_allowed(world, as_role, need):
    need.allow_own_agency = True
    need.save()
    colleague = _specialist(world.own, need)

    as_role("manager_own").post(f"/api/v1/needs/{need.pk}/publish/")

    assert _told(colleague)
