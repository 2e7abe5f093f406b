"""The print view, the PDF made of it (read back with pdftotext), and the register and
ledger pages, in Swedish and English."""

import shutil
import subprocess

import pytest
from django.test import Client

from tests import factories
from tests.marketplace.reports.conftest import completed, make_need

pytestmark = pytest.mark.urls("tests.marketplace.reports.urls")

YEAR = {"from": "2027-01-01", "to": "2027-12-31"}
LONG_NAME = "Myndigheten för samhällsskydd och beredskap i Västra Götalands län"


@pytest.fixture
def shared(agencies, cloud):
    lender, borrower, _ = agencies
    borrower.name = LONG_NAME
    borrower.save()
    completed(
        make_need(borrower, skills=((cloud, 3, True),)),
        factories.SpecialistFactory(agency=lender),
        hours="208",
    )
    make_need(borrower, status="closed", skills=((cloud, 4, True),))
    return agencies


def client_for(user, language):
    user.language = language
    user.save()
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = language
    return client


def pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    result = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True
    )
    return " ".join(result.stdout.replace("\u202f", " ").replace("\xa0", " ").split())


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="needs pdftotext (poppler-utils)")
@pytest.mark.parametrize(
    ("language", "fte", "cost", "heading"),
    [("sv", "0,13", "124 800", "Hela nätverket"), ("en", "0.13", "124,800", "The whole network")],
)
def test_the_pdf_holds_the_key_figures_in_the_readers_language(
    coordinator, shared, tmp_path, language, fte, cost, heading
):
    response = client_for(coordinator, language).get("/reports/pdf/", YEAR)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = pdf_text(response.content, tmp_path)
    assert heading in text
    assert fte in text  # 208 h / 1,600 h a year
    assert cost in text  # 208 h × (1,450 − 850) kr
    assert "A Lender" in text
    assert "Västra Götalands län" in text  # the long name is wrapped, not cut


def test_the_print_view_is_the_pdfs_document_with_linked_print_stylesheet(coordinator, shared):
    html = client_for(coordinator, "en").get("/reports/print/", YEAR).content.decode()
    assert '<link rel="stylesheet" href="/static/css/reports.css">' in html
    assert "<style" not in html and " style=" not in html  # the site's CSP allows neither
    assert "Download as PDF" in html and "/reports/pdf/?" in html
    assert html.count('role="img"') == 3


def test_each_section_says_whose_figures_it_shows(shared):
    manager = factories.ManagerFactory(agency=shared[0])
    html = client_for(manager, "en").get("/reports/", YEAR).content.decode()
    assert "Whose figures: the whole network (every agency)." in html
    assert "Whose figures: A Lender only." in html
    assert "Whose figures: A Lender only (what it borrowed)." in html


@pytest.mark.parametrize(("language", "text"), [("sv", "0,13"), ("en", "0.13")])
def test_the_page_writes_numbers_in_the_readers_locale_charts_included(
    coordinator, shared, language, text
):
    html = client_for(coordinator, language).get("/reports/", YEAR).content.decode()
    assert f">{text}</text>" in html  # a chart's value label
    assert f"{text} " in html or f">{text}<" in html


@pytest.mark.parametrize(
    ("language", "title"), [("sv", "Ej tillgodosedd efterfrågan"), ("en", "Unmet demand")]
)
def test_register_page_lists_the_closed_need(coordinator, shared, language, title):
    response = client_for(coordinator, language).get("/reports/unmet-needs/", YEAR)
    html = response.content.decode()
    assert response.status_code == 200
    assert title in html and LONG_NAME in html and "Reports cloud ≥4" in html
    assert "format=csv" in html


@pytest.mark.parametrize(("language", "amount"), [("sv", "124 800,00"), ("en", "124,800.00")])
def test_ledger_page_shows_each_engagements_amount(coordinator, shared, language, amount):
    html = client_for(coordinator, language).get("/reports/savings-ledger/", YEAR).content.decode()
    assert amount in html.replace("\xa0", " ")


@pytest.mark.parametrize("path", ["/reports/print/", "/reports/pdf/", "/reports/unmet-needs/"])
def test_a_manager_may_not_open_another_agencys_documents(shared, path):
    manager = factories.ManagerFactory(agency=shared[0])
    response = client_for(manager, "en").get(path, {**YEAR, "agency": "borrower"})
    assert response.status_code == 403


@pytest.mark.parametrize("path", ["/reports/", "/reports/pdf/", "/reports/savings-ledger/"])
def test_far_future_dates_answer_400_not_500(coordinator, agencies, path):
    response = client_for(coordinator, "en").get(path, {"from": "9999-01-01", "to": "9999-12-31"})
    assert response.status_code == 400


def test_the_api_answers_format_pdf_with_the_same_document(coordinator, shared, tmp_path):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(user=coordinator)
    response = client.get("/api/v1/reports/summary/", {**YEAR, "format": "pdf"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    if shutil.which("pdftotext"):
        assert "A Lender" in pdf_text(response.content, tmp_path)
