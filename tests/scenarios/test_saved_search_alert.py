"""A specialist's saved needs-board search tells her when another agency publishes a need
that fits, through a real Celery worker on Redis and a real SMTP server.

Anna at Skatteverket saves a search of the board on the web (in English): data platform
needs. Trafikverket's manager publishes needs through the API. Each need that fits reaches
Anna once, in the app and by email; a change to a need already told, and a need that does
not fit, tell her nothing.
"""

import pytest
from django.test import Client

from marketplace.models import SavedSearch, SavedSearchHit
from notifications.models import Notification
from tests import factories
from tests.notifications.conftest import wait_for

pytestmark = [pytest.mark.redis, pytest.mark.postgres]

KIND = "saved_search_match"


def _publish(client, *, title: str, skill) -> int:
    need = client.post(
        "/api/v1/needs/",
        {
            "title": title,
            "description": f"Behovet gäller: {title}.",
            "start": factories.future(33).isoformat(),
            "end": factories.future(151).isoformat(),
            "capacity_percent": 40,
            "skills": [{"skill": skill.pk, "min_level": 3, "required": True}],
        },
    )
    assert need.status_code == 201, need.json()
    assert client.post(f"/api/v1/needs/{need.json()['id']}/publish/").status_code == 200
    return need.json()["id"]


def test_specialists_saved_search_alerts_her_once_per_fitting_need(
    live_worker, smtp_server, client_for
):
    skill = factories.SkillFactory(name="Plattformsdrift")  # no "data" (skill names are searched)
    anna = factories.SpecialistFactory(
        agency=factories.AgencyFactory(name="Skatteverket"),
        user__name="Anna Berg",
        user__email="anna.berg@skatteverket.se",
        user__language="en",
    ).user
    trafikverket = factories.AgencyFactory(name="Trafikverket")
    manager = client_for(factories.ManagerFactory(agency=trafikverket))
    already_open = _publish(manager, title="Datalager för väder", skill=skill)

    web = Client()
    web.force_login(anna)
    web.cookies["django_language"] = "en"
    board = web.get("/needs/", {"skill": skill.pk, "q": "data"}).content.decode()
    save_link = board.split('<p class="save-search"><a href="')[1].split('"')[0]
    form = web.get(save_link.replace("&amp;", "&"))
    assert form.status_code == 200
    saved = web.post(
        "/saved-searches/new/",
        {"kind": "needs_board", "name": "Data", "skill": skill.pk, "q": "data"},
        follow=True,
    )
    assert "The search is saved." in saved.content.decode()
    search = SavedSearch.objects.get(owner=anna)
    # What was open already when she saved it is no news to her.
    assert wait_for(lambda: SavedSearchHit.objects.filter(search=search).exists())
    assert SavedSearchHit.objects.get(search=search).item_id == already_open

    first = _publish(manager, title="Dataplattform för trafikdata", skill=skill)
    assert wait_for(lambda: Notification.objects.filter(recipient=anna, kind=KIND).count() == 1)
    second = _publish(manager, title="Datadelning mellan myndigheter", skill=skill)
    _publish(manager, title="Molnmigrering", skill=skill)  # no "data" in it
    response = manager.patch(f"/api/v1/needs/{first}/", {"description": "Uppdaterad."})
    assert response.status_code == 200
    assert wait_for(lambda: Notification.objects.filter(recipient=anna, kind=KIND).count() == 2)
    assert not wait_for(
        lambda: Notification.objects.filter(recipient=anna, kind=KIND).count() > 2, timeout=3
    )

    told = Notification.objects.filter(recipient=anna, kind=KIND).order_by("pk")
    assert [n.context["need_id"] for n in told] == [first, second]
    assert wait_for(lambda: len(smtp_server.messages) == 2)
    assert any(b"Dataplattform" in message for message in smtp_server.messages)
    inbox = web.get("/notifications/").content.decode()
    assert "New fit for your search “Data”: Dataplattform för trafikdata (Trafikverket)" in inbox
    api = client_for(anna).get("/api/v1/notifications/").json()["results"]
    assert sum(1 for n in api if n["kind"] == KIND) == 2
