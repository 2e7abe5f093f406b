"""The summary report: figures as JSON, or any one of its tables as CSV (`?format=csv`)."""

from __future__ import annotations

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.errors import InvalidInput
from marketplace.api.renderers import JSONRenderer
from marketplace.reports.csv_export import TABLES, render_csv, report_table
from marketplace.reports.query import ReportQueryForm
from marketplace.selectors.reports import Report, report_summary


class CSVRenderer(BaseRenderer):
    """Lets `?format=csv` through content negotiation; the view writes the bytes itself."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        return data if isinstance(data, bytes) else b""


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
    renderer_classes = [JSONRenderer, CSVRenderer]

    @extend_schema(
        tags=["reports"],
        summary="The summary report for a period",
        description=(
            "Coordinators and admins: every agency, and one agency's detail with `agency`. "
            "Managers: the network's figures and their own agency's detail; another agency "
            "answers 403. Definitions (FTE, cost avoided, fill rate, time to match, scarcity) "
            "are in `marketplace/selectors/reports.py`. `?format=csv&table=<name>` returns one "
            "table as CSV (UTF-8 with BOM); `decimal=comma` uses decimal commas and `;`."
        ),
        parameters=[
            OpenApiParameter("from", OpenApiTypes.DATE, description="First day (default 1 Jan)"),
            OpenApiParameter("to", OpenApiTypes.DATE, description="Last day (default 31 Dec)"),
            OpenApiParameter("agency", OpenApiTypes.STR, description="Agency slug"),
            OpenApiParameter("format", OpenApiTypes.STR, enum=["json", "csv"]),
            OpenApiParameter("table", OpenApiTypes.STR, enum=list(TABLES)),
            OpenApiParameter("decimal", OpenApiTypes.STR, enum=["point", "comma"]),
        ],
        responses={
            (200, "application/json"): ReportSerializer,
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="One table"),
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
        return Response(ReportSerializer(report).data)

    def handle_exception(self, exc: Exception) -> Response:
        # Errors are JSON even when the caller asked for CSV.
        self.request.accepted_renderer = JSONRenderer()
        self.request.accepted_media_type = JSONRenderer.media_type
        return super().handle_exception(exc)
