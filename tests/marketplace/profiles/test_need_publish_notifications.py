import pytest
from django.db import transaction

from marketplace.services.fit_alerts import need_fit_alert_send
from marketplace.services.needs import need_publish
from notifications.models import Notification, NotificationPreference
from tests import factories


@pytest.fixture
def need(world):
    need = factories.DraftNeedFactory(agency=world.own, clearance_required=1)
    factories.NeedSkillFactory(need=need, skill=factories.SkillFactory(), min_level=3)
    return need


def _specialist(
    agency,
    need,
    *,
    level=3,
    clearance=1,
    clearance_expires=None,
    shareable=True,
    opted_in=True,
    capacity=50,
):
    specialist = factories.SpecialistFactory(
        agency=agency,
        clearance=clearance,
        clearance_expires=clearance_expires,
        shareable=shareable,
    )
    factories.AvailabilityFactory(specialist=specialist, capacity_percent=capacity)
    requirement = need.skill_requirements.get()
    factories.SpecialistSkillFactory(specialist=specialist, skill=requirement.skill, level=level)
    if opted_in:
        NotificationPreference.objects.create(
            user=specialist.user, kind="need_published_fit", in_app=True, email=False
        )
    return specialist


@pytest.fixture
def publish(as_role, django_capture_on_commit_callbacks):
    """The manager publishes through the API; the alert task runs after the commit."""

    def run(need):
        with django_capture_on_commit_callbacks(execute=True):
            response = as_role("manager_own").post(f"/api/v1/needs/{need.pk}/publish/")
        assert response.status_code == 200
        return response

    return run


def _told(specialist) -> bool:
    return Notification.objects.filter(
        recipient=specialist.user, kind="need_published_fit"
    ).exists()


def test_publish_tells_opted_in_specialists_who_fit(world, publish, need):
    fits = _specialist(world.other, need)

    publish(need)

    assert _told(fits)


def test_fit_alert_sent_twice_tells_each_specialist_once(world, publish, need):
    fits = _specialist(world.other, need)
    publish(need)

    assert need_fit_alert_send(need_id=need.pk) == 0
    assert Notification.objects.filter(recipient=fits.user).count() == 1


def test_fit_alert_waits_for_the_publishing_commit(world, need, django_capture_on_commit_callbacks):
    fits = _specialist(world.other, need)

    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            need_publish(actor=world.users["manager_own"], need_id=need.pk)
        assert not _told(fits)

    assert _told(fits)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"level": 2},
        {"clearance": 0},
        {"clearance_expires": factories.future(-1)},
        {"shareable": False},
        {"capacity": 30},
        {"opted_in": False},
    ],
    ids=[
        "level too low",
        "clearance too low",
        "clearance expired",
        "not shareable",
        "no capacity",
        "not opted in",
    ],
)
def test_publish_does_not_tell_specialists_who_do_not_fit_or_opted_out(
    world, publish, need, kwargs
):
    other = _specialist(world.other, need, **kwargs)

    publish(need)

    assert not _told(other)


def test_publish_tells_own_agency_only_when_the_need_allows_it(world, publish, need):
    colleague = _specialist(world.own, need)

    publish(need)

    assert not _told(colleague)


def test_publish_tells_own_agency_when_allowed(world, publish, need):
    need.allow_own_agency = True
    need.save()
    colleague = _specialist(world.own, need)

    publish(need)

    assert _told(colleague)
