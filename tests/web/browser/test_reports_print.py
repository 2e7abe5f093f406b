"""The reports page, its charts and its print view in Chromium, checked with axe-core.

A manager logs in, opens the report in their language, sees the charts with every label
whole inside the chart, follows the link to the print view, and the page as printed (print
media) shows the report without the site's links and passes WCAG 2.1 A and AA too.
"""

import pytest
from django.utils import timezone

from marketplace.models import NeedStatus
from tests import factories
from tests.marketplace.reports.conftest import completed, make_need
from tests.web.browser.test_story import Visitor, assert_accessible

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

LONG_NAME = "Myndigheten för samhällsskydd och beredskap i Västra Götalands län"
NUMBERS = {"sv": "0,13", "en": "0.13"}


def labels_outside_their_chart(page) -> list[str]:
    """Chart texts whose box leaves the chart's drawing area (a cut label)."""
    return page.evaluate(
        """() => {
          const out = [];
          for (const svg of document.querySelectorAll('svg.report-chart')) {
            const box = svg.viewBox.baseVal;
            for (const text of svg.querySelectorAll('text')) {
              const b = text.getBBox();
              if (b.x < box.x - 0.5 || b.y < box.y - 0.5 ||
                  b.x + b.width > box.x + box.width + 0.5 ||
                  b.y + b.height > box.y + box.height + 0.5) out.push(text.textContent);
            }
          }
          return out;
        }"""
    )


@pytest.mark.parametrize("language", ["sv", "en"])
def test_report_charts_and_print_view_in_a_real_browser(browser, live_server, language):
    year = timezone.localdate().year
    lender = factories.AgencyFactory(name=f"Lending agency ({language})")
    borrower = factories.AgencyFactory(name=f"{LONG_NAME} ({language})")
    manager = factories.ManagerFactory(
        email=f"rapport-{language}@myndighet.se", agency=borrower, language=language
    )
    skill = factories.SkillFactory(name=f"Cloud architecture ({language})", category="cloud")
    need = make_need(
        borrower,
        published=f"{year}-01-10",
        start=f"{year}-02-01",
        end=f"{year}-03-01",
        skills=((skill, 3, True),),
    )
    completed(
        need, factories.SpecialistFactory(agency=lender), hours="208", completed=f"{year}-03-02"
    )
    make_need(
        borrower, published=f"{year}-01-12", status=NeedStatus.CLOSED, skills=((skill, 4, True),)
    )

    visitor = Visitor(browser, live_server.url, language)
    visitor.log_in(manager.email)
    visitor.open(f"/reports/?from={year}-01-01&to={year}-12-31")
    page = visitor.page
    assert page.locator("svg.report-chart").count() == 3
    balance = page.evaluate(
        "() => document.querySelector('#chart-balance-title').parentNode.textContent"
    )
    assert NUMBERS[language] in balance  # 208 h borrowed = 0.13 FTE, in the reader's locale
    assert labels_outside_their_chart(page) == []
    chart_text = page.evaluate(
        "() => [...document.querySelectorAll('svg.report-chart tspan')]"
        ".map(t => t.textContent).join(' ')"
    )
    assert "Västra Götalands län" in chart_text and "…" not in chart_text

    visitor.click("a[href^='/reports/print/']")
    assert "/reports/print/" in page.url
    page.emulate_media(media="print")
    assert page.locator(".report-print-actions").is_hidden()
    assert page.locator("svg.report-chart").first.is_visible()
    assert labels_outside_their_chart(page) == []
    assert_accessible(page)
    pdf_link = page.locator("a[href^='/reports/pdf/']").get_attribute("href")
    response = page.request.get(pdf_link)
    assert response.status == 200 and response.body().startswith(b"%PDF")
    visitor.context.close()
