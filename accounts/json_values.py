"""Values as the JSON they are kept as: audit events, notification contexts, data exports.

Dates, times, decimals, UUIDs and lazy translations are written as Django's JSON encoder
writes them; anything else it does not know, as its text.
"""

import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder


class _PlainEncoder(DjangoJSONEncoder):
    def default(self, o: Any) -> Any:
        try:
            return super().default(o)
        except TypeError:
            return str(o)


def json_plain(value: Any) -> Any:
    """`value` as plain JSON data (dicts, lists, text, numbers, booleans, None)."""
    return json.loads(json.dumps(value, cls=_PlainEncoder))
