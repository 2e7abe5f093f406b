"""The API's JSON body parser: depth-limited, and only text that can be written back.

A body of thousands of nested `[` makes Python's parser (and every walk over its result)
recurse past the interpreter's limit; a lone UTF-16 surrogate (`"\\ud800"`) parses but
cannot be encoded again, so an error message that echoes it could not be written. Both
are refused with 400 before any view sees the data.
"""

from collections.abc import Mapping
from typing import Any

from rest_framework import parsers
from rest_framework.exceptions import ParseError

MAX_JSON_DEPTH = 32


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError as error:
            raise ParseError(f"JSON parse error - nested deeper than {MAX_JSON_DEPTH}.") from error
        _check(data)
        return data


def _check(data: Any) -> None:
    """Walks the parsed value without recursion: depth and strings."""
    pending: list[tuple[Any, int]] = [(data, 0)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, str):
            _check_text(value)
        elif isinstance(value, Mapping | list):
            if depth >= MAX_JSON_DEPTH:
                raise ParseError(f"JSON parse error - nested deeper than {MAX_JSON_DEPTH}.")
            if isinstance(value, Mapping):
                for key in value:
                    _check_text(key)
                items = value.values()
            else:
                items = value
            pending.extend((item, depth + 1) for item in items)


def _check_text(text: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        raise ParseError(
            "JSON parse error - text that is not Unicode (a lone surrogate)."
        ) from error
