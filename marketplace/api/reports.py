"""The summary report as JSON, one of its tables as CSV (`?format=csv`) or a PDF
(`?format=pdf`); the register of unmet demand and the savings ledger as JSON or CSV."""

from __future__ import annotations

from django.http import HttpResponse, StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.errors import InvalidInput
from fastpaths.json_renderer import JSONRenderer
from marketplace.api.pagination import PageNumberPagination
from marketplace.reports.csv_export import (
    TABLES,
    csv_chunks,
    ledger_table,
    register_table,
    render_csv,
    report_table,
)
from marketplace.reports.document import pdf_response
from marketplace.reports.query import ReportQueryForm
from marketplace.selectors.report_registers import SavingsLedger, unmet_need_rows, unmet_needs
from marketplace.selectors.reports import Report, report_summary


class CSVRenderer(BaseRenderer):
    """Lets `?format=csv` through content negotiation; the view writes the bytes itself."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        return data if isinstance(data, bytes) else b""


class PDFRenderer(CSVRenderer):
    """Lets `?format=pdf` through content negotiation; the view writes the bytes itself."""

    media_type = "application/pdf"
    format = "pdf"
    charset = None


class PeriodSerializer(serializers.Serializer):
    start = serializers.DateField(source="period.start")
    end = serializers.DateField(source="period.end")
    years = serializers.FloatField(source="period.years")


class AgencyRefSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()


class FiguresSerializer(serializers.Serializer):
    engagements = serializers.IntegerField()
    hours = serializers.FloatField()
    fte = serializers.FloatField()
    consultant_cost = serializers.IntegerField(help_text="SEK")
    internal_cost = serializers.IntegerField(help_text="SEK")
    cost_avoided = serializers.IntegerField(help_text="SEK; consultant cost − internal price")
    needs_final = serializers.IntegerField()
    needs_filled = serializers.IntegerField()
    fill_rate = serializers.FloatField(allow_null=True, help_text="0–1; null without needs")
    median_days_to_approved = serializers.FloatField(allow_null=True)
    median_days_to_accepted = serializers.FloatField(allow_null=True)
    need_rating_average = serializers.FloatField(allow_null=True)
    need_rating_count = serializers.IntegerField()
    specialist_rating_average = serializers.FloatField(allow_null=True)
    specialist_rating_count = serializers.IntegerField()


class AgencyRowSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    lent_engagements = serializers.IntegerField()
    lent_hours = serializers.FloatField()
    lent_fte = serializers.FloatField()
    borrowed_engagements = serializers.IntegerField()
    borrowed_hours = serializers.FloatField()
    borrowed_fte = serializers.FloatField()
    balance_fte = serializers.FloatField(help_text="lent − borrowed")
    cost_avoided = serializers.IntegerField(help_text="SEK, on the agency's borrowing")
    needs_final = serializers.IntegerField()
    needs_filled = serializers.IntegerField()
    fill_rate = serializers.FloatField(allow_null=True)
    median_days_to_accepted = serializers.FloatField(allow_null=True)


class FlowSerializer(serializers.Serializer):
    lender = serializers.CharField()
    borrower = serializers.CharField()
    engagements = serializers.IntegerField()
    hours = serializers.FloatField()
    fte = serializers.FloatField()


class SkillRowSerializer(serializers.Serializer):
    skill = serializers.CharField()
    category = serializers.CharField()
    min_level = serializers.IntegerField()
    needs = serializers.IntegerField()
    unfilled = serializers.IntegerField()
    filled_late = serializers.IntegerField()
    shortage = serializers.IntegerField()
    shareable_specialists = serializers.IntegerField()


class MonthRowSerializer(serializers.Serializer):
    month = serializers.SerializerMethodField()
    engagements = serializers.IntegerField()
    hours = serializers.FloatField()
    cost_avoided = serializers.IntegerField()

    def get_month(self, row) -> str:
        return row.month.strftime("%Y-%m")


class RatingRowSerializer(serializers.Serializer):
    rating = serializers.IntegerField()
    from_borrowing_agency = serializers.IntegerField()
    from_specialist = serializers.IntegerField()


class ReportSerializer(serializers.Serializer):
    period = PeriodSerializer(source="*")
    agency = AgencyRefSerializer(allow_null=True)
    network = FiguresSerializer()
    agency_figures = FiguresSerializer(allow_null=True)
    agencies = AgencyRowSerializer(many=True)
    flows = FlowSerializer(many=True)
    skills = SkillRowSerializer(many=True)
    months = MonthRowSerializer(many=True)
    ratings = RatingRowSerializer(many=True)


def csv_response(report: Report, *, table: str, decimal_comma: bool) -> HttpResponse:
    header, rows = report_table(report, table)
    period = report.period
    name = f"report-{table}-{period.start.isoformat()}-{period.end.isoformat()}.csv"
    response = HttpResponse(
        render_csv(header, rows, decimal_comma=decimal_comma),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


class ReportSummaryView(APIView):
    renderer_classes = [JSONRenderer, CSVRenderer, PDFRenderer]

    @extend_schema(
        tags=["reports"],
        summary="The summary report for a period",
        description=(
            "Coordinators and admins: every agency, and one agency's detail with `agency`. "
            "Managers: the network's figures and their own agency's detail; another agency "
            "answers 403. Definitions (FTE, cost avoided, fill rate, time to match, scarcity) "
            "are in `marketplace/selectors/reports.py`. `?format=csv&table=<name>` returns one "
            "table as CSV (UTF-8 with BOM); `decimal=comma` uses decimal commas and `;`. "
            "`?format=pdf` returns the print view as a PDF."
        ),
        parameters=[
            OpenApiParameter("from", OpenApiTypes.DATE, description="First day (default 1 Jan)"),
            OpenApiParameter("to", OpenApiTypes.DATE, description="Last day (default 31 Dec)"),
            OpenApiParameter("agency", OpenApiTypes.STR, description="Agency slug"),
            OpenApiParameter("format", OpenApiTypes.STR, enum=["json", "csv", "pdf"]),
            OpenApiParameter("table", OpenApiTypes.STR, enum=list(TABLES)),
            OpenApiParameter("decimal", OpenApiTypes.STR, enum=["point", "comma"]),
        ],
        responses={
            (200, "application/json"): ReportSerializer,
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="One table"),
            (200, "application/pdf"): OpenApiResponse(
                OpenApiTypes.BINARY, description="The print view as a PDF"
            ),
            400: OpenApiResponse(description="Field-level messages: `{field: [message]}`."),
            403: OpenApiResponse(description="Not a coordinator or manager, or another agency."),
        },
    )
    def get(self, request: Request) -> Response | HttpResponse:
        query = ReportQueryForm(request.query_params)
        if not query.is_valid():
            raise InvalidInput(field_errors={k: list(v) for k, v in query.errors.items()})
        data = query.cleaned_data
        report = report_summary(user=request.user, period=data["period"], agency=data["agency"])
        if request.accepted_renderer.format == "csv":
            return csv_response(report, table=data["table"], decimal_comma=data["decimal_comma"])
        if request.accepted_renderer.format == "pdf":
            return pdf_response(report)
        return Response(ReportSerializer(report).data)

    def handle_exception(self, exc: Exception) -> Response:
        # Errors are JSON even when the caller asked for CSV.
        self.request.accepted_renderer = JSONRenderer()
        self.request.accepted_media_type = JSONRenderer.media_type
        return super().handle_exception(exc)


# The register of unmet demand and the savings ledger ---------------------------------------

LIST_PARAMETERS = [
    OpenApiParameter("from", OpenApiTypes.DATE, description="First day (default 1 Jan)"),
    OpenApiParameter("to", OpenApiTypes.DATE, description="Last day (default 31 Dec)"),
    OpenApiParameter("agency", OpenApiTypes.STR, description="Agency slug"),
    OpenApiParameter("format", OpenApiTypes.STR, enum=["json", "csv"]),
    OpenApiParameter("decimal", OpenApiTypes.STR, enum=["point", "comma"]),
    OpenApiParameter("page", OpenApiTypes.INT),
    OpenApiParameter("page_size", OpenApiTypes.INT, description="Up to 200"),
]
LIST_ERRORS = {
    400: OpenApiResponse(description="Field-level messages: `{field: [message]}`."),
    403: OpenApiResponse(description="Not a coordinator or manager, or another agency."),
}


class UnmetNeedSkillSerializer(serializers.Serializer):
    skill = serializers.CharField()
    min_level = serializers.IntegerField()
    required = serializers.BooleanField()


class UnmetNeedSerializer(serializers.Serializer):
    need = serializers.IntegerField(source="need_id")
    title = serializers.CharField()
    agency = serializers.CharField(source="agency_slug")
    agency_name = serializers.CharField(source="agency")
    published = serializers.DateField(source="published_on")
    start = serializers.DateField()
    end = serializers.DateField()
    capacity_percent = serializers.IntegerField()
    headcount = serializers.IntegerField()
    status = serializers.CharField()
    reason = serializers.CharField(
        help_text="no_candidate, none_accepted, or open_past_start (still open after its start)"
    )
    closed = serializers.DateField(source="closed_on", allow_null=True)
    candidates = serializers.IntegerField(help_text="Specialists proposed or nominated")
    skills = UnmetNeedSkillSerializer(many=True)


class LedgerRowSerializer(serializers.Serializer):
    engagement = serializers.IntegerField(source="engagement_id")
    completed = serializers.DateField(source="completed_on")
    need = serializers.IntegerField(source="need_id")
    need_title = serializers.CharField()
    lender = serializers.CharField()
    borrower = serializers.CharField()
    rate_category = serializers.CharField()
    hours = serializers.DecimalField(max_digits=12, decimal_places=1, coerce_to_string=False)
    consultant_rate = serializers.DecimalField(
        max_digits=12, decimal_places=2, coerce_to_string=False
    )
    consultant_rate_source = serializers.CharField(
        help_text="`agency`: the borrowing agency's override; `default`: the settings"
    )
    internal_rate = serializers.DecimalField(
        max_digits=12, decimal_places=2, coerce_to_string=False
    )
    internal_rate_source = serializers.CharField(
        help_text="`agency`: the lending agency's own rate; `default`: the settings"
    )
    amount = serializers.DecimalField(
        max_digits=16,
        decimal_places=2,
        coerce_to_string=False,
        help_text="SEK: hours × (consultant rate − internal rate)",
    )


class LedgerTotalsSerializer(serializers.Serializer):
    engagements = serializers.IntegerField()
    hours = serializers.FloatField()
    consultant_cost = serializers.IntegerField()
    internal_cost = serializers.IntegerField()
    cost_avoided = serializers.IntegerField(help_text="SEK, the sum of the rows' amounts")


class UnmetNeedPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = UnmetNeedSerializer(many=True)


class LedgerPageSerializer(UnmetNeedPageSerializer):
    results = LedgerRowSerializer(many=True)
    totals = LedgerTotalsSerializer(help_text="Sums of every row of the ledger, not the page")


class ReportPagination(PageNumberPagination):
    """Pages of 50 rows (`page_size` up to 200), with `count`, `next` and `previous`."""


def _query(request: Request) -> dict:
    query = ReportQueryForm(request.query_params)
    if not query.is_valid():
        raise InvalidInput(field_errors={k: list(v) for k, v in query.errors.items()})
    return query.cleaned_data


def _streamed_csv(name: str, table, *, decimal_comma: bool) -> StreamingHttpResponse:
    header, rows = table
    response = StreamingHttpResponse(
        csv_chunks(header, rows, decimal_comma=decimal_comma),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _file_name(kind: str, data: dict) -> str:
    period = data["period"]
    return f"{kind}-{period.start.isoformat()}-{period.end.isoformat()}.csv"


class _ReportListView(APIView):
    renderer_classes = [JSONRenderer, CSVRenderer]

    def handle_exception(self, exc: Exception) -> Response:
        self.request.accepted_renderer = JSONRenderer()
        self.request.accepted_media_type = JSONRenderer.media_type
        return super().handle_exception(exc)

    def page(self, request: Request, queryset) -> tuple[ReportPagination, list]:
        paginator = ReportPagination()
        return paginator, paginator.paginate_queryset(queryset, request, view=self)


class UnmetNeedsView(_ReportListView):
    @extend_schema(
        tags=["reports"],
        summary="The register of unmet demand",
        description=(
            "Needs published in the period that were closed unfilled, or are still open "
            "after their start date, with reason, skills and candidates. Coordinators: "
            "every agency, or one with `agency`; managers: their own agency. `skill` (id) "
            "keeps needs that require that skill. `?format=csv` returns every row."
        ),
        parameters=[
            *LIST_PARAMETERS,
            OpenApiParameter("skill", OpenApiTypes.INT, description="Required skill id"),
        ],
        responses={
            (200, "application/json"): UnmetNeedPageSerializer,
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="Every row"),
            **LIST_ERRORS,
        },
    )
    def get(self, request: Request) -> Response | HttpResponse:
        data = _query(request)
        needs = unmet_needs(
            user=request.user, period=data["period"], agency=data["agency"], skill=data["skill"]
        )
        if request.accepted_renderer.format == "csv":
            table = register_table(
                row for chunk in _chunks(needs) for row in unmet_need_rows(chunk)
            )
            return _streamed_csv(
                _file_name("unmet-needs", data), table, decimal_comma=data["decimal_comma"]
            )
        paginator, page = self.page(request, needs)
        rows = UnmetNeedSerializer(unmet_need_rows(page), many=True).data
        return paginator.get_paginated_response(rows)


def _chunks(needs, size: int = 500):
    """The register's needs a few hundred at a time, each with its skills prefetched."""
    ids = list(needs.values_list("pk", flat=True))
    for first in range(0, len(ids), size):
        chunk = ids[first : first + size]
        by_id = {need.pk: need for need in needs.filter(pk__in=chunk)}
        yield [by_id[pk] for pk in chunk]


