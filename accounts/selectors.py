"""Reads of users and agencies, with the visibility rules of accounts.permissions applied."""

from collections.abc import Callable
from typing import TypeVar

from django.contrib.auth.tokens import default_token_generator
from django.db.models import QuerySet
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django.utils.translation import gettext as _

from accounts.errors import NotFound
from accounts.models import Agency, User
from accounts.permissions import user_visibility
from fastpaths.list_cache import list_cache_get

AGENCIES = "agencies"
T = TypeVar("T")


def user_list(*, actor: User) -> QuerySet[User]:
    return User.objects.filter(user_visibility(actor)).order_by("name", "id")


def user_get(*, actor: User, user_id: int) -> User:
    user = user_list(actor=actor).filter(pk=user_id).first()
    if user is None:
        raise NotFound(_("No such user."))
    return user


def agency_list() -> QuerySet[Agency]:
    """Every agency: the network's member list is public to its users."""
    return Agency.objects.order_by("name")


def agency_list_cached(*, variant: str, build: Callable[[], T]) -> T:
    """One variant (filters, page) of the agency list as `build` makes it, from the cache;
    any save or delete of an agency makes every variant stale (see accounts.apps)."""
    return list_cache_get(namespace=AGENCIES, variant=variant, build=build)


def agency_get(*, agency_id: int) -> Agency:
    agency = agency_list().filter(pk=agency_id).first()
    if agency is None:
        raise NotFound(_("No such agency."))
    return agency


def invited_user_from_link(*, uidb64: str, token: str) -> User | None:
    """The user an invitation link is for, or None when the link is malformed or used up.

    The token hashes the password, so it stops working the moment a password is set.
    """
    try:
        user_id = int(force_str(urlsafe_base64_decode(uidb64)))
    except (TypeError, ValueError, OverflowError):
        return None
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not default_token_generator.check_token(user, token):
        return None
    return user
