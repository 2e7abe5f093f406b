"""Code that trades clarity for request speed, fenced in one place.

Everything here makes a page or an API list cheaper than the plain ORM would, and most of
it leans on Django's, django-filter's or psycopg's internals. Nothing outside this package
touches those internals; `tests/test_import_graph.py` looks for them. Each module is used
only where `make bench-load` showed that it matters (see README, "What keeps it fast").

The rule it imposes on the code it wraps
-----------------------------------------

A compiled query (`compiled_queries.CompiledQuery`, and the API lists of
`compiled_lists`) builds its queryset from a selector, a permission rule or a filter set
once per *shape*, keeps the SQL, and from then on sends that SQL with each call's values.
So the selectors, permission rules and filter sets it wraps may decide what their SQL
looks like only from:

- which values are None, and the booleans they are given;
- how long a list is;
- what a user is as a role (`role`, `is_superuser`, whether they have an agency);
- the `shape` the caller names (an ordering, a page size, a cursor's direction).

Every other value -- an id, a number, a date, a text -- must reach the SQL as a parameter,
unchanged. A builder must not clamp or round a value (`min(value, 100)`), branch on it,
build a pattern from it (`icontains` makes `%text%`), or read anything that is not an
argument: not the clock (`timezone.localdate()`), not a setting that changes, not the
database. Such a builder would give the first call's answer to every later call. A list
given to `__in` holds distinct values (the ORM drops repeats, which changes the SQL).

The guard makes the rule visible. With `FASTPATHS_GUARD` on (it is whenever `DEBUG` is,
and so in the whole test suite), every compiled call also builds the ORM's queryset from
the call's real values and raises `CompiledQueryMismatch` if its SQL or parameters differ
from what was sent. A builder that breaks the rule fails on its first test.

The other modules impose smaller rules, stated in their docstrings: bulk writes that send
no signals call `list_cache_invalidate`; `bulk_insert` is for new rows of plain models
only.

Upgrading Django or django-filter
---------------------------------

Django is pinned to 5.2 LTS (`pyproject.toml`). The internals read here, by module:

- `compiled_queries`: `QuerySet._iterable_class`, `QuerySet.query.get_compiler()`,
  `SQLCompiler.as_sql()` and `results_iter(results=, tuple_expected=)`,
  `Model._state.fields_cache`.
- `compiled_lists`: django-filter's `FilterSet.form.cleaned_data` (assigned, to filter
  with values already validated).
- `filtersets`: django-filter's `FilterMethod` and `base_filters`.
- `keyset`: `QuerySet.query.annotations`.
- `child_rows`: `QuerySet.query.where`, `Expression` compilation.
- `db_timestamps`: psycopg's loader registry, Django's PostgreSQL cursor time zone.
- `redis_cache`: `RedisCacheClient._pools`, `_pool_class`, `_client`, `_servers`.
- `sessions`: `cached_db.SessionStore`'s private methods.
- `bulk_copy`: `Field.pre_save`, `Model._state`.

To move to the next Django (6.x LTS) or django-filter: raise the pin, run `make test`
(every compiled call is checked against the ORM by the guard, and each module has tests
comparing it with the plain ORM's answer), then `make bench-load`. A module that breaks
and no longer pays for itself (less than a tenth of its scenario's time) is removed
rather than repaired: its callers go back to the ORM call it stands in for.
"""
