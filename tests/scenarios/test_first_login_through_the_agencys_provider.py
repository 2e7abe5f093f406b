"""A new employee logs in through their agency's identity provider for the first time.

In Debian's Chromium, in Swedish and in English: the login page offers the agency's own
login as soon as the work email is typed (htmx), the provider (django-oauth-toolkit's
OpenID Connect provider, started by the tests) asks for the password, and the person lands
on their dashboard as a specialist of the agency. Every page of the product on the way
passes axe-core's WCAG 2.1 AA checks.
"""

import pytest
from playwright.sync_api import expect

from accounts.models import Role, User
from tests import factories
from tests.accounts.sso.fixtures import oidc_provider_for
from tests.web.browser.test_story import assert_accessible

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "idp-lösenord-4711"
TEXT = {
    "sv": {
        "button": "Logga in med Skatteverkets inloggning",
        "welcome": "Välkommen, Ny Anställd",
        "role": "Specialist – Skatteverket",
        "no_profile": "Du har ingen specialistprofil ännu",
    },
    "en": {
        "button": "Log in with Skatteverkets inloggning",
        "welcome": "Welcome, Ny Anställd",
        "role": "Specialist – Skatteverket",
        "no_profile": "You have no specialist profile yet",
    },
}


@pytest.mark.parametrize("language", ["sv", "en"])
def test_new_employee_lands_as_a_specialist_of_their_agency(
    browser, live_server, oidc_idp, language
):
    agency = factories.AgencyFactory(name="Skatteverket", slug=f"skatteverket-{language}")
    oidc_provider_for(
        agency,
        oidc_idp,
        domains=(f"{language}.skatteverket.se",),
        display_name="Skatteverkets inloggning",
        jit_provisioning=True,
        redirect_uri=f"{live_server.url}/sso/oidc/callback/",
    )
    email = f"ny.anstalld@{language}.skatteverket.se"
    oidc_idp.add_user(email=email, password=PASSWORD, name="Ny Anställd")
    context = browser.new_context(base_url=live_server.url, locale="sv-SE")
    page = context.new_page()

    page.goto("/login/")
    if language == "en":
        with page.expect_navigation():
            page.click("header .lang-switch button")
    assert page.locator("html").get_attribute("lang") == language
    assert_accessible(page)
    page.fill("#id_username", email)
    button = page.get_by_role("link", name=TEXT[language]["button"])
    expect(button).to_be_visible()
    assert_accessible(page)
    with page.expect_navigation():
        button.click()

    assert page.url.startswith(oidc_idp.base_url)  # the agency's own login page
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation(url=f"{live_server.url}/"):
        page.click("button")

    expect(page.locator("h1")).to_have_text(TEXT[language]["welcome"])
    expect(page.locator("main")).to_contain_text(TEXT[language]["role"])
    expect(page.locator("main")).to_contain_text(TEXT[language]["no_profile"])
    assert_accessible(page)
    user = User.objects.get(email=email)
    assert (user.role, user.agency, user.language) == (Role.SPECIALIST, agency, language)
    context.close()
