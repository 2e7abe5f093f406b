import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _empty_cache():
    # Cached lists outlive the rolled-back rows of earlier tests; start each test clean.
    cache.clear()
    yield
    cache.clear()
