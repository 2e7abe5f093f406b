"""Matching runs API: start a global run (202), then poll it until done or failed."""

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from marketplace.models import MatchingRun
from marketplace.selectors.matching_runs import matching_run_get, matching_run_list
from marketplace.services.matching_run_start import matching_run_start

ERROR = inline_serializer("MatchingRunError", fields={"detail": serializers.CharField()})
FORBIDDEN = OpenApiResponse(ERROR, description="Only coordinators and admins run matching.")


class PhaseSecondsSerializer(serializers.Serializer):
    load = serializers.FloatField(required=False)
    candidates = serializers.FloatField(required=False)
    build = serializers.FloatField(required=False)
    solve = serializers.FloatField(required=False)
    write = serializers.FloatField(required=False)


class ModelStatsSerializer(serializers.Serializer):
    pairs = serializers.IntegerField(
        required=False, help_text="Feasible (need, specialist) pairs the run considered."
    )
    columns = serializers.IntegerField(
        required=False, help_text="Pairs in the final model handed to the MIP solver."
    )
    need_rows = serializers.IntegerField(required=False)
    capacity_rows = serializers.IntegerField(
        required=False,
        help_text="Specialist capacity rows: one per interval of days over which the same "
        "pairs are active, where they do not all fit.",
    )
    fairness_rows = serializers.IntegerField(required=False)
    cover_rows = serializers.IntegerField(required=False)
    nonzeros = serializers.IntegerField(required=False)
    solver_seconds = serializers.FloatField(required=False)
    status = serializers.CharField(
        required=False, help_text="`optimal` (proven) or `time_limit` (cut short)."
    )


class MatchingRunSerializer(serializers.ModelSerializer):
    requested_by = serializers.IntegerField(
        source="requested_by_id", read_only=True, allow_null=True
    )
    phase_seconds = PhaseSecondsSerializer(
        read_only=True,
        help_text="Seconds spent in each phase: load, candidates, build, solve (MIP and "
        "LP relaxation), write.",
    )
    total_score = serializers.FloatField(
        read_only=True, allow_null=True, help_text="Sum of the scores of the chosen pairs."
    )
    lp_bound = serializers.FloatField(
        read_only=True,
        allow_null=True,
        help_text="The LP relaxation's optimum over all feasible pairs (a Lagrangian bound "
        "above it if the time limit cut the LP short): no assignment can score more.",
    )
    proven_bound = serializers.FloatField(
        read_only=True,
        allow_null=True,
        help_text="The best upper bound the solver proved (at most lp_bound); equal to "
        "total_score when the assignment is proven optimal.",
    )
    greedy_total = serializers.FloatField(
        read_only=True,
        allow_null=True,
        help_text="Total score of the greedy assignment the solver started from; "
        "total_score is never below it.",
    )
    model_stats = ModelStatsSerializer(
        read_only=True, help_text="What the final model held: pairs, columns, rows by kind."
    )
    gap = serializers.FloatField(
        read_only=True,
        allow_null=True,
        help_text="Relative distance of total_score to the best bound the solver proved; "
        "0 when the assignment is proven optimal, above 0 when the time limit cut the search.",
    )

    class Meta:
        model = MatchingRun
        fields = [
            "id",
            "status",
            "requested_by",
            "proposals_created",
            "total_score",
            "lp_bound",
            "proven_bound",
            "gap",
            "greedy_total",
            "model_stats",
            "phase_seconds",
            "duration_seconds",
            "error",
            "created_at",
            "started_at",
            "finished_at",
        ]
        read_only_fields = fields


class MatchingRunStartedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()


class MatchingRunListView(generics.ListAPIView):
    serializer_class = MatchingRunSerializer
    filter_backends: list = []

    def get_queryset(self) -> QuerySet[MatchingRun]:
        return matching_run_list(user=self.request.user)

    @extend_schema(
        summary="List matching runs",
        responses={200: MatchingRunSerializer(many=True), 403: FORBIDDEN},
    )
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary="Start a global matching run",
        description="Queues a run over every open need on the `matching` Celery queue and "
        "answers at once; poll `GET matching-runs/{id}/` until `done` or `failed`. The run "
        "proposes the assignment of highest total score under capacity, headcount and the "
        "agency outflow cap, as `proposed` matches for coordinators to review.",
        request=None,
        responses={
            202: MatchingRunStartedSerializer,
            403: FORBIDDEN,
            409: OpenApiResponse(ERROR, description="Another run is queued or running."),
        },
    )
    def post(self, request: Request) -> Response:
        run = matching_run_start(actor=request.user)
        return Response({"id": run.pk, "status": run.status}, status=status.HTTP_202_ACCEPTED)


class MatchingRunDetailView(APIView):
    @extend_schema(
        summary="A matching run's status and results",
        responses={
            200: MatchingRunSerializer,
            403: FORBIDDEN,
            404: OpenApiResponse(ERROR, description="No such run."),
        },
    )
    def get(self, request: Request, pk: int) -> Response:
        run = matching_run_get(user=request.user, run_id=pk)
        return Response(MatchingRunSerializer(run).data)
