"""The benchmark's floor: authenticated, one query of its own."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token

from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.urls("benchmarks.urls_load")]


def test_ping_answers_an_authenticated_user(client_for):
    response = client_for(factories.UserFactory()).get("/api/v1/ping/")
    assert response.status_code == 200
    assert response.json()["skills"] >= 0


def test_ping_refuses_a_caller_without_credentials(api_client):
    assert api_client.get("/api/v1/ping/").status_code == 401


def test_ping_runs_one_query_besides_authentication(api_client):
    user = factories.UserFactory()
    token = Token.objects.create(user=user)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    with CaptureQueriesContext(connection) as captured:
        assert api_client.get("/api/v1/ping/").status_code == 200
    # One for the token and its user, one for the endpoint itself.
    assert len(captured) == 2
