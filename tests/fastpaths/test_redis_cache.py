"""The Redis cache keeps one client per connection pool and still reads and writes."""

import pytest
from django.core.cache import caches

pytestmark = pytest.mark.redis


def test_every_call_shares_one_client():
    backend = caches["default"]._cache
    assert backend.get_client("a") is backend.get_client("b")
    assert backend.get_client("a", write=True) is backend.get_client("a")


def test_values_round_trip_through_the_shared_client():
    cache = caches["default"]
    cache.set("round-trip", {"skills": [1, 2]}, timeout=30)
    assert cache.get("round-trip") == {"skills": [1, 2]}
    assert cache.add("round-trip", "other") is False
    cache.set("counter", 1)
    assert cache.incr("counter") == 2
    cache.delete("round-trip")
    assert cache.get("round-trip") is None
