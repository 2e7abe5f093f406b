"""The pages managers, coordinators and admins use every day, by clicking, in both
languages, on a 390 px phone and a 1280 px desktop, checked with axe at both widths.

Also a crawl of every page each role reaches, in each language, failing when the page
shows words of the other language (a list of the interface's own words is enough).
"""

import re

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from marketplace.models import Availability, Match, MatchStatus, Specialist
from marketplace.services.specialist_index import matching_index_invalidate
from tests import factories
from tests.web.browser.test_story import Visitor, assert_accessible

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

WIDTHS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}

# Words of the interface itself; data (names, titles) are kept free of them in these tests.
OTHER_LANGUAGE_WORDS = {
    "en": [  # Swedish words that must not show on an English page
        "Översikt",
        "Behov",
        "Logga ut",
        "Notiser",
        "Spara",
        "Godkänn",
        "Avslå",
        "Förslag",
        "Kalender",
        "Säkerhet",
        "Användare",
        "Min personal",
        "Tillgänglighet",
        "Län",
        "Sparade sökningar",
        "Myndighet",
        "finns inte",
        "Bara ",
        "förslag väntar",
    ],
    "sv": [  # English words that must not show on a Swedish page
        "Overview",
        "Needs",
        "Log out",
        "Notifications",
        "Save",
        "Approve",
        "Reject",
        "Proposals",
        "Calendar",
        "Security",
        "Users",
        "My staff",
        "Availability",
        "Region",
        "Saved searches",
        "Agency",
        "not found",
        "Only ",
        "waiting",
        "Skip to main",
    ],
}


def assert_in_one_language(page, language: str) -> None:
    text = page.inner_text("body")
    found = [w for w in OTHER_LANGUAGE_WORDS[language] if re.search(rf"(?<!\w){w}(?!\w)", text)]
    assert not found, f"{page.url} ({language}) shows {found}"


def assert_no_page_scroll(page) -> None:
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    if overflow > 0:
        wide = page.evaluate(
            """() => [...document.querySelectorAll('body *')].filter(
                el => el.getBoundingClientRect().right > document.documentElement.clientWidth)
                .slice(0, 5).map(el => el.tagName + '.' + el.className + '#' + el.id)"""
        )
        raise AssertionError(f"{page.url} scrolls sideways by {overflow}px: {wide}")


def assert_no_table_cut_off(page) -> None:
    """On a desktop every table shows whole, without scrolling inside its box."""
    cut = page.evaluate(
        """() => [...document.querySelectorAll('.table-scroll, .report-table-wrap')]
            .filter(box => box.scrollWidth > box.clientWidth + 1)
            .map(box => (box.querySelector('caption') || box).textContent.trim().slice(0, 60))"""
    )
    assert not cut, f"{page.url}: tables cut off at 1280 px: {cut}"


class SizedVisitor(Visitor):
    """A visitor whose browser asks for their language, on a screen of a given size."""

    def __init__(self, browser, base_url: str, language: str, viewport: dict) -> None:
        self.context = browser.new_context(
            base_url=base_url,
            locale="sv-SE" if language == "sv" else "en-GB",
            viewport=viewport,
        )
        self.page = self.context.new_page()
        self.language = language

    def open(self, path: str) -> None:
        super().open(path)
        self.check()

    def click(self, selector: str) -> None:
        super().click(selector)
        self.check()

    def check(self) -> None:
        assert_no_page_scroll(self.page)
        assert_in_one_language(self.page, self.language)
        if self.page.viewport_size["width"] >= 1280:
            assert_no_table_cut_off(self.page)


def _world(language: str):
    home = factories.AgencyFactory(name=f"Lantmäteriet {language}")
    other = factories.AgencyFactory(name=f"Bolagsverket {language}")
    manager = factories.ManagerFactory(agency=home, email=f"chef-{language}@lm.se", name="Karin Ek")
    borrower = factories.ManagerFactory(
        agency=other, email=f"chef-{language}@bv.se", name="Olof Sund"
    )
    staff = factories.SpecialistFactory(
        agency=home,
        user__name="Sara Holm",
        user__email=f"sara-{language}@lm.se",
        title="Arkitekt",
        summary="",
        languages=["sv", "ar"],
        region="",
    )
    factories.AvailabilityFactory(specialist=staff, capacity_percent=100)
    needs = [
        factories.NeedFactory(agency=other, title=f"Granskning {n}", description="Underlag.")
        for n in range(2)
    ]
    proposals = [factories.MatchFactory(need=need, specialist=staff) for need in needs]
    coordinator = factories.CoordinatorFactory(
        email=f"samordnare-{language}@nat.se", name="Ali Berg"
    )
    admin = factories.AdminFactory(email=f"admin-{language}@nat.se", name="Eva Admin")
    matching_index_invalidate()
    return manager, borrower, staff, needs, proposals, coordinator, admin


