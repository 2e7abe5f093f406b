"""Reports after real work: engagements completed and needs closed unfilled through the
API, then a coordinator and one agency's manager, in Swedish and in English, read the
summary, the register of unmet demand and the savings ledger on the web and through the
API, and download the CSV and the PDF.

Dates come from today (any weekday): the needs start today, the work is completed now
(completion is possible from an engagement's first day; today becomes its last day),
and the report is this calendar year's (the default period).
"""

import csv
import io
import shutil
import subprocess
from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from marketplace.models import SkillCategory
from tests import factories

API = "/api/v1/"


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user=user)
    return client


def web(user, language: str) -> Client:
    user.language = language
    user.save(update_fields=["language"])
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = language
    return client


def ok(response, status=200):
    assert response.status_code == status, response.content[:400]
    return response.json() if response["Content-Type"].startswith("application/json") else None


class Network:
    """Two agencies: Borrower asks, Lender lends its cloud architect."""

    def __init__(self) -> None:
        self.cloud = factories.SkillFactory(name="Scenario cloud", category=SkillCategory.CLOUD)
        self.borrower = factories.AgencyFactory(name="Borrowing Agency", slug="borrowing")
        self.lender = factories.AgencyFactory(name="Lending Agency", slug="lending")
        self.coordinator = factories.CoordinatorFactory()
        self.borrower_manager = factories.ManagerFactory(agency=self.borrower)
        self.lender_manager = factories.ManagerFactory(agency=self.lender)
        self.specialist = factories.SpecialistFactory(agency=self.lender)
        factories.SpecialistSkillFactory(specialist=self.specialist, skill=self.cloud, level=4)
        factories.AvailabilityFactory(
            specialist=self.specialist,
            start=timezone.localdate(),
            end=timezone.localdate() + timezone.timedelta(days=200),
            capacity_percent=100,
        )

    def need(self, manager, title: str) -> int:
        today = timezone.localdate()
        body = ok(
            api(manager).post(
                f"{API}needs/",
                {
                    "title": title,
                    "start": today.isoformat(),
                    "end": (today + timezone.timedelta(days=90)).isoformat(),
                    "capacity_percent": 40,
                    "skills": [{"skill": self.cloud.pk, "min_level": 3, "required": True}],
                },
            ),
            201,
        )
        ok(api(manager).post(f"{API}needs/{body['id']}/publish/"))
        return body["id"]

    def approved_match(self, need: int) -> int:
        """The borrowing manager nominates the specialist and the coordinator approves."""
        match = ok(
            api(self.borrower_manager).post(
                f"{API}matches/", {"need": need, "specialist": self.specialist.pk}
            ),
            201,
        )["id"]
        ok(api(self.coordinator).post(f"{API}matches/{match}/approve/"))
        return match

    def accepted_match(self, need: int) -> int:
        """... and the specialist consents and their manager releases them."""
        match = self.approved_match(need)
        ok(api(self.specialist.user).post(f"{API}matches/{match}/accept/"))
        ok(api(self.lender_manager).post(f"{API}matches/{match}/accept/"))
        return match

    def engagement(self, title: str, hours: str) -> int:
        match = self.accepted_match(self.need(self.borrower_manager, title))
        response = api(self.borrower_manager).post(
            f"{API}matches/{match}/complete/", {"hours": hours, "rating": 5}
        )
        assert response.status_code in (200, 201), response.content[:400]
        return match

    def unfilled(self, manager, title: str, reason: str) -> int:
        need = self.need(manager, title)
        ok(api(manager).post(f"{API}needs/{need}/close/", {"reason": reason}))
        return need


@pytest.fixture
def network(db):
    world = Network()
    world.engagement("Cloud migration", "120")
    world.engagement("Landing zone review", "40.5")
    world.unfilled(world.borrower_manager, "Security architecture", "no_candidate")
    world.unfilled(world.lender_manager, "Data platform", "none_accepted")
    return world


def expected_saving(hours: str) -> Decimal:
    rate = settings.REPORTS_CONSULTANT_HOURLY_RATES.get(
        "cloud", settings.REPORTS_DEFAULT_CONSULTANT_HOURLY_RATE
    )
    return Decimal(hours) * (Decimal(rate) - Decimal(settings.REPORTS_INTERNAL_HOURLY_RATE))


def parse_csv(response) -> list[list[str]]:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


