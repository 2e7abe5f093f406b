"""`manage.py report_summary`: one self-contained HTML file for a period."""

import pytest
from django.core.management import CommandError, call_command

from tests import factories
from tests.marketplace.reports.conftest import completed, make_need


@pytest.fixture
def shared(agencies, cloud):
    lender, borrower, _ = agencies
    completed(
        make_need(borrower, skills=((cloud, 3, True),)),
        factories.SpecialistFactory(agency=lender),
        hours="160",
    )
    make_need(borrower, status="closed", skills=((cloud, 4, True),))
    return agencies


def test_writes_a_self_contained_html_report(shared, tmp_path):
    output = tmp_path / "report.html"
    call_command(
        "report_summary", "--from", "2027-01-01", "--to", "2027-12-31", "--output", str(output)
    )
    html = output.read_text(encoding="utf-8")
    assert html.startswith("<!doctype html>")
    assert "<style>" in html and ".report-chart" in html
    assert 'rel="stylesheet"' not in html and "<script" not in html
    assert html.count('role="img"') == 3
    assert "A Lender" in html and "96" in html


def test_agency_option_adds_that_agencys_detail(shared, tmp_path):
    output = tmp_path / "report.html"
    call_command(
        "report_summary",
        "--from",
        "2027-01-01",
        "--to",
        "2027-12-31",
        "--agency",
        "borrower",
        "--output",
        str(output),
    )
    html = output.read_text(encoding="utf-8")
    assert 'id="agency-heading">B Borrower<' in html


def test_unknown_agency_is_an_error(shared, tmp_path):
    with pytest.raises(CommandError, match="no-such"):
        call_command(
            "report_summary",
            "--from",
            "2027-01-01",
            "--to",
            "2027-12-31",
            "--agency",
            "no-such",
            "--output",
            str(tmp_path / "r.html"),
        )


def test_reversed_period_is_an_error(shared, tmp_path):
    with pytest.raises(CommandError):
        call_command(
            "report_summary",
            "--from",
            "2027-12-31",
            "--to",
            "2027-01-01",
            "--output",
            str(tmp_path / "r.html"),
        )