@pytest.mark.parametrize("width", ["phone", "desktop"])
@pytest.mark.parametrize("language", ["sv", "en"])
def test_manager_and_coordinator_pages_by_clicking(
    browser, live_server, language, width, screenshots_dir
):
    manager, borrower, staff, needs, proposals, coordinator, _admin = _world(language)
    shoot = language == "sv" and width == "desktop"

    # The lending manager: my staff, one specialist's lending and availability.
    lender = SizedVisitor(browser, live_server.url, language, WIDTHS[width])
    lender.log_in(manager.email)
    assert User.objects.get(pk=manager.pk).language == language  # the browser's, saved
    lender.click("nav a[href='/staff/']")
    if shoot:
        lender.page.screenshot(path=str(screenshots_dir / "my-staff.png"), full_page=True)
    lender.click(f"#staff-{staff.pk} a")
    page = lender.page
    page.check("#id_shareable")
    page.fill("#id_max_share_percent", "40")
    page.select_option("#id_clearance", "2")
    page.fill("#id_clearance_expires", factories.future(300).isoformat())
    lender.click("main form.stacked button[type=submit]")
    staff.refresh_from_db()
    assert (staff.shareable, staff.max_share_percent, staff.clearance) == (True, 40, 2)
    page.fill("#id_start", factories.future(400).isoformat())
    page.fill("#id_end", factories.future(430).isoformat())
    page.fill("#id_capacity_percent", "20")
    lender.click("form[action$='/availability/'] button[type=submit]")
    assert Availability.objects.filter(specialist=staff, capacity_percent=20).exists()
    if shoot:
        page.screenshot(path=str(screenshots_dir / "staff-member.png"), full_page=True)

    # Users: invite a specialist to the own agency.
    lender.click("nav a[href='/users/']")
    page.fill("#id_email", f"Ny.Person-{language}@LM.se")
    page.fill("#id_name", "Ny Person")
    lender.click("main form.stacked button[type=submit]")
    assert User.objects.filter(email=f"ny.person-{language}@lm.se").exists()
    if shoot:
        page.screenshot(path=str(screenshots_dir / "users.png"), full_page=True)

    # The borrowing manager asks why a specialist is not a candidate for their need.
    asker = SizedVisitor(browser, live_server.url, language, WIDTHS[width])
    asker.log_in(borrower.email)
    asker.open(f"/needs/{needs[0].pk}/")
    asker.page.fill("#why-name", "sara")
    asker.click("#why-not form button")
    assert "Sara Holm" in asker.page.inner_text("#why-not")
    if shoot:
        asker.page.screenshot(path=str(screenshots_dir / "why-not.png"), full_page=True)

    # The coordinator approves both proposals at once; each row says what became of it.
    reviewer = SizedVisitor(browser, live_server.url, language, WIDTHS[width])
    reviewer.log_in(
        coordinator.email,
        device=TOTPDevice.objects.create(user=coordinator, name="App", confirmed=True),
    )
    reviewer.click("nav a[href='/approvals/']")
    for proposal in proposals:
        reviewer.page.check(f"#select-{proposal.pk}")
    reviewer.click("#bulk-form button[value=approve]")
    statuses = set(
        Match.objects.filter(pk__in=[p.pk for p in proposals]).values_list("status", flat=True)
    )
    # 40 % share, 40 % asked: the first fits and the second finds no capacity left.
    assert MatchStatus.APPROVED in statuses
    for proposal in proposals:
        assert reviewer.page.locator(f"#result-{proposal.pk}").count() == 1
    if shoot:
        reviewer.page.screenshot(path=str(screenshots_dir / "bulk-approval.png"), full_page=True)

    for visitor in (lender, asker, reviewer):
        visitor.close()


@pytest.mark.parametrize("language", ["sv", "en"])
def test_every_page_of_every_role_speaks_one_language(browser, live_server, language):
    manager, borrower, staff, needs, proposals, coordinator, admin = _world(language)
    Specialist.objects.filter(pk=staff.pk).update(shareable=True)
    pages = {
        "specialist": (
            staff.user,
            None,
            [
                "/",
                "/profile/",
                "/needs/",
                "/notifications/",
                "/account/calendar/",
                "/saved-searches/",
                "/account/security/",
                "/tillganglighet/",
            ],
        ),
        "manager": (
            borrower,
            None,
            [
                "/",
                "/needs/",
                "/needs/new/",
                f"/needs/{needs[0].pk}/",
                f"/needs/{needs[0].pk}/?why=sara",
                "/specialists/",
                f"/specialists/{staff.pk}/",
                "/users/",
                "/staff/",
                f"/matches/{proposals[0].pk}/",
                "/reports/",
                "/needs/999999/",
                "/approvals/",
            ],
        ),
        "lender": (
            manager,
            None,
            ["/staff/", f"/staff/{staff.pk}/", "/users/", f"/users/{staff.user_id}/"],
        ),
        "coordinator": (
            coordinator,
            True,
            [
                "/",
                "/approvals/",
                "/needs/",
                "/specialists/",
                f"/matches/{proposals[0].pk}/",
                "/reports/",
            ],
        ),
        "admin": (admin, True, ["/", "/users/", f"/users/{manager.pk}/", "/approvals/"]),
    }
    for person, needs_code, paths in pages.values():
        for width in WIDTHS.values():
            visitor = SizedVisitor(browser, live_server.url, language, width)
            device = (
                TOTPDevice.objects.get_or_create(user=person, name="App", confirmed=True)[0]
                if needs_code
                else None
            )
            visitor.log_in(person.email, device=device)
            visitor.check()
            for path in paths:
                visitor.open(path)
            visitor.close()
    assert_accessible  # noqa: B018 - every page above went through axe in Visitor.open
