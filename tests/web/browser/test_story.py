"""The whole story in a real browser, by clicking, in both languages, checked with axe-core.

A manager publishes a need and nominates a specialist from its shortlist, a coordinator
approves the proposal, the specialist accepts and their home manager releases them; each
of them sees the notification on the way. Every page visited is checked for WCAG 2.1 A
and AA violations, and the main pages are walked with the keyboard alone.
"""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from marketplace.models import Match, MatchStatus, Need, NeedStatus
from marketplace.services.specialist_index import matching_index_invalidate
from tests import factories

# The live server needs committed data; the serialized rollback puts the seeded skill
# taxonomy back afterwards, so tests that run later still find it.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "correct-horse-battery"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE = Axe()

# What the pages say in each language, where the story needs to find a word.
TEXT = {
    "sv": {"logout": "Logga ut", "proposal": "förslag", "approved": "Godkänt"},
    "en": {"logout": "Log out", "proposal": "proposal", "approved": "Approved"},
}


def assert_accessible(page) -> None:
    results = AXE.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"


def assert_keyboard_reaches_everything(page) -> None:
    """Tabbing from the top focuses every visible link, button and form field on the page."""
    targets = page.evaluate(
        """() => {
          const all = [...document.querySelectorAll(
            'a[href], button, input:not([type=hidden]), select, textarea')];
          all.forEach((el, i) => el.setAttribute('data-kb', i));
          return all.filter(el => el.getClientRects().length && !el.disabled)
                    .map(el => el.dataset.kb);
        }"""
    )
    page.evaluate(
        "() => { document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0); }"
    )
    page.focus("body")
    reached: set[str] = set()
    for _ in range(len(targets) * 2 + 10):
        page.keyboard.press("Tab")
        key = page.evaluate("() => document.activeElement && document.activeElement.dataset.kb")
        if key is not None:
            reached.add(key)
        if reached.issuperset(targets):
            break
    missing = [t for t in targets if t not in reached]
    assert not missing, f"not reachable by keyboard on {page.url}: {missing}"


class Visitor:
    """One person in their own browser context (own cookies, own language)."""

    def __init__(self, browser, base_url: str, language: str) -> None:
        # The browser asks for Swedish, the product's default; English is chosen on the page.
        self.context = browser.new_context(base_url=base_url, locale="sv-SE")
        self.page = self.context.new_page()
        self.language = language

    def open(self, path: str) -> None:
        self.page.goto(path)
        assert_accessible(self.page)

    def log_in(self, email: str, device: TOTPDevice | None = None) -> None:
        """Log in with the password and, for a user with a TOTP device, its current code."""
        self.open("/login/")
        if self.page.locator("html").get_attribute("lang") != self.language:
            with self.page.expect_navigation():
                self.page.click("header .lang-switch button")
            assert_accessible(self.page)
        assert self.page.locator("html").get_attribute("lang") == self.language
        self.page.fill("#id_username", email)
        self.page.fill("#id_password", PASSWORD)
        with self.page.expect_navigation():
            self.page.click("main form button[type=submit]")
        if device is not None:
            # Coordinators and admins pass a second step: the code their app shows now.
            assert "/account/mfa/verify/" in self.page.url
            assert_accessible(self.page)
            self.page.fill("#id_otp", f"{totp(device.bin_key, step=device.step):06d}")
            with self.page.expect_navigation():
                self.page.click("main form button[type=submit]")
        assert TEXT[self.language]["logout"] in self.page.inner_text("header")
        assert_accessible(self.page)

    def click(self, selector: str) -> None:
        """Click something that loads a new page, and check that page."""
        with self.page.expect_navigation():
            self.page.click(selector)
        assert_accessible(self.page)

    def unread_count(self) -> int:
        return int(self.page.inner_text("#unread-count"))

    def open_newest_notification(self) -> str:
        """Go to the notifications page, check one is there, follow the newest one's link."""
        assert self.unread_count() >= 1
        self.click("#notification-link")
        first = self.page.locator(".notification").first
        title = first.locator("h2").inner_text()
        with self.page.expect_navigation():
            first.locator("h2 a").click()
        assert_accessible(self.page)
        return title

    def close(self) -> None:
        self.context.close()


