"""The API's JSON renderer writes what DRF's own JSONRenderer writes, and JSON text the
database built (`raw_json`) as it is."""

import datetime as dt
import json
import uuid
import zoneinfo
from decimal import Decimal

import pytest
from django.utils.translation import gettext_lazy
from rest_framework import renderers
from rest_framework.utils.serializer_helpers import ReturnDict, ReturnList

from fastpaths.json_renderer import JSONRenderer, raw_json

STOCKHOLM = zoneinfo.ZoneInfo("Europe/Stockholm")


@pytest.mark.parametrize(
    "data",
    [
        {"id": 1, "title": "Säkerhetsarkitekt för Försäkringskassan", "remote_ok": True},
        [1, 2.5, None, False, "", "ö"],
        {"when": dt.datetime(2027, 1, 15, 8, 30, 0, 123456, tzinfo=dt.UTC)},
        {"when": dt.datetime(2027, 7, 1, 10, 0, tzinfo=STOCKHOLM), "day": dt.date(2027, 7, 1)},
        {"at": dt.time(8, 30), "naive": dt.datetime(2027, 5, 4, 12, 0)},
        {"share": Decimal("12.50"), "key": uuid.UUID(int=7)},
        {"message": gettext_lazy("Invalid cursor.")},
        {1: "int keys become strings", "nested": {"a": [{"b": ()}]}},
        {"separators": "line\u2028paragraph\u2029end"},
        ReturnDict({"results": ReturnList([{"id": 3}], serializer=None)}, serializer=None),
    ],
)
def test_writes_what_drfs_renderer_writes(data):
    assert JSONRenderer().render(data) == renderers.JSONRenderer().render(data)


def test_line_separators_stay_escaped_for_javascript():
    text = JSONRenderer().render({"summary": "a\u2028b\u2029c"})
    assert "\u2028".encode() not in text and "\u2029".encode() not in text
    assert json.loads(text) == {"summary": "a\u2028b\u2029c"}


def test_no_data_is_an_empty_body():
    assert JSONRenderer().render(None) == b""


def test_an_indent_asked_for_is_indented_and_the_same_json():
    data = {"results": [{"id": 1, "skills": [{"skill": 2, "level": 3}]}]}
    text = JSONRenderer().render(data, "application/json; indent=4")
    assert b"\n  " in text
    assert json.loads(text) == data


def test_raw_json_is_written_as_it_is():
    text = JSONRenderer().render({"skills": raw_json('[{"skill":2,"level":3}]'), "id": 9})
    assert text == b'{"skills":[{"skill":2,"level":3}],"id":9}'
