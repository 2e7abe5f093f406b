"""The reports pages: the summary with its charts, its print view and PDF, the register
of unmet demand and the savings ledger, each with links to its CSV."""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Agency
from marketplace import permissions
from marketplace.api.reports import pdf_response
from marketplace.models import Skill
from marketplace.reports.document import render_report_document, report_charts
from marketplace.reports.query import ReportQueryForm
from marketplace.selectors.report_registers import SavingsLedger, unmet_need_rows, unmet_needs
from marketplace.selectors.reports import report_summary

CSV_TABLE_LABELS = {
    "summary": gettext_lazy("Headline figures"),
    "agencies": gettext_lazy("Agencies"),
    "flows": gettext_lazy("Between agencies"),
    "skills": gettext_lazy("Skills"),
    "months": gettext_lazy("Months"),
    "ratings": gettext_lazy("Ratings"),
}
PAGE_SIZE = 50


def _api_url(name: str) -> str | None:
    try:
        return reverse(f"api:{name}")
    except NoReverseMatch:  # the API module is not mounted (yet): no links rather than a 500
        return None


def _csv_links(params: dict) -> list[dict]:
    base = _api_url("report-summary")
    if base is None:
        return []
    links = []
    for table, label in CSV_TABLE_LABELS.items():
        for decimal, suffix in (("point", ""), ("comma", _(" (decimal comma)"))):
            query = urlencode({**params, "format": "csv", "table": table, "decimal": decimal})
            links.append({"url": f"{base}?{query}", "label": f"CSV: {label}{suffix}"})
    return links


def _list_csv_links(api_name: str, params: dict) -> list[dict]:
    base = _api_url(api_name)
    if base is None:
        return []
    return [
        {
            "url": f"{base}?{urlencode({**params, 'format': 'csv', 'decimal': decimal})}",
            "label": label,
        }
        for decimal, label in (
            ("point", _("CSV")),
            ("comma", _("CSV (decimal comma)")),
        )
    ]


def _params(data: dict) -> dict:
    period = data["period"]
    params = {"from": period.start.isoformat(), "to": period.end.isoformat()}
    if data.get("agency") is not None:
        params["agency"] = data["agency"].slug
    if data.get("skill") is not None:
        params["skill"] = data["skill"].pk
    return params


def _form_context(request: HttpRequest, form: ReportQueryForm) -> dict:
    context: dict = {"form": form}
    if permissions.can_read_all_agencies_report(request.user):
        context["agency_choices"] = Agency.objects.order_by("name")
    if form.is_valid():
        period = form.cleaned_data["period"]
        context.update(
            period_start=period.start.isoformat(),
            period_end=period.end.isoformat(),
            selected_agency=form.cleaned_data["agency"],
            selected_skill=form.cleaned_data["skill"],
        )
    else:
        # Echo what was typed, so the person can correct it in place.
        context.update(
            period_start=request.GET.get("from", ""), period_end=request.GET.get("to", "")
        )
    return context


def _report_links(params: dict) -> dict:
    query = urlencode(params)
    return {
        "page": f"{reverse('reports:summary')}?{query}",
        "print": f"{reverse('reports:print')}?{query}",
        "pdf": f"{reverse('reports:pdf')}?{query}",
        "register": f"{reverse('reports:unmet_needs')}?{query}",
        "ledger": f"{reverse('reports:savings_ledger')}?{query}",
    }


@login_required
def report_summary_page(request: HttpRequest) -> HttpResponse:
    form = ReportQueryForm(request.GET)
    context = _form_context(request, form)
    if not form.is_valid():
        return render(request, "reports/summary.html", context, status=400)
    data = form.cleaned_data
    report = report_summary(user=request.user, period=data["period"], agency=data["agency"])
    params = _params({**data, "skill": None})
    context.update(
        report=report,
        charts=report_charts(report),
        csv_links=_csv_links(params),
        links=_report_links(params),
    )
    return render(request, "reports/summary.html", context)


def _report_or_400(request: HttpRequest):
    form = ReportQueryForm(request.GET)
    if not form.is_valid():
        return None, render(
            request, "reports/summary.html", _form_context(request, form), status=400
        )
    data = form.cleaned_data
    return report_summary(user=request.user, period=data["period"], agency=data["agency"]), None


@login_required
def report_print_page(request: HttpRequest) -> HttpResponse:
    """The report as the document the PDF is made of, styled for paper."""
    report, error = _report_or_400(request)
    if error is not None:
        return error
    params = _params(
        {"period": report.period, "agency": request.GET.get("agency") and report.agency}
    )
    html = render_report_document(report, inline=False, links=_report_links(params))
    return HttpResponse(html)


@login_required
def report_pdf(request: HttpRequest) -> HttpResponse:
    report, error = _report_or_400(request)
    if error is not None:
        return error
    return pdf_response(report)


def _list_page(request: HttpRequest, template: str, build) -> HttpResponse:
    form = ReportQueryForm(request.GET)
    context = _form_context(request, form)
    context["skill_choices"] = Skill.objects.order_by("name")
    if not form.is_valid():
        return render(request, template, context, status=400)
    data = form.cleaned_data
    params = _params(data)
    context.update(build(data, params))
    context["query"] = urlencode(params)
    context["links"] = _report_links({k: v for k, v in params.items() if k != "skill"})
    return render(request, template, context)


def _page_of(request: HttpRequest, queryset):
    paginator = Paginator(queryset, PAGE_SIZE)
    return paginator.get_page(request.GET.get("page"))


@login_required
def unmet_needs_page(request: HttpRequest) -> HttpResponse:
    def build(data: dict, params: dict) -> dict:
        needs = unmet_needs(
            user=request.user, period=data["period"], agency=data["agency"], skill=data["skill"]
        )
        page = _page_of(request, needs)
        return {
            "page": page,
            "rows": unmet_need_rows(page.object_list),
            "csv_links": _list_csv_links("report-unmet-needs", params),
            "scope_agency": data["agency"] or _own_agency(request),
        }

    return _list_page(request, "reports/unmet_needs.html", build)


@login_required
def savings_ledger_page(request: HttpRequest) -> HttpResponse:
    def build(data: dict, params: dict) -> dict:
        ledger = SavingsLedger(user=request.user, period=data["period"], agency=data["agency"])
        page = _page_of(request, ledger.queryset())
        return {
            "page": page,
            "rows": ledger.rows(page.object_list),
            "totals": ledger.totals(),
            "csv_links": _list_csv_links("report-savings-ledger", {**params}),
            "scope_agency": ledger.agency,
        }

    return _list_page(request, "reports/savings_ledger.html", build)


def _own_agency(request: HttpRequest) -> Agency | None:
    if permissions.can_read_all_agencies_report(request.user):
        return None
    return request.user.agency