@pytest.mark.parametrize("language", ["sv", "en"])
def test_story_publish_approve_accept_with_notifications(
    browser, live_server, language, screenshots_dir
):
    skill = factories.SkillFactory(name=f"Molnsäkerhet ({language})", category="security")
    borrower = factories.ManagerFactory(
        email=f"chef-{language}@lanar.se",
        name="Maria Lindqvist",
        agency__name=f"Skatteverket ({language})",
        language=language,
    )
    lender_agency = factories.AgencyFactory(name=f"Försäkringskassan ({language})")
    lender = factories.ManagerFactory(
        email=f"chef-{language}@lanarut.se",
        name="Johan Berg",
        agency=lender_agency,
        language=language,
    )
    coordinator = factories.CoordinatorFactory(
        email=f"samordnare-{language}@natverket.se", name="Amira Haddad", language=language
    )
    specialist = factories.SpecialistFactory(
        agency=lender_agency,
        user__email=f"specialist-{language}@lanarut.se",
        user__name=f"Saga Nilsson ({language})",
        title="Säkerhetsarkitekt",
        user__language=language,
    )
    factories.SpecialistSkillFactory(specialist=specialist, skill=skill, level=4)
    factories.AvailabilityFactory(specialist=specialist, capacity_percent=80)
    start, end = factories.future(30), factories.future(90)
    # Factories write around the services, which would tell the warm index; tell it here.
    matching_index_invalidate()

    # The borrowing manager drafts and publishes a need, then nominates from the shortlist.
    manager = Visitor(browser, live_server.url, language)
    manager.log_in(borrower.email)
    assert_keyboard_reaches_everything(manager.page)
    manager.click("main a[href='/needs/new/']")
    page = manager.page
    page.fill("#id_title", f"Säkerhetsgranskning av molntjänst ({language})")
    page.fill("#id_description", "Granskning inför upphandling.")
    page.fill("#id_start", start.isoformat())
    page.fill("#id_end", end.isoformat())
    page.fill("#id_capacity_percent", "40")
    page.select_option("#id_skills-0-skill", str(skill.pk))
    page.select_option("#id_skills-0-min_level", "3")
    manager.click("main form button[type=submit]")
    need = Need.objects.get(agency=borrower.agency)
    assert need.status == NeedStatus.DRAFT
    manager.click("form[action$='/publish/'] button")
    need.refresh_from_db()
    assert need.status == NeedStatus.OPEN
    assert specialist.user.name in page.inner_text("main"), page.inner_text("main")
    if language == "sv":
        page.screenshot(path=str(screenshots_dir / "need-detail-shortlist.png"), full_page=True)
    manager.click("form[action$='/nominate/'] button")
    match = Match.objects.get(need=need, specialist=specialist)
    assert match.status == MatchStatus.PROPOSED

    # The coordinator is told of the proposal and approves it from the queue.
    reviewer = Visitor(browser, live_server.url, language)
    reviewer.log_in(
        coordinator.email,
        device=TOTPDevice.objects.create(user=coordinator, name="Authenticator", confirmed=True),
    )
    title = reviewer.open_newest_notification()
    assert need.title in title
    reviewer.click("nav a[href='/approvals/']")
    if language == "sv":
        reviewer.page.screenshot(path=str(screenshots_dir / "approval-queue.png"), full_page=True)
    assert_keyboard_reaches_everything(reviewer.page)
    # Approve with the keyboard alone: focus the button and press Enter.
    reviewer.page.focus(f"form[action='/matches/{match.pk}/approve/'] button")
    reviewer.page.keyboard.press("Enter")
    reviewer.page.wait_for_selector(f"#match-{match.pk} [role=status]")
    assert_accessible(reviewer.page)
    match.refresh_from_db()
    assert match.status == MatchStatus.APPROVED

    # The specialist is told, opens the match from the notification and accepts.
    worker = Visitor(browser, live_server.url, language)
    worker.log_in(specialist.user.email)
    assert need.title in worker.open_newest_notification()
    assert_keyboard_reaches_everything(worker.page)
    worker.click("form[action$='/accept/'] button")
    match.refresh_from_db()
    assert match.specialist_consent_at is not None

    # The specialist's home manager is told too and gives the release: both have said yes.
    home = Visitor(browser, live_server.url, language)
    home.log_in(lender.email)
    assert need.title in home.open_newest_notification()
    home.click("form[action$='/accept/'] button")
    match.refresh_from_db()
    assert match.status == MatchStatus.ACCEPTED

    # The borrowing manager sees the approval and the acceptance among their notifications.
    manager.open("/")
    assert manager.unread_count() >= 2
    manager.click("#notification-link")
    assert manager.page.locator(".notification").count() >= 2
    assert_keyboard_reaches_everything(manager.page)
    manager.open(f"/matches/{match.pk}/")  # now with the form to complete the engagement
    assert manager.page.locator("#id_hours").count() == 1
    assert_keyboard_reaches_everything(manager.page)
    manager.click("#notification-link")
    # Marking one read updates the row and the header's count in place (htmx).
    unread = manager.unread_count()
    manager.page.click(".notification form button")
    # A locator assertion, not wait_for_function: the page's CSP forbids evaluating strings.
    expect(manager.page.locator("#unread-count")).to_have_text(str(unread - 1))
    assert_accessible(manager.page)
    if language == "sv":
        manager.open("/")
        manager.page.screenshot(path=str(screenshots_dir / "manager-dashboard.png"), full_page=True)

    for visitor in (manager, reviewer, worker, home):
        visitor.close()


@pytest.mark.parametrize("language", ["sv", "en"])
def test_every_other_page_passes_axe_and_the_keyboard_walk(browser, live_server, language):
    skill = factories.SkillFactory(name=f"Upphandlingsjuridik ({language})")
    manager_user = factories.ManagerFactory(email=f"m-{language}@a.se", language=language)
    specialist = factories.SpecialistFactory(
        user__email=f"s-{language}@b.se", summary="Jurist med inriktning på upphandling."
    )
    factories.SpecialistSkillFactory(specialist=specialist, skill=skill, level=5)
    factories.AvailabilityFactory(specialist=specialist, capacity_percent=50)
    need = factories.NeedFactory(agency=manager_user.agency)
    factories.NeedSkillFactory(need=need, skill=skill, min_level=3)
    matching_index_invalidate()

    manager = Visitor(browser, live_server.url, language)
    manager.log_in(manager_user.email)
    for path in (
        "/needs/",
        f"/needs/?status=open&skill={skill.pk}",
        "/needs/new/",
        f"/needs/{need.pk}/edit/",
        "/specialists/",
        f"/specialists/{specialist.pk}/",
        "/tillganglighet/",
        "/approvals/",  # 403 page
        "/needs/999999/",  # 404 page
    ):
        manager.open(path)
        assert_keyboard_reaches_everything(manager.page)
    # A form sent with mistakes shows its errors accessibly.
    manager.open("/needs/new/")
    manager.click("main form button[type=submit]")
    assert manager.page.locator("#error-summary").count() == 1

    worker = Visitor(browser, live_server.url, language)
    worker.log_in(specialist.user.email)
    worker.open("/profile/")
    assert_keyboard_reaches_everything(worker.page)
    manager.close()
    worker.close()
