"""The skill taxonomy: read on almost every page and API call, changed a few times a year.

Reads come from the cache (fastpaths.list_cache); any save or delete of a skill, from the
API, the admin or a shell, makes them stale at once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from fastpaths.list_cache import invalidate_on_change, list_cache_get
from marketplace.models import Skill, skill_label

SKILLS = "skills"
T = TypeVar("T")


def skill_list_cached(*, variant: str, build: Callable[[], T]) -> T:
    """One variant (filters, page) of the skill list as `build` makes it, cached."""
    return list_cache_get(namespace=SKILLS, variant=variant, build=build)


def skill_choices() -> list[tuple[int, str]]:
    """(id, name in the reader's language) of every skill in the taxonomy's order, for
    pickers and filters."""
    rows = list_cache_get(
        namespace=SKILLS,
        variant="choices",
        build=lambda: list(Skill.objects.values_list("pk", "name")),
    )
    return [(pk, skill_label(name)) for pk, name in rows]


def connect_taxonomy_invalidation() -> None:
    invalidate_on_change(Skill, namespace=SKILLS)
