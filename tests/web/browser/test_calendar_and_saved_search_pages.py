"""The calendar page and the saved-search pages in Chromium, in both languages, with axe."""

import pytest
from playwright.sync_api import expect

from marketplace.models import SavedSearch
from tests import factories
from tests.web.browser.test_story import Visitor, assert_keyboard_reaches_everything

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

TEXT = {
    "sv": {
        "make": "Gör en kalenderlänk",
        "save_link": "Spara sökningen",
        "save": "Spara sökningen",
    },
    "en": {
        "make": "Make a calendar link",
        "save_link": "Save this search",
        "save": "Save the search",
    },
}


@pytest.mark.parametrize("language", ["sv", "en"])
def test_manager_makes_a_calendar_link_and_saves_a_directory_search(browser, live_server, language):
    skill = factories.SkillFactory(name=f"Molnsäkerhet ({language})")
    manager = factories.ManagerFactory(email=f"chef-{language}@a.se", language=language)
    visitor = Visitor(browser, live_server.url, language)
    visitor.log_in(manager.email)

    visitor.open("/account/calendar/")
    assert_keyboard_reaches_everything(visitor.page)
    visitor.click(f"main button:has-text('{TEXT[language]['make']}')")
    link = visitor.page.input_value("#calendar-link")
    assert link.startswith(f"{live_server.url}/api/v1/calendar/") and link.endswith(".ics")

    visitor.open(f"/specialists/?skill={skill.pk}&min_level=4")
    visitor.click(f"main .save-search a:has-text('{TEXT[language]['save_link']}')")
    assert_keyboard_reaches_everything(visitor.page)
    visitor.page.fill("#id_name", "Molnsäkerhet nästa vår")
    visitor.click(f"main form button:has-text('{TEXT[language]['save']}')")
    expect(visitor.page.locator("main table")).to_contain_text("Molnsäkerhet nästa vår")
    assert_keyboard_reaches_everything(visitor.page)
    search = SavedSearch.objects.get(owner=manager)
    assert search.criteria == {"skill": str(skill.pk), "min_level": "4"}
    visitor.close()
