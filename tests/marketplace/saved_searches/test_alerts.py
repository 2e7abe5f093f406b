"""A saved search tells its owner of each item that starts to fit, once, never of the rest."""

import pytest

from marketplace.models import SavedSearchHit, SavedSearchKind
from marketplace.services.availability import availability_create
from marketplace.services.needs import NeedSkillSpec, need_create, need_publish, need_update
from marketplace.services.saved_searches import saved_search_create
from marketplace.services.specialists import SkillLevel, specialist_update
from notifications.models import Channel, Delivery, DeliveryStatus, Notification
from tests import factories
from tests.notifications.conftest import prefer

pytestmark = pytest.mark.django_db

KIND = "saved_search_match"


def alerts(user) -> list[Notification]:
    return list(Notification.objects.filter(recipient=user, kind=KIND).order_by("pk"))


@pytest.fixture
def board_search(watcher, skill, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return saved_search_create(
            actor=watcher,
            kind=SavedSearchKind.NEEDS_BOARD,
            name="Data",
            criteria={"skill": str(skill.pk), "q": "data"},
        )


def test_a_published_need_that_fits_alerts_the_owner_once(watcher, board_search, publish):
    need = publish()

    [alert] = alerts(watcher)
    assert alert.link == f"/needs/{need.pk}/"
    assert alert.context["search_name"] == "Data" and alert.context["need_id"] == need.pk
    assert "Dataplattform för trafikdata" in alert.title
    assert SavedSearchHit.objects.get(search=board_search, item_id=need.pk).notified


def test_what_fitted_when_the_search_was_saved_is_no_news(
    watcher, skill, publish, django_capture_on_commit_callbacks, borrowing_manager
):
    earlier = publish("Datalager för trafiken")
    with django_capture_on_commit_callbacks(execute=True):
        saved_search_create(
            actor=watcher,
            kind=SavedSearchKind.NEEDS_BOARD,
            name="Data",
            criteria={"skill": str(skill.pk)},
        )
    with django_capture_on_commit_callbacks(execute=True):
        need_update(actor=borrowing_manager, need=earlier, fields={"description": "Mer text"})

    assert alerts(watcher) == []


def test_a_need_that_does_not_fit_gives_no_alert(watcher, board_search, publish):
    publish("Molnmigrering")  # no "data" in its title

    assert alerts(watcher) == []


def test_an_item_that_stops_and_starts_fitting_is_not_told_again(
    watcher, board_search, publish, borrowing_manager, django_capture_on_commit_callbacks
):
    need = publish()
    for title in ("Molnmigrering", "Dataplattform igen", "Molnet", "Data till sist"):
        with django_capture_on_commit_callbacks(execute=True):
            need_update(actor=borrowing_manager, need=need, fields={"title": title})

    assert len(alerts(watcher)) == 1


def test_a_change_that_makes_a_need_fit_alerts(
    watcher, board_search, publish, borrowing_manager, django_capture_on_commit_callbacks
):
    need = publish("Molnmigrering")
    with django_capture_on_commit_callbacks(execute=True):
        need_update(actor=borrowing_manager, need=need, fields={"title": "Molndata"})

    [alert] = alerts(watcher)
    assert alert.context["need_id"] == need.pk


def test_each_search_of_the_owner_tells_of_the_item_once(
    watcher, skill, board_search, publish, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        saved_search_create(
            actor=watcher,
            kind=SavedSearchKind.NEEDS_BOARD,
            name="Allt med data",
            criteria={"q": "data"},
        )

    publish()

    assert sorted(a.context["search_name"] for a in alerts(watcher)) == ["Allt med data", "Data"]


def test_the_digest_choice_holds_the_email_for_the_digest(watcher, board_search, publish):
    prefer(watcher, KIND, digest=True)

    publish()

    [alert] = alerts(watcher)
    email = Delivery.objects.get(notification=alert, channel=Channel.EMAIL)
    assert email.status == DeliveryStatus.DIGEST


def test_turning_the_kind_off_tells_nobody_but_the_item_counts_as_told(
    watcher, board_search, publish
):
    prefer(watcher, KIND, in_app=False, email=False)

    need = publish()

    assert alerts(watcher) == []
    assert SavedSearchHit.objects.filter(search=board_search, item_id=need.pk).exists()


@pytest.fixture
def directory_search(borrowing_manager, skill, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return saved_search_create(
            actor=borrowing_manager,
            kind=SavedSearchKind.DIRECTORY,
            name="Dataexperter nästa vår",
            criteria={
                "skill": str(skill.pk),
                "min_level": "4",
                "available_from": factories.future(40).isoformat(),
                "available_to": factories.future(80).isoformat(),
                "min_capacity": "50",
                "region": "AB",
            },
        )


def test_a_specialist_who_becomes_available_alerts_the_managers_search(
    borrowing_manager, skill, directory_search, django_capture_on_commit_callbacks
):
    specialist = factories.SpecialistFactory(region="AB", user__name="Kim Berg")
    factories.SpecialistSkillFactory(specialist=specialist, skill=skill, level=5)
    lender_manager = factories.ManagerFactory(agency=specialist.agency)

    with django_capture_on_commit_callbacks(execute=True):
        availability_create(
            actor=lender_manager,
            specialist=specialist,
            start=factories.future(30),
            end=factories.future(90),
            capacity_percent=60,
        )

    [alert] = alerts(borrowing_manager)
    assert alert.link == f"/specialists/{specialist.pk}/"
    assert "Kim Berg" in alert.title


def test_a_level_raised_to_fit_alerts_and_a_level_too_low_does_not(
    borrowing_manager, skill, directory_search, django_capture_on_commit_callbacks
):
    specialist = factories.SpecialistFactory(region="AB")
    factories.AvailabilityFactory(specialist=specialist, capacity_percent=60)
    factories.SpecialistSkillFactory(specialist=specialist, skill=skill, level=3)
    with django_capture_on_commit_callbacks(execute=True):
        specialist_update(
            actor=specialist.user, specialist=specialist, fields={"summary": "Ny sammanfattning"}
        )
    assert alerts(borrowing_manager) == []

    with django_capture_on_commit_callbacks(execute=True):
        specialist_update(
            actor=specialist.user,
            specialist=specialist,
            fields={},
            skills=[SkillLevel(skill_id=skill.pk, level=4)],
        )
    assert len(alerts(borrowing_manager)) == 1


def test_a_specialist_the_owner_may_not_see_never_alerts(
    borrowing_manager, skill, directory_search, django_capture_on_commit_callbacks
):
    hidden = factories.SpecialistFactory(region="AB", shareable=False)
    factories.SpecialistSkillFactory(specialist=hidden, skill=skill, level=5)
    own_manager = factories.ManagerFactory(agency=hidden.agency)

    with django_capture_on_commit_callbacks(execute=True):
        availability_create(
            actor=own_manager,
            specialist=hidden,
            start=factories.future(30),
            end=factories.future(90),
            capacity_percent=80,
        )

    assert alerts(borrowing_manager) == []


def test_the_search_is_checked_only_after_the_change_commits(
    watcher, board_search, borrowing_manager, skill, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as after_commit:
        need = need_create(
            actor=borrowing_manager,
            agency=borrowing_manager.agency,
            fields={
                "title": "Dataplattform",
                "start": factories.future(30),
                "end": factories.future(90),
                "capacity_percent": 50,
            },
            skills=[NeedSkillSpec(skill_id=skill.pk, min_level=3)],
        )
        need_publish(actor=borrowing_manager, need_id=need.pk)
        assert alerts(watcher) == []

    for callback in after_commit:
        callback()
    assert len(alerts(watcher)) == 1


def test_the_alert_is_a_kind_the_owner_chooses_channels_and_digest_for(client_for, watcher):
    client = client_for(watcher)

    assert client.get("/api/v1/notification-preferences/").json()[KIND] == {
        "in_app": True,
        "email": True,
        "digest": False,
    }
    response = client.patch("/api/v1/notification-preferences/", {KIND: {"digest": True}})
    assert response.status_code == 200 and response.json()[KIND]["digest"] is True
