"""Long unbroken words (a pasted URL, an identifier) wrap on every page instead of pushing
it wider than the window, in a real browser in a tablet-sized window."""

import pytest
from django.utils import timezone

from marketplace.models import MatchStatus
from marketplace.services.specialist_index import matching_index_invalidate
from notifications.models import Notification
from tests import factories

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

WORD = "Upphandlingsdokumentationsgranskningsprocessen" * 3  # 138 characters, no break


def test_long_unbroken_words_wrap_on_every_page(browser, live_server):
    agency = factories.AgencyFactory(name=f"Myndigheten{WORD[:60]}")
    manager = factories.ManagerFactory(agency=agency, name=f"Chef{WORD[:50]}")
    skill = factories.SkillFactory(name=f"Kompetens{WORD[:80]}")
    specialist = factories.SpecialistFactory(
        title=f"Specialist{WORD}", summary=f"Sammanfattning {WORD}", user__name=f"Anna{WORD}"
    )
    factories.SpecialistSkillFactory(specialist=specialist, skill=skill, level=4)
    factories.AvailabilityFactory(specialist=specialist, capacity_percent=50)
    need = factories.NeedFactory(agency=agency, title=f"Behov{WORD}", description=WORD)
    factories.NeedSkillFactory(need=need, skill=skill, min_level=3)
    match = factories.MatchFactory(
        need=need, specialist=specialist, status=MatchStatus.PROPOSED, decline_comment=WORD
    )
    Notification.objects.create(
        recipient=manager,
        kind="match_proposed",
        title=f"Titel{WORD}",
        body=WORD,
        link="/",
        in_app_at=timezone.now(),
    )
    matching_index_invalidate()

    context = browser.new_context(
        base_url=live_server.url, locale="sv-SE", viewport={"width": 768, "height": 900}
    )
    page = context.new_page()
    page.goto("/login/")
    page.fill("#id_username", manager.email)
    page.fill("#id_password", "correct-horse-battery")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    for path in (
        "/",
        "/needs/",
        f"/needs/{need.pk}/",
        f"/needs/{need.pk}/edit/",
        "/specialists/",
        f"/specialists/{specialist.pk}/",
        f"/matches/{match.pk}/",
        "/notifications/",
    ):
        page.goto(path)
        widths = page.evaluate(
            "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        # The first few elements that reach past the window, to say what is too wide.
        wide = page.evaluate(
            """() => {
              const edge = document.documentElement.clientWidth;
              return [...document.querySelectorAll('body *')]
                .filter(el => el.getBoundingClientRect().right > edge)
                .slice(0, 5).map(el => `${el.tagName}.${el.className}`);
            }"""
        )
        assert widths[0] <= widths[1], (
            f"{path} is {widths[0]}px wide in a {widths[1]}px window {wide}"
        )
    context.close()
