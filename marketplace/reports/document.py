"""The report as one document: the page's charts, the print view, the HTML file and the PDF.

The print view, the self-contained HTML file (`manage.py report_summary`) and the PDF are
the same template (`reports/summary_document.html`): the print view links its
stylesheets (the site's Content-Security-Policy forbids inline styles), the file and the
PDF carry them inside. The print rules (`@page`, `@media print`) live in reports.css.
"""

from __future__ import annotations

import logging

from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.utils import dateformat
from django.utils.translation import gettext as _

from marketplace.models import skill_label
from marketplace.reports.charts import Series, bar_chart, column_chart
from marketplace.selectors.reports import Report

# Shortage chart: the scarcest skills only; the table below it lists them all.
TOP_SKILLS = 10
STYLESHEETS = ("marketplace/site.css", "css/reports.css")


def month_label(month) -> str:
    """A month as the reader's language writes it ("jan. 2027", "Jan. 2027")."""
    return dateformat.format(month, "M Y")


def report_charts(report: Report) -> dict:
    """The three charts of the report page, as SVG markup."""
    agencies = [row for row in report.agencies if row.lent_hours or row.borrowed_hours]
    skills = [row for row in report.skills if row.shortage][:TOP_SKILLS]
    return {
        "balance": bar_chart(
            chart_id="chart-balance",
            title=_("Full-time equivalents lent and borrowed per agency"),
            description=_(
                "For each agency, one bar for the FTE it lent to other agencies and one for "
                "the FTE it borrowed. The same figures are in the table below."
            ),
            labels=[row.name for row in agencies],
            series=[
                Series(_("Lent (FTE)"), [row.lent_fte for row in agencies]),
                Series(_("Borrowed (FTE)"), [row.borrowed_fte for row in agencies]),
            ],
        ),
        "shortage": bar_chart(
            chart_id="chart-shortage",
            title=_("Shortage by skill"),
            description=_(
                "For the scarcest skills, needs left unfilled or filled late, beside the "
                "number of shareable specialists at the asked level. Table below."
            ),
            labels=[f"{skill_label(row.skill)} ≥{row.min_level}" for row in skills],
            series=[
                Series(_("Needs unfilled or late"), [row.shortage for row in skills]),
                Series(_("Shareable specialists"), [row.shareable_specialists for row in skills]),
            ],
        ),
        "months": column_chart(
            chart_id="chart-months",
            title=_("Consultant cost avoided per month (SEK)"),
            description=_(
                "One column per month of the period; a column below the line is a month "
                "where internal prices exceeded the market rate. Table below."
            ),
            labels=[month_label(row.month) for row in report.months],
            values=[row.cost_avoided for row in report.months],
        ),
        "top_skills": skills,
        "active_agencies": agencies,
    }


def _inline_css() -> str:
    parts = []
    for name in STYLESHEETS:
        path = finders.find(name)
        if path:
            with open(path, encoding="utf-8") as stylesheet:
                parts.append(stylesheet.read())
    return "\n".join(parts)


def render_report_document(report: Report, *, inline: bool = True, links: dict | None = None):
    """The report as one HTML document: with its CSS inside (a file to mail, the PDF's
    source), or linking it (`inline=False`: the print view, under the site's CSP)."""
    context = {"report": report, "charts": report_charts(report), "links": links or {}}
    if inline:
        context["css"] = _inline_css()
    else:
        context["stylesheets"] = [static(name) for name in STYLESHEETS]
    return render_to_string("reports/summary_document.html", context)


# WeasyPrint names each screen-only CSS rule of the site's stylesheet that it skips; those
# are expected (print needs none of them), not news for the log on every download.
logging.getLogger("weasyprint").setLevel(logging.ERROR)


class ExternalResource(ValueError):
    """The PDF asked for something outside the document; nothing is fetched."""


def _refuse(url: str, *args, **kwargs) -> dict:
    raise ExternalResource(f"The report's PDF loads nothing from outside: {url}")


def render_report_pdf(report: Report) -> bytes:
    """The print view as a PDF, by WeasyPrint, in-process: no browser, no network."""
    from weasyprint import HTML  # imported on use: it loads Pango, which pages never need

    html = render_report_document(report, inline=True)
    return HTML(string=html, url_fetcher=_refuse).write_pdf()


def pdf_response(report: Report) -> HttpResponse:
    """The report's PDF as a download named after its period (and agency)."""
    period = report.period
    name = f"report-{period.start.isoformat()}-{period.end.isoformat()}"
    if report.agency is not None:
        name += f"-{report.agency.slug}"
    response = HttpResponse(render_report_pdf(report), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    return response