class SavingsLedgerView(_ReportListView):
    @extend_schema(
        tags=["reports"],
        summary="The savings ledger: one row per completed engagement",
        description=(
            "Engagements completed in the period with hours, the consultant rate used and "
            "its source (`agency` override or `default`), the internal rate and the amount. "
            "`totals` are the sums of every row (not only this page) and equal the "
            "summary's figures. Coordinators: every engagement, or those one agency "
            "borrowed (`agency`); managers: those their own agency borrowed. "
            "`?format=csv` returns every row."
        ),
        parameters=LIST_PARAMETERS,
        responses={
            (200, "application/json"): LedgerPageSerializer,
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="Every row"),
            **LIST_ERRORS,
        },
    )
    def get(self, request: Request) -> Response | HttpResponse:
        data = _query(request)
        ledger = SavingsLedger(user=request.user, period=data["period"], agency=data["agency"])
        if request.accepted_renderer.format == "csv":
            return _streamed_csv(
                _file_name("savings-ledger", data),
                ledger_table(ledger.iterate()),
                decimal_comma=data["decimal_comma"],
            )
        paginator, page = self.page(request, ledger.queryset())
        response = paginator.get_paginated_response(
            LedgerRowSerializer(ledger.rows(page), many=True).data
        )
        response.data["totals"] = LedgerTotalsSerializer(ledger.totals()).data
        return response
