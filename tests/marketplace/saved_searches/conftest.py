import pytest

from marketplace.models import NeedStatus
from marketplace.services.needs import need_create, need_publish
from tests import factories


@pytest.fixture
def skill():
    return factories.SkillFactory(name="Dataplattformar")


@pytest.fixture
def borrower():
    return factories.AgencyFactory(name="Trafikverket")


@pytest.fixture
def borrowing_manager(borrower):
    return factories.ManagerFactory(agency=borrower, email="chef@trafikverket.se")


@pytest.fixture
def watcher():
    """A specialist of another agency, watching the needs board."""
    return factories.SpecialistFactory(user__email="anna@skatteverket.se").user


@pytest.fixture
def publish(borrowing_manager, skill, django_capture_on_commit_callbacks):
    """Draft and publish a need asking for `skill`, running what waits for the commit."""

    def make(title: str = "Dataplattform för trafikdata", *, level: int = 3):
        from marketplace.services.needs import NeedSkillSpec

        with django_capture_on_commit_callbacks(execute=True):
            need = need_create(
                actor=borrowing_manager,
                agency=borrowing_manager.agency,
                fields={
                    "title": title,
                    "start": factories.future(30),
                    "end": factories.future(120),
                    "capacity_percent": 50,
                },
                skills=[NeedSkillSpec(skill_id=skill.pk, min_level=level)],
            )
            need = need_publish(actor=borrowing_manager, need_id=need.pk)
        assert need.status == NeedStatus.OPEN
        return need

    return make
