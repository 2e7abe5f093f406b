"""The load benchmark's floor: an authenticated DRF endpoint that runs exactly one query.

Every scenario of `benchmarks/load.py` is reported as a ratio of this endpoint's figures,
measured by the same server in the same run, so the result holds on a noisy machine.
"""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from marketplace.models import Skill

PING_RESPONSE = inline_serializer(name="Ping", fields={"skills": serializers.IntegerField()})


class PingView(APIView):
    # Token authentication reads the token and its user in one joined query; the one
    # query of the endpoint proper is the skill count below.
    @extend_schema(summary="Authenticated check (one query)", responses={200: PING_RESPONSE})
    def get(self, request: Request) -> Response:
        return Response({"skills": Skill.objects.count()})
