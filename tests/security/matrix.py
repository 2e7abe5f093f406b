"""What to request for every route of the matrix, and how to send it as each role."""

from collections.abc import Callable
from dataclasses import dataclass

from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from tests.security.conftest import Side, World

# Which object a route's `pk` names, on the side (own or other agency) under test.
OBJECTS: dict[str, Callable[[World, Side], int]] = {
    "draft": lambda w, s: s.draft.pk,
    "published": lambda w, s: s.published.pk,
    "specialist": lambda w, s: s.specialist.pk,
    "unshared": lambda w, s: s.unshared.pk,
    "availability": lambda w, s: s.availability.pk,
    "unshared_availability": lambda w, s: s.unshared_availability.pk,
    "match": lambda w, s: s.match.pk,
    "notification": lambda w, s: s.notification.pk,
    "saved_search": lambda w, s: s.saved_search.pk,
    "specialist_user": lambda w, s: s.specialist_user.pk,
    "manager_user": lambda w, s: s.manager.pk,
    "agency": lambda w, s: s.agency.pk,
    "skill": lambda w, s: w.skill.pk,
    "run": lambda w, s: w.matching_run.pk,
}

# Routes whose URL takes arguments other than `pk`.
EXTRA_KWARGS = {
    "accounts:invite-accept": {"uidb64": "MQ", "token": "ogiltig-token"},
    "web:match_group": {"group": "lent-out"},
    "api:calendar-feed": {"token": "ingen-kalender"},
    **{
        route: {"slug": "utan-inloggning"}
        for route in (
            "sso:login",
            "sso:oidc-login",
            "sso:saml-login",
            "sso:saml-acs",
            "sso:saml-metadata",
        )
    },
}


@dataclass(frozen=True)
class Probe:
    route: str
    method: str
    obj: str | None  # key of OBJECTS, or None for routes without a pk

    def url(self, world: World, side: Side) -> str:
        kwargs = dict(EXTRA_KWARGS.get(self.route, {}))
        if self.obj is not None:
            kwargs["pk"] = OBJECTS[self.obj](world, side)
        return reverse(self.route, kwargs=kwargs or None)


def send(world: World, role: str, probe: Probe, side: Side):
    """The response to `probe` for `role`: API routes by token, web pages by session."""
    user = world.user(role)
    url = probe.url(world, side)
    method = probe.method.lower()
    if probe.route.startswith("api:"):
        client = APIClient()
        if user is not None:
            client.credentials(HTTP_AUTHORIZATION=f"Token {world.tokens[role]}")
        if method in ("post", "patch", "put"):
            # A deliberately empty body: allowed callers get 400 (or the action's answer).
            return getattr(client, method)(url, {}, format="json")
        return getattr(client, method)(url)
    client = Client()
    if user is not None:
        client.force_login(user)
    return getattr(client, method)(url)
