"""Issue 24, findings 1, 6 and 9: input built to hurt answers 400 or 404 with JSON, cheaply.

Each test sends what the attacker sent: a repeated ordering, forged cursors (a timestamp
without its time zone, a NUL byte), thousands of nested brackets, a lone UTF-16
surrogate, oversized texts and lists.
"""

import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from fastpaths.keyset import encode_cursor
from marketplace.input_limits import DESCRIPTION_MAX_LENGTH, LANGUAGES_MAX_ITEMS
from tests.security.conftest import World
from tests.security.reliability.faults import need_body

pytestmark = pytest.mark.django_db


def _client(world: World, role: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {world.tokens[role]}")
    return client


def _assert_json_error(response, status: int) -> None:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    assert response.json()


# Finding 1: an ordering that repeats a field costs time quadratic in its length.


def test_an_ordering_naming_a_field_twice_is_refused_before_any_query(isolated):
    ordering = ",".join(["title"] * 300)
    cursor = encode_cursor("n", ["x"] * 300 + [1])
    client = _client(isolated, "specialist")

    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/api/v1/needs/?ordering={ordering}&cursor={cursor}&page_size=7")

    _assert_json_error(response, 400)
    assert not [q for q in queries.captured_queries if "marketplace_need" in q["sql"]]
    assert "ordering" in response.json()


def test_an_ordering_of_more_than_three_fields_is_refused(isolated):
    response = _client(isolated, "coordinator").get(
        "/api/v1/needs/?ordering=title,start,end,status"
    )
    _assert_json_error(response, 400)
    assert "ordering" in response.json()


def test_an_ordering_of_three_distinct_fields_pages_as_before(isolated):
    response = _client(isolated, "coordinator").get("/api/v1/needs/?ordering=-start,title,id")
    assert response.status_code == 200
    assert response.json()["results"]


def test_a_field_and_its_reverse_count_as_one_field(isolated):
    response = _client(isolated, "coordinator").get("/api/v1/specialists/?ordering=name,-name")
    _assert_json_error(response, 400)


# Finding 6: cursors are checked for type, time zone and NUL bytes before any query.


def test_a_cursor_timestamp_without_a_time_zone_is_a_404(isolated):
    cursor = encode_cursor("n", ["2027-03-01T10:00:00", 5])  # the default -created_at,-id
    response = _client(isolated, "coordinator").get(f"/api/v1/needs/?cursor={cursor}")
    _assert_json_error(response, 404)


def test_a_cursor_timestamp_with_its_time_zone_still_pages(isolated):
    cursor = encode_cursor("n", ["2099-03-01T10:00:00+00:00", 2**40])
    response = _client(isolated, "coordinator").get(f"/api/v1/needs/?cursor={cursor}")
    assert response.status_code == 200


def test_a_nul_byte_in_an_api_cursor_is_a_404(isolated):
    cursor = encode_cursor("n", ["Lån\x00ebehov", 5])
    response = _client(isolated, "coordinator").get(
        f"/api/v1/needs/?ordering=title&cursor={cursor}"
    )
    _assert_json_error(response, 404)


def test_a_nul_byte_in_the_web_directorys_cursor_is_a_404(isolated):
    client = Client()
    client.force_login(isolated.own.manager)
    cursor = encode_cursor("n", ["An\x00na", 5])  # the directory orders by name, id
    assert client.get(f"/specialists/?cursor={cursor}").status_code == 404


@pytest.mark.parametrize("payload", ["[" * 5000, '{"a":' * 5000])
def test_a_body_nested_thousands_deep_is_a_400_at_token_login(api_client, payload):
    response = api_client.post("/api/v1/auth/token/", payload, content_type="application/json")
    _assert_json_error(response, 400)


def test_a_body_nested_thousands_deep_is_a_400_at_need_creation(isolated):
    response = _client(isolated, "manager").post(
        "/api/v1/needs/", "[" * 5000, content_type="application/json"
    )
    _assert_json_error(response, 400)


def test_a_lone_surrogate_as_a_preference_key_is_a_400(isolated):
    response = _client(isolated, "specialist").patch(
        "/api/v1/notification-preferences/",
        b'{"\\ud800": {"email": true}}',
        content_type="application/json",
    )
    _assert_json_error(response, 400)


def test_an_error_message_echoing_a_lone_surrogate_is_still_written():
    from fastpaths.json_renderer import JSONRenderer

    rendered = JSONRenderer().render({"\ud800": ["Unknown notification kind."]})

    assert rendered.isascii()
    assert json.loads(rendered) == {"\ud800": ["Unknown notification kind."]}


# Finding 9: texts and lists have limits, on the API and the web.


def _need_body(world: World, **changes) -> dict:
    skills = [{"skill": world.skill.pk, "min_level": 3, "required": True}]
    return need_body(**{"skills": skills, **changes})


def test_a_need_with_a_description_beyond_the_limit_is_a_field_error(isolated):
    body = _need_body(isolated, description="x" * (DESCRIPTION_MAX_LENGTH + 1))
    response = _client(isolated, "manager").post("/api/v1/needs/", body, format="json")
    _assert_json_error(response, 400)
    assert "description" in response.json()


def test_a_need_with_ten_thousand_languages_is_a_field_error(isolated):
    body = _need_body(isolated, languages=["sv"] * 10_000)
    response = _client(isolated, "manager").post("/api/v1/needs/", body, format="json")
    _assert_json_error(response, 400)
    assert "languages" in response.json()


def test_a_need_at_the_limits_is_created(isolated):
    body = _need_body(
        isolated,
        description="x" * DESCRIPTION_MAX_LENGTH,
        languages=["sv", "en"] * (LANGUAGES_MAX_ITEMS // 2),
    )
    response = _client(isolated, "manager").post("/api/v1/needs/", body, format="json")
    assert response.status_code == 201, response.json()


def test_a_need_ending_in_year_9999_is_a_field_error(isolated):
    body = _need_body(isolated, end="9999-12-31")
    response = _client(isolated, "manager").post("/api/v1/needs/", body, format="json")
    _assert_json_error(response, 400)
    assert "end" in response.json()


def test_an_availability_window_ending_in_year_9999_is_a_field_error(isolated):
    response = _client(isolated, "manager").post(
        f"/api/v1/specialists/{isolated.own.specialist.pk}/availability/",
        {"start": "2031-01-06", "end": "9999-12-31", "capacity_percent": 50},
        format="json",
    )
    _assert_json_error(response, 400)
    assert "end" in response.json()


def test_a_filter_date_in_year_9999_is_a_field_error(isolated):
    response = _client(isolated, "coordinator").get(
        "/api/v1/specialists/?available_from=9999-01-01&available_to=9999-12-31"
    )
    _assert_json_error(response, 400)


def test_a_web_need_description_beyond_the_limit_is_an_inline_error(isolated):
    client = Client()
    client.force_login(isolated.own.manager)
    response = client.post(
        "/needs/new/",
        {
            "title": "Molnarkitekt",
            "description": "x" * (DESCRIPTION_MAX_LENGTH + 1),
            "start": "2031-03-04",
            "end": "2031-06-27",
            "capacity_percent": 50,
            "headcount": 1,
            "clearance_required": 0,
        },
    )
    assert response.status_code == 400  # the form again, with its messages
    assert "description" in response.context["form"].errors