@pytest.mark.parametrize("language", ["sv", "en"])
@pytest.mark.parametrize("reader", ["coordinator", "borrower_manager"])
def test_reader_sees_their_figures_register_and_ledger_and_downloads_them(
    network, reader, language, tmp_path
):
    user = getattr(network, reader)
    saving = expected_saving("120") + expected_saving("40.5")
    client = api(user)
    client.credentials(HTTP_ACCEPT_LANGUAGE=language)

    # The summary through the API.
    summary = ok(client.get(f"{API}reports/summary/"))
    assert summary["network"]["engagements"] == 2
    assert summary["network"]["hours"] == 160.5
    assert summary["network"]["cost_avoided"] == int(saving)
    assert summary["network"]["needs_final"] == 4 and summary["network"]["needs_filled"] == 2
    if reader == "borrower_manager":
        assert summary["agency"]["slug"] == "borrowing"
        assert summary["agency_figures"]["cost_avoided"] == int(saving)
        assert [row["slug"] for row in summary["agencies"]] == ["borrowing"]
    else:
        assert {row["slug"] for row in summary["agencies"]} >= {"borrowing", "lending"}

    # The register: the coordinator sees both agencies' unfilled needs, the manager theirs.
    register = ok(client.get(f"{API}reports/unmet-needs/"))
    titles = {row["title"]: row for row in register["results"]}
    if reader == "coordinator":
        assert set(titles) == {"Security architecture", "Data platform"}
        assert titles["Data platform"]["reason"] == "none_accepted"
    else:
        assert set(titles) == {"Security architecture"}
    assert titles["Security architecture"]["reason"] == "no_candidate"
    assert titles["Security architecture"]["skills"][0]["skill"] == "Scenario cloud"

    # The ledger: both engagements were borrowed by Borrowing Agency.
    ledger = ok(client.get(f"{API}reports/savings-ledger/"))
    assert {row["need_title"] for row in ledger["results"]} == {
        "Cloud migration",
        "Landing zone review",
    }
    assert sum(Decimal(str(row["amount"])) for row in ledger["results"]) == saving
    assert ledger["totals"]["cost_avoided"] == int(saving)

    # CSV downloads.
    rows = parse_csv(client.get(f"{API}reports/savings-ledger/", {"format": "csv"}))
    assert len(rows) == 3
    rows = parse_csv(client.get(f"{API}reports/unmet-needs/", {"format": "csv"}))
    assert len(rows) == (3 if reader == "coordinator" else 2)
    rows = parse_csv(client.get(f"{API}reports/summary/", {"format": "csv"}))
    assert any("160.5" in row for row in rows)

    # The web pages, in the reader's language.
    browser = web(user, language)
    page = browser.get("/reports/").content.decode()
    cost = f"{int(saving):,}".replace(",", "\xa0" if language == "sv" else ",")
    assert cost in page
    assert ("Hela nätverket" if language == "sv" else "The whole network") in page
    register_page = browser.get("/reports/unmet-needs/").content.decode()
    assert "Security architecture" in register_page
    assert ("Data platform" in register_page) == (reader == "coordinator")
    ledger_page = browser.get("/reports/savings-ledger/").content.decode()
    assert "Cloud migration" in ledger_page and "Landing zone review" in ledger_page

    # The PDF of the report, with its key figures in its text.
    response = browser.get("/reports/pdf/")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    if shutil.which("pdftotext"):
        path = tmp_path / "report.pdf"
        path.write_bytes(response.content)
        text = subprocess.run(
            ["pdftotext", str(path), "-"], capture_output=True, check=True, text=True
        ).stdout
        text = " ".join(text.replace("\xa0", " ").replace("\u202f", " ").split())
        assert cost.replace("\xa0", " ") in text
        assert ("160,5" if language == "sv" else "160.5") in text


def test_a_manager_of_the_lending_agency_sees_no_savings_of_its_own(network):
    client = api(network.lender_manager)
    ledger = ok(client.get(f"{API}reports/savings-ledger/"))
    assert ledger["count"] == 0
    summary = ok(client.get(f"{API}reports/summary/"))
    assert summary["agency_figures"]["engagements"] == 2  # it lent both
    assert summary["agency_figures"]["cost_avoided"] == 0
    response = client.get(f"{API}reports/savings-ledger/", {"agency": "borrowing"})
    assert response.status_code == 403


def test_the_facts_the_services_kept_equal_a_rebuild_from_the_source_rows(network):
    """After completions, closes, a withdrawn accepted match and a decline, all through the
    API, the tallies equal what a rebuild computes from needs, matches and engagements."""
    from marketplace.reports.facts import report_facts_rebuild
    from tests.marketplace.reports.test_facts import tally_rows

    world = network
    withdrawn = world.accepted_match(world.need(world.borrower_manager, "Withdrawn"))
    ok(api(world.borrower_manager).post(f"{API}matches/{withdrawn}/cancel/"))
    declined = world.approved_match(world.need(world.borrower_manager, "Declined"))
    ok(api(world.specialist.user).post(f"{API}matches/{declined}/decline/", {"reason": "workload"}))
    kept = tally_rows()
    assert kept["ReportMatchFact"] and kept["ReportNeedFact"] and kept["ReportEngagementFact"]
    report_facts_rebuild()
    assert tally_rows() == kept
