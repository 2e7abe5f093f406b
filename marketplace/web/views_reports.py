"""The reports page: the summary's figures, its charts as SVG and links to every CSV table."""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Agency
from marketplace import permissions
from marketplace.reports.document import report_charts
from marketplace.reports.query import ReportQueryForm
from marketplace.selectors.reports import report_summary

CSV_TABLE_LABELS = {
    "summary": gettext_lazy("Headline figures"),
    "agencies": gettext_lazy("Agencies"),
    "flows": gettext_lazy("Between agencies"),
    "skills": gettext_lazy("Skills"),
    "months": gettext_lazy("Months"),
    "ratings": gettext_lazy("Ratings"),
}


def _csv_links(params: dict) -> list[dict]:
    try:
        base = reverse("api:report-summary")
    except NoReverseMatch:  # the API module is not mounted (yet): no links rather than a 500
        return []
    links = []
    for table, label in CSV_TABLE_LABELS.items():
        for decimal, suffix in (("point", ""), ("comma", _(" (decimal comma)"))):
            query = urlencode({**params, "format": "csv", "table": table, "decimal": decimal})
            links.append({"url": f"{base}?{query}", "label": f"CSV: {label}{suffix}"})
    return links


@login_required
def report_summary_page(request: HttpRequest) -> HttpResponse:
    form = ReportQueryForm(request.GET)
    context: dict = {"form": form}
    if permissions.can_read_all_agencies_report(request.user):
        context["agency_choices"] = Agency.objects.order_by("name")
    if not form.is_valid():
        # Echo what was typed, so the person can correct it in place.
        context["period_start"] = request.GET.get("from", "")
        context["period_end"] = request.GET.get("to", "")
        return render(request, "reports/summary.html", context, status=400)
    data = form.cleaned_data
    report = report_summary(user=request.user, period=data["period"], agency=data["agency"])
    params = {"from": report.period.start.isoformat(), "to": report.period.end.isoformat()}
    if data["agency"] is not None:
        params["agency"] = data["agency"].slug
    context.update(
        report=report,
        charts=report_charts(report),
        period_start=report.period.start.isoformat(),
        period_end=report.period.end.isoformat(),
        csv_links=_csv_links(params),
    )
    return render(request, "reports/summary.html", context)
