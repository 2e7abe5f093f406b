"""No response body carries a draft, an unshared specialist or contact details to a caller
PRODUCT.md keeps them from, across every GET route of the matrix (lists and details).
"""

import pytest
from django.db import transaction
from django.urls import reverse

from tests.security.conftest import (
    SECRET_DRAFT,
    SECRET_EMAIL,
    SECRET_PHONE,
    SECRET_UNSHARED,
    World,
)
from tests.security.matrix import Probe, send
from tests.security.test_tenant_matrix import TABLE

pytestmark = pytest.mark.django_db


def _drafts(*letters: str) -> list[str]:
    return [SECRET_DRAFT.format(letter) for letter in letters]


def _unshared(*letters: str) -> list[str]:
    # The unshared specialist's name and both phone numbers of an unshared profile.
    return [SECRET_UNSHARED.format(x) for x in letters] + [
        SECRET_PHONE.format(f"U{x}") for x in letters
    ]


def _contact(*letters: str) -> list[str]:
    return [SECRET_PHONE.format(x) for x in letters] + [
        SECRET_EMAIL.format(x).lower() for x in letters
    ]


# Callers of agency A. Specialists see no drafts at all; only their own agency's unshared
# colleagues and contacts; nobody outside B (and no manager without an approved match)
# sees B's contact details; coordinators see no drafts and no unshared specialists.
FORBIDDEN = {
    "anonymous": _drafts("A", "B") + _unshared("A", "B") + _contact("A", "B"),
    "specialist": _drafts("A", "B") + _unshared("B") + _contact("B"),
    "manager": _drafts("B") + _unshared("B") + _contact("B"),
    "coordinator": _drafts("A", "B") + _unshared("A", "B"),
}

GET_PROBES = sorted(
    {probe for probe, _ in TABLE if probe.method == "GET"}, key=lambda p: (p.route, p.obj or "")
)


def _bodies(world: World, role: str) -> dict[str, str]:
    bodies = {}
    for probe in GET_PROBES:
        for side in (world.own, world.other) if probe.obj else (world.own,):
            with transaction.atomic():
                response = send(world, role, probe, side)
                transaction.set_rollback(True)
            key = f"{probe.url(world, side)} ({probe.route})"
            bodies[key] = response.content.decode("utf-8", errors="replace")
    # Lists again with the largest page, and the shortlist explain of every specialist.
    for route in ("api:need-list", "api:specialist-list", "api:match-list", "api:user-list"):
        probe = Probe(route, "GET", None)
        url = reverse(route) + "?page_size=200"
        with transaction.atomic():
            bodies[url] = send(world, role, probe, world.own).content.decode()
            transaction.set_rollback(True)
    return bodies


@pytest.mark.parametrize("role", sorted(FORBIDDEN))
def test_no_get_body_shows_what_the_role_may_not_see(isolated, role):
    leaks = [
        (secret, where)
        for where, body in _bodies(isolated, role).items()
        for secret in FORBIDDEN[role]
        if secret.lower() in body.lower()
    ]
    assert leaks == []


def test_the_secrets_do_reach_those_allowed_to_see_them(isolated):
    """Guards the test above against secrets that are simply never rendered."""
    admin = "\n".join(_bodies(isolated, "admin").values()).lower()
    for secret in _drafts("A", "B") + _unshared("A", "B") + _contact("A", "B"):
        assert secret.lower() in admin
