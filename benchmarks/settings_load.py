"""Settings of the server the load benchmark starts: the product's own, plus the floor URL."""

from marketplace.settings import *  # noqa: F403

ROOT_URLCONF = "benchmarks.urls_load"
