"""Who may see, invite and change which user accounts: every rule once, for API, web and admin.

The rules, in short:
- admins see and change every user and may set a password directly;
- managers see their own agency's specialists (and themselves), invite specialists to their
  own agency only, and may change those specialists' name, language and active flag;
- coordinators and specialists see only themselves and invite nobody;
- everyone may change their own name and language.

`user_visibility(actor)` and `can_view_user(actor, user)` agree by construction. A user
outside the caller's visibility answers 404; a visible user the caller may not change in
the asked way answers 403 (whole operation) or 400 naming the field (one field).
"""

from django.db.models import Q
from django.utils.translation import gettext as _

from accounts.models import Role, User

# Fields each relation may change on a visible user; admins may change all of them.
SELF_EDITABLE_FIELDS = frozenset({"name", "language"})
MANAGER_EDITABLE_FIELDS = frozenset({"name", "language", "is_active"})
ADMIN_EDITABLE_FIELDS = frozenset({"name", "language", "is_active", "role", "agency", "password"})


def _manages(actor: User, user: User) -> bool:
    return (
        actor.is_manager
        and actor.agency_id is not None
        and user.role == Role.SPECIALIST
        and user.agency_id == actor.agency_id
    )


def user_visibility(actor: User) -> Q:
    """The users `actor` may read."""
    if actor.is_admin:
        return Q()
    visible = Q(pk=actor.pk)
    if actor.is_manager and actor.agency_id is not None:
        visible |= Q(role=Role.SPECIALIST, agency_id=actor.agency_id)
    return visible


def can_view_user(actor: User, user: User) -> bool:
    return actor.is_admin or actor.pk == user.pk or _manages(actor, user)


def can_invite_users(actor: User) -> bool:
    """Whether `actor` may invite anybody at all (what they may invite is `invite_errors`)."""
    return actor.is_admin or (actor.is_manager and actor.agency_id is not None)


def invite_errors(actor: User, *, role: str, agency_id: int | None) -> dict[str, str]:
    """Field-level reasons why `actor` may not invite a user with this role and agency."""
    if actor.is_admin:
        return {}
    errors: dict[str, str] = {}
    if role != Role.SPECIALIST:
        errors["role"] = _("Managers may only invite specialists.")
    if agency_id != actor.agency_id:
        errors["agency"] = _("Managers may only invite users to their own agency.")
    return errors


def can_set_password_directly(actor: User) -> bool:
    return actor.is_admin


def editable_user_fields(actor: User, user: User) -> frozenset[str]:
    """The fields of `user` that `actor` may change (empty when they may change none)."""
    if actor.is_admin:
        return ADMIN_EDITABLE_FIELDS
    if _manages(actor, user):
        return MANAGER_EDITABLE_FIELDS
    if actor.pk == user.pk:
        return SELF_EDITABLE_FIELDS
    return frozenset()


def can_edit_user(actor: User, user: User) -> bool:
    return bool(editable_user_fields(actor, user))
