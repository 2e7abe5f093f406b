"""Benchmarks that run against the configured database (see each module's docstring)."""
